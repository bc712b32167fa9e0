/**
 * Job workspaces: a copy of the repository for each job, either as the working tree stands
 * (tracked and untracked files that git does not ignore, like `act`) or at a commit. A copy of a
 * whole repository is a git repository of its own at the run's commit, as actions/checkout leaves
 * one: its objects are borrowed from the source (git alternates), so nothing is copied twice, and
 * git in a step acts on the copy, never on the user's repository around the data folder.
 */
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { NexusError } from '../errors.js';

const exec = promisify(execFile);

export interface RepositorySource {
  root: string;
  /** `worktree`: the files as they are now; `commit`: the tree of `sha`. */
  mode: 'worktree' | 'commit';
  sha?: string;
  /** The run's ref: a branch is checked out as that branch (as actions/checkout does), anything else detached. */
  ref?: string;
  /** Nexus's data folder: its untracked contents are never copied into a workspace. */
  dataDir?: string;
  /** Untracked files never copied either: the local secret file (`.secrets`) holds secrets in clear. */
  exclude?: string[];
}

export async function copyRepository(source: RepositorySource, dest: string): Promise<void> {
  mkdirSync(dest, { recursive: true });
  const repo = await gitLayout(source.root);
  if (source.mode === 'commit') {
    if (!repo || !source.sha) throw new NexusError('CHECKOUT', `cannot check out a commit: ${source.root} is not a git repository`);
    if (!repo.prefix) {
      await initWorkspaceRepository(repo, source, dest);
      await exec('git', ['read-tree', '-u', '--reset', source.sha], { cwd: dest });
      return;
    }
    // A project inside a larger repository (a monorepo's folder): only its subtree, without git.
    // git archive works from the top: below it, it would look for the folder inside the subtree.
    await pipe(['git', 'archive', '--format=tar', `${source.sha}:${repo.prefix}`], repo.top, dest);
    return;
  }
  const dataPrefix = source.dataDir ? relative(source.root, source.dataDir) + '/' : undefined;
  if (repo) {
    const list = async (...args: string[]) => (await exec('git', ['ls-files', '-z', ...args], { cwd: source.root, maxBuffer: 256 * 1024 * 1024 })).stdout.split('\0').filter(Boolean);
    // Tracked files always; untracked ones unless they are Nexus's own data (runs, caches, workspaces).
    const tracked = await list('--cached');
    const excluded = new Set((source.exclude ?? []).map((f) => relative(source.root, f)));
    const untracked = (await list('--others', '--exclude-standard')).filter((f) => (!dataPrefix || !f.startsWith(dataPrefix)) && !excluded.has(f));
    const files = [...new Set([...tracked, ...untracked])].join('\0');
    await pipe(['tar', '-c', '--null', '--ignore-failed-read', '-T', '-', '-f', '-'], source.root, dest, files);
    if (!repo.prefix) {
      await initWorkspaceRepository(repo, source, dest);
      // The index holds the commit, so `git status` in a step shows the uncommitted changes as the user sees them.
      if (source.sha) await exec('git', ['read-tree', source.sha], { cwd: dest });
    }
    return;
  }
  const excludes = [dataPrefix?.slice(0, -1), ...(source.exclude ?? []).map((f) => relative(source.root, f))]
    .filter((f): f is string => !!f && !f.startsWith('..'))
    .map((f) => `--exclude=./${f}`);
  await pipe(['tar', '-c', ...excludes, '--exclude=./node_modules', '-f', '-', '.'], source.root, dest);
}

interface GitLayout {
  /** The top of the source's work tree. */
  top: string;
  /** The folder holding the source's objects (shared by its worktrees). */
  objects: string;
  /** Where the source root lies inside its repository ('' at the top). */
  prefix: string;
}

async function gitLayout(root: string): Promise<GitLayout | undefined> {
  try {
    const [top, common, prefix] = (await exec('git', ['rev-parse', '--show-toplevel', '--git-common-dir', '--show-prefix'], { cwd: root })).stdout.split('\n');
    return { top, objects: join(resolve(root, common), 'objects'), prefix: prefix.trim() };
  } catch {
    return undefined;
  }
}

/**
 * Makes `dest` a repository whose objects are the source's and whose HEAD is the run's commit: the
 * run's branch when the ref is one, else detached; `origin` is the source, so a step can fetch.
 */
async function initWorkspaceRepository(repo: GitLayout, source: RepositorySource, dest: string): Promise<void> {
  const branch = source.ref?.startsWith('refs/heads/') ? source.ref : undefined;
  await exec('git', ['init', '-q', '--template=', ...(branch ? [`--initial-branch=${branch.slice('refs/heads/'.length)}`] : []), dest]);
  const git = join(dest, '.git');
  mkdirSync(join(git, 'objects', 'info'), { recursive: true });
  writeFileSync(join(git, 'objects', 'info', 'alternates'), `${repo.objects}\n`);
  const quoted = `"${resolve(source.root).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  appendFileSync(join(git, 'config'), `[remote "origin"]\n\turl = ${quoted}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`);
  if (!source.sha) return;
  if (branch) {
    mkdirSync(dirname(join(git, branch)), { recursive: true });
    writeFileSync(join(git, branch), `${source.sha}\n`);
  } else writeFileSync(join(git, 'HEAD'), `${source.sha}\n`);
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
    // A producer that fails at once closes its input early; its exit status says what happened.
    src.stdin.on('error', () => undefined);
    sink.stdin.on('error', () => undefined);
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
