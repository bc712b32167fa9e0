/**
 * actions/checkout from the run's repository (the one on this host for `nexus run`, the server's git
 * endpoint on a runner): the run's commit (or `ref`) fetched into the workspace (or `path`) with git,
 * `fetch-depth` commits deep (0: all), after a clean when asked. Without any of those inputs the
 * workspace already holds the run's files and is kept as it is.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fetchInto, gitError } from '../../engine/git-fetch.js';
import { booleanInput, failed, say, type Builtin } from './builtin.js';

const exec = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export const checkout: Builtin = {
  async main(ctx, services) {
    const path = ctx.inputs.path?.trim() ?? '';
    const ref = ctx.inputs.ref?.trim() ?? '';
    const depthText = ctx.inputs['fetch-depth']?.trim() ?? '';
    const repository = ctx.inputs.repository?.trim() ?? '';
    const workspace = ctx.paths.workspace;
    const dest = resolve(workspace, path);
    if (relative(workspace, dest).startsWith('..')) return failed(`path '${path}' is outside the workspace ${workspace}`);
    if (repository && repository.toLowerCase() !== ctx.run.repository.toLowerCase()) {
      return failed(`checking out another repository (${repository}) needs access to its git server, which this offline host does not have; add it to the workspace another way, e.g. a run step that copies it`);
    }
    const depth = depthText === '' ? 1 : Number(depthText);
    if (!Number.isInteger(depth) || depth < 0) return failed(`fetch-depth: ${JSON.stringify(depthText)} must be a whole number (0 for all history)`);
    if (!ref && !path && !depthText) {
      say(ctx, `The workspace already holds the run's files (commit ${ctx.run.sha.slice(0, 12)}); nothing to fetch`);
      return { outcome: 'success', outputs: { ref: ctx.run.ref, commit: ctx.run.sha } };
    }
    const root = services.root;
    const local = !!root && existsSync(join(root, '.git'));
    const source = ctx.repository ?? (local ? { url: `file://${root}` } : undefined);
    if (!source) return failed('there is no repository to check out from: the run was not started from a git repository');
    let target = ref || ctx.run.sha;
    if (local && !ctx.repository) {
      // A local repository resolves what a fetch could not: abbreviated commits, any ref name.
      try {
        target = await git(root, 'rev-parse', '--verify', '--end-of-options', `${target}^{commit}`);
      } catch {
        return failed(`ref '${ref}' is not a branch, tag or commit of ${root}`);
      }
    }
    mkdirSync(dest, { recursive: true });
    if (booleanInput(ctx, 'clean', true)) for (const e of readdirSync(dest)) rmSync(join(dest, e), { recursive: true, force: true });
    let sha: string;
    try {
      sha = await fetchInto(source, target, dest, depth);
    } catch (e) {
      const said = gitError(e, source);
      if (ref && /couldn't find remote ref|not our ref|unadvertised object/i.test(said)) return failed(`ref '${ref}' is not a branch, tag or commit of ${ctx.run.repository}`);
      return failed(`git could not check out ${target}: ${said}`);
    }
    say(ctx, `Checked out ${ref || ctx.run.ref} (${sha.slice(0, 12)}) into ${dest}${depth > 0 ? ` with ${depth} commit(s) of history` : ' with full history'}`);
    return { outcome: 'success', outputs: { ref: ref || ctx.run.ref, commit: sha } };
  },
};
