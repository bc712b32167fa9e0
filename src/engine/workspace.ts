/**
 * Job workspaces: a copy of the repository for each job, either as the working tree stands
 * (tracked and untracked files that git does not ignore, like `act`) or at a commit.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { NexusError } from '../errors.js';

const exec = promisify(execFile);

export interface RepositorySource {
  root: string;
  /** `worktree`: the files as they are now; `commit`: the tree of `sha`. */
  mode: 'worktree' | 'commit';
  sha?: string;
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
    await pipe(['git', 'archive', '--format=tar', source.sha], source.root, dest);
    return;
  }
  if (git) {
    const { stdout } = await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'], { cwd: source.root, maxBuffer: 256 * 1024 * 1024 });
    await pipe(['tar', '-c', '--null', '--ignore-failed-read', '-T', '-', '-f', '-'], source.root, dest, stdout);
    return;
  }
  await pipe(['tar', '-c', '--exclude=./.nexus', '--exclude=./node_modules', '-f', '-', '.'], source.root, dest);
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
