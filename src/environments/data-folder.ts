/**
 * The data folder (`.nexus/` at the repository root unless `--data` says otherwise) and the one way we write
 * into it: whole files through a temp file + rename, so a crash never leaves half a record behind.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The project root for `cwd`: the nearest folder (cwd or above, within the git work tree) holding a
 * `.github` folder, so that a project inside a monorepo (like examples/nexus) is its own root; else the
 * git work tree's top; else `cwd` itself.
 */
export function repositoryRoot(cwd: string): string {
  const top = gitTopLevel(cwd);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.github'))) return dir;
    // Outside a git work tree only `cwd` itself is considered.
    if (top === undefined || dir === top || dirname(dir) === dir) break;
  }
  return top ?? cwd;
}

function gitTopLevel(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function resolveDataDir(cwd: string, flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(cwd, flag);
  if (env.NEXUS_DATA) return resolve(cwd, env.NEXUS_DATA);
  return join(repositoryRoot(cwd), '.nexus');
}

/**
 * Creates the data folder with a `.gitignore` of its own, so that what Nexus keeps there (runs,
 * workspaces, caches, keys, tokens) never shows in `git status` or lands in a commit by accident;
 * `environments.yml`, the one file of it that belongs in the repository, stays visible.
 */
export function ensureDataDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const ignore = join(dir, '.gitignore');
  if (!existsSync(ignore)) writeFileAtomic(ignore, '# Written by Nexus: its data stays out of git; environments.yml is yours to commit.\n*\n!environments.yml\n');
  return dir;
}

export function writeFileAtomic(path: string, content: string | Buffer, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode });
  renameSync(temp, path);
}

export function writeJsonAtomic(path: string, value: unknown, mode = 0o644): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n', mode);
}

export function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
