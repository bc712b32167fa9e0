/**
 * Job workspaces: a copy of the repository for each job, either as the working tree stands
 * (tracked and untracked files that git does not ignore, like `act`) or at a commit.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { promisify } from 'node:util';
import { NexusError } from '../errors.js';

const exec = promisify(execFile);

export interface RepositorySource {
  root: string;
  /** `worktree`: the files as they are now; `commit`: the tree of `sha`. */
  mode: 'worktree' | 'commit';
  sha?: string;
  /** Nexus's data folder: its untracked contents are never copied into a workspace. */
  dataDir?: string;
  /** Untracked files never copied either: the local secret file (`.secrets`) holds secrets in clear. */
  exclude?: string[];
}

export async function isGitRepository(dir: string): Promise<boolean> {
  try {
    await exec('git', ['rev-parse', '--git-dir'], { cwd: dir });
    return true;
  } catch {
    return false;
  }
}

export async function copyRepository(source: RepositorySource, dest: string): Promise<void> {
  mkdirSync(dest, { recursive: true });
  const git = await isGitRepository(source.root);
  if (source.mode === 'commit') {
    if (!git || !source.sha) throw new NexusError('CHECKOUT', `cannot check out a commit: ${source.root} is not a git repository`);
    // The root may be a project inside a larger repository: archive only its subtree.
    const prefix = (await exec('git', ['rev-parse', '--show-prefix'], { cwd: source.root })).stdout.trim();
    await pipe(['git', 'archive', '--format=tar', `${source.sha}:${prefix}`], source.root, dest);
    return;
  }
  const dataPrefix = source.dataDir ? relative(source.root, source.dataDir) + '/' : undefined;
  if (git) {
    const list = async (...args: string[]) => (await exec('git', ['ls-files', '-z', ...args], { cwd: source.root, maxBuffer: 256 * 1024 * 1024 })).stdout.split('\0').filter(Boolean);
    // Tracked files always; untracked ones unless they are Nexus's own data (runs, caches, workspaces).
    const tracked = await list('--cached');
    const excluded = new Set((source.exclude ?? []).map((f) => relative(source.root, f)));
    const untracked = (await list('--others', '--exclude-standard')).filter((f) => (!dataPrefix || !f.startsWith(dataPrefix)) && !excluded.has(f));
    const files = [...new Set([...tracked, ...untracked])].join('\0');
    await pipe(['tar', '-c', '--null', '--ignore-failed-read', '-T', '-', '-f', '-'], source.root, dest, files);
    return;
  }
  const excludes = [dataPrefix?.slice(0, -1), ...(source.exclude ?? []).map((f) => relative(source.root, f))]
    .filter((f): f is string => !!f && !f.startsWith('..'))
    .map((f) => `--exclude=./${f}`);
  await pipe(['tar', '-c', ...excludes, '--exclude=./node_modules', '-f', '-', '.'], source.root, dest);
}

/** Runs `producer | tar -x -C dest`. */
function pipe(producer: string[], cwd: string, dest: string, input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const src = spawn(producer[0], producer.slice(1), { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const sink = spawn('tar', ['-x', '-f', '-', '-C', dest], { stdio: ['pipe', 'ignore', 'pipe'] });
    let errors = '';
    src.stderr.on('data', (d) => (errors += d));
    sink.stderr.on('data', (d) => (errors += d));
    src.stdout.pipe(sink.stdin);
    src.stdin.end(input ?? '');
    let pending = 2;
    let failed = false;
    const done = (code: number | null) => {
      failed ||= code !== 0;
      if (--pending > 0) return;
      if (failed) reject(new NexusError('CHECKOUT', `copying the repository failed: ${errors.trim() || 'tar or git exited with an error'}`));
      else resolve();
    };
    src.on('close', done);
    sink.on('close', done);
  });
}
