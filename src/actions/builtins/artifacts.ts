/** actions/upload-artifact and actions/download-artifact on the run's artifacts in the data folder. */
import { basename, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { NexusError } from '../../errors.js';
import type { ActionStepContext, ActionStepOutcome } from '../../engine/action-host.js';
import { ArtifactStore, type ArtifactRecord } from '../artifact-store.js';
import { expandPaths, filesUnder, searchRoot } from '../paths.js';
import { booleanInput, failed, listInput, say, type Builtin } from './builtin.js';
import { formatSize } from './cache.js';

const DEFAULT_RETENTION_DAYS = 90;

/** Stores the files matching `patterns` as a run artifact; undefined when none match. */
export function uploadFiles(ctx: ActionStepContext, name: string, patterns: string[], options: { retentionDays?: number; overwrite?: boolean; includeHidden?: boolean } = {}): ArtifactRecord | undefined {
  const matched = expandPaths(patterns, ctx.paths.workspace, ctx.env.HOME);
  const base = searchRoot(patterns, ctx.paths.workspace, ctx.env.HOME);
  const hidden = (f: string) => f.slice(base.length).split(sep).some((part) => part.startsWith('.'));
  const files = filesUnder(matched).filter((f) => options.includeHidden || !hidden(f));
  if (files.length === 0) return undefined;
  return new ArtifactStore(ctx.dataDir).upload(ctx.run.runId, name, files, base, options.retentionDays ?? DEFAULT_RETENTION_DAYS, options.overwrite ?? false);
}

export const uploadArtifact: Builtin = {
  async main(ctx) {
    const name = ctx.inputs.name?.trim() || 'artifact';
    const patterns = listInput(ctx, 'path');
    if (patterns.length === 0) return failed('Input required and not supplied: path');
    const ifNone = ctx.inputs['if-no-files-found']?.trim() || 'warn';
    if (!['warn', 'error', 'ignore'].includes(ifNone)) return failed(`if-no-files-found: ${JSON.stringify(ifNone)} is not one of warn, error, ignore`);
    const days = ctx.inputs['retention-days']?.trim() ? Number(ctx.inputs['retention-days']) : DEFAULT_RETENTION_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > 90) return failed(`retention-days: ${ctx.inputs['retention-days']} must be a whole number of days from 1 to 90`);
    const record = uploadFiles(ctx, name, patterns, { retentionDays: days, overwrite: booleanInput(ctx, 'overwrite', false), includeHidden: booleanInput(ctx, 'include-hidden-files', false) });
    if (!record) {
      const message = `No files were found with the provided path: ${patterns.join(', ')}. No artifacts will be uploaded.`;
      if (ifNone === 'error') return failed(message);
      if (ifNone === 'warn') ctx.log({ kind: 'warning', text: message });
      else say(ctx, message);
      return { outcome: 'success' };
    }
    say(ctx, `Artifact ${name} stored: ${record.files} file(s), ${formatSize(record.size)}, kept ${days} day(s) (until ${record.expiresAt})`);
    return { outcome: 'success', outputs: { 'artifact-id': `${record.runId}/${name}`, 'artifact-url': `file://${new ArtifactStore(ctx.dataDir).root}/${record.runId}/${encodeURIComponent(name)}` } };
  },
};

export const downloadArtifact: Builtin = {
  async main(ctx) {
    const store = new ArtifactStore(ctx.dataDir);
    const name = ctx.inputs.name?.trim();
    const dest = resolve(ctx.paths.workspace, ctx.inputs.path?.trim() || '.');
    try {
      if (name) {
        const count = store.download(ctx.run.runId, name, dest);
        say(ctx, `Artifact ${name} downloaded to ${dest} (${count} file(s))`);
      } else {
        const pattern = ctx.inputs.pattern?.trim();
        // A glob over names, as download-artifact matches them (minimatch with its defaults).
        const matches = pattern ? picomatch(pattern) : () => true;
        const all = store.list(ctx.run.runId).filter((a) => matches(a.name));
        const merge = booleanInput(ctx, 'merge-multiple', false);
        for (const a of all) {
          const count = store.download(ctx.run.runId, a.name, merge ? dest : resolve(dest, basename(a.name)));
          say(ctx, `Artifact ${a.name} downloaded (${count} file(s))`);
        }
        say(ctx, `Downloaded ${all.length} artifact(s) to ${dest}`);
      }
    } catch (e) {
      if (e instanceof NexusError) return failed(e.message);
      throw e;
    }
    return { outcome: 'success', outputs: { 'download-path': dest } } satisfies ActionStepOutcome;
  },
};
