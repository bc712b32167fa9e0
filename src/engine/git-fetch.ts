/** Fetching one commit or ref of a repository into a folder with git, as a checkout needs it. */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import type { RepositorySource } from './action-host.js';

const exec = promisify(execFile);

/**
 * Fetches `target` (a commit, branch or tag) from `source` into `dir` and checks it out detached;
 * `depth` commits of history (0: all). Returns the checked-out commit.
 */
export async function fetchInto(source: RepositorySource, target: string, dir: string, depth: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  // Credentials ride as per-command headers: never in the URL, the remote config or the folder.
  const headers = Object.entries(source.headers ?? {}).flatMap(([k, v]) => ['-c', `http.extraHeader=${k}: ${v}`]);
  const git = async (...args: string[]) => (await exec('git', [...headers, ...args], { cwd: dir, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
  await git('init', '-q');
  await git('fetch', '-q', ...(depth > 0 ? [`--depth=${depth}`] : []), source.url, target);
  await git('checkout', '-q', '--force', '--detach', 'FETCH_HEAD');
  return git('rev-parse', 'HEAD');
}

/** What git said, with the source's header values (credentials) hidden: a failed command's text repeats its arguments. */
export function gitError(e: unknown, source: RepositorySource): string {
  let message = (e as { stderr?: string }).stderr?.trim() || String(e);
  for (const value of Object.values(source.headers ?? {})) message = message.split(value).join('***');
  return message;
}
