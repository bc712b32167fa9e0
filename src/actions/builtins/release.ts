/** actions/create-release: records the release in the data folder (list with `nexus releases`). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NexusError } from '../../errors.js';
import { ReleaseStore } from '../release-store.js';
import { booleanInput, failed, say, type Builtin } from './builtin.js';

export const createRelease: Builtin = {
  async main(ctx) {
    const tag = ctx.inputs.tag_name?.trim().replace(/^refs\/tags\//, '');
    if (!tag) return failed('Input required and not supplied: tag_name');
    let body = ctx.inputs.body ?? '';
    const bodyPath = ctx.inputs.body_path?.trim();
    if (bodyPath) {
      try {
        body = readFileSync(resolve(ctx.paths.workspace, bodyPath), 'utf8');
      } catch {
        return failed(`body_path ${bodyPath} cannot be read`);
      }
    }
    try {
      const record = new ReleaseStore(ctx.dataDir).create({
        tag,
        name: ctx.inputs.release_name?.trim() || tag,
        body: ctx.masker.mask(body),
        commit: ctx.inputs.commitish?.trim() || ctx.run.sha,
        draft: booleanInput(ctx, 'draft', false),
        prerelease: booleanInput(ctx, 'prerelease', false),
        repository: ctx.run.repository,
        runId: ctx.run.runId,
        actor: ctx.run.actor,
        createdAt: new Date().toISOString(),
      });
      say(ctx, `Release '${record.name}' recorded for tag ${tag} at ${record.commit.slice(0, 12)}${record.draft ? ' (draft)' : ''}${record.prerelease ? ' (prerelease)' : ''}; see nexus releases`);
      return { outcome: 'success', outputs: { id: tag, html_url: `nexus://releases/${encodeURIComponent(tag)}`, upload_url: '' } };
    } catch (e) {
      if (e instanceof NexusError) return failed(e.message);
      throw e;
    }
  },
};
