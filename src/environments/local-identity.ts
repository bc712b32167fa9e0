/**
 * Who is acting and on what commit, for commands run on this machine. Local identity is whatever the user says
 * it is (`--as`, NEXUS_ACTOR, git's user.name); the server replaces it with its token's user.
 */
import { execFileSync } from 'node:child_process';

function git(cwd: string, ...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function localActor(cwd: string, flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag || env.NEXUS_ACTOR || git(cwd, 'config', 'user.name') || env.USER || 'unknown';
}

/** HEAD's commit and ref (`refs/heads/BRANCH`, or undefined on a detached HEAD / outside git). */
export function gitHead(cwd: string): { commit?: string; ref?: string } {
  return { commit: git(cwd, 'rev-parse', 'HEAD'), ref: git(cwd, 'symbolic-ref', '-q', 'HEAD') };
}
