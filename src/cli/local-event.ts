/**
 * The event a local run pretends happened: GitHub's payload shapes, filled from the local git
 * repository (branch, HEAD, its parent, the changed files), or read from `-e FILE`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { NexusError } from '../errors.js';

const exec = promisify(execFile);
export const ZERO_SHA = '0000000000000000000000000000000000000000';

export interface LocalEvent {
  name: string;
  payload: Record<string, unknown>;
  ref: string;
  sha: string;
  repository: string;
  actor: string;
  changedFiles?: string[];
  baseRef?: string;
  headRef?: string;
}

async function git(root: string, ...args: string[]): Promise<string | undefined> {
  try {
    return (await exec('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
  } catch {
    return undefined;
  }
}

export async function localEvent(root: string, name: string, eventPath?: string): Promise<LocalEvent> {
  const head = (await git(root, 'rev-parse', 'HEAD')) ?? ZERO_SHA;
  const branch = (await git(root, 'symbolic-ref', '--short', '-q', 'HEAD')) || 'main';
  const repository = repositoryName(await git(root, 'remote', 'get-url', 'origin'), root);
  const actor = (await git(root, 'config', 'user.name')) || process.env.USER || 'nexus';
  const email = (await git(root, 'config', 'user.email')) || `${actor}@localhost`;
  const [owner, repo] = repository.split('/');
  const repositoryPayload = { id: 1, name: repo, full_name: repository, owner: { login: owner, name: owner }, default_branch: 'main', private: true };
  const sender = { login: actor, type: 'User' };

  if (eventPath) return fromFile(eventPath, name, { head, branch, repository, actor });

  const parent = head === ZERO_SHA ? undefined : await git(root, 'rev-parse', '-q', '--verify', `${head}^`);
  const commit = head === ZERO_SHA ? undefined : await commitInfo(root, head);
  const changedFiles = head === ZERO_SHA ? undefined : ((parent ? await git(root, 'diff', '--name-only', '--relative', parent, head) : await git(root, 'ls-tree', '-r', '--name-only', head)) ?? '').split('\n').filter(Boolean);
  const base = { repository, actor, sha: head, changedFiles };

  switch (name) {
    case 'push':
      return {
        ...base, name, ref: `refs/heads/${branch}`,
        payload: {
          ref: `refs/heads/${branch}`, before: parent ?? ZERO_SHA, after: head, created: !parent, deleted: false, forced: false, base_ref: null,
          compare: '', commits: commit ? [commit] : [], head_commit: commit ?? null, pusher: { name: actor, email }, repository: repositoryPayload, sender,
        },
      };
    case 'pull_request':
    case 'pull_request_target':
      return {
        ...base, name, ref: 'refs/pull/1/merge', baseRef: 'main', headRef: branch,
        payload: {
          action: 'opened', number: 1,
          pull_request: { number: 1, title: commit?.message.split('\n')[0] ?? '', head: { ref: branch, sha: head }, base: { ref: 'main', sha: parent ?? head }, user: { login: actor } },
          repository: repositoryPayload, sender,
        },
      };
    case 'schedule':
      return { ...base, name, ref: `refs/heads/${branch}`, payload: { schedule: '', repository: repositoryPayload } };
    default:
      return { ...base, name, ref: `refs/heads/${branch}`, payload: { ref: `refs/heads/${branch}`, inputs: {}, repository: repositoryPayload, sender } };
  }
}

async function commitInfo(root: string, sha: string) {
  const out = (await git(root, 'show', '-s', '--format=%an%x00%ae%x00%cI%x00%B', sha)) ?? '';
  const [name, email, timestamp, message] = out.split('\0');
  const files = ((await git(root, 'show', '--name-status', '--format=', sha)) ?? '').split('\n').filter(Boolean);
  const pick = (s: string) => files.filter((f) => f.startsWith(s)).map((f) => f.split('\t').pop()!);
  return {
    id: sha, tree_id: '', distinct: true, message: (message ?? '').trim(), timestamp, url: '',
    author: { name, email, username: name }, committer: { name, email, username: name },
    added: pick('A'), removed: pick('D'), modified: pick('M'),
  };
}

function fromFile(path: string, name: string, local: { head: string; branch: string; repository: string; actor: string }): LocalEvent {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ? `cannot read (${(e as NodeJS.ErrnoException).code})` : `not valid JSON: ${(e as Error).message}`;
    throw new NexusError('EVENT_FILE', `--eventpath ${path}: ${reason}`, { exitCode: 2 });
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new NexusError('EVENT_FILE', `--eventpath ${path}: the event must be a JSON object`, { exitCode: 2 });
  const pr = payload.pull_request as { head?: { sha?: string; ref?: string }; base?: { ref?: string }; number?: number } | undefined;
  const headCommit = payload.head_commit as { id?: string } | undefined;
  const ref = typeof payload.ref === 'string' ? payload.ref : pr ? `refs/pull/${pr.number ?? 1}/merge` : `refs/heads/${local.branch}`;
  const sha = (typeof payload.after === 'string' && payload.after !== ZERO_SHA ? payload.after : undefined) ?? headCommit?.id ?? pr?.head?.sha ?? local.head;
  const repo = (payload.repository as { full_name?: string } | undefined)?.full_name ?? local.repository;
  const actor = (payload.sender as { login?: string } | undefined)?.login ?? local.actor;
  return { name, payload, ref, sha, repository: repo, actor, baseRef: pr?.base?.ref, headRef: pr?.head?.ref };
}

function repositoryName(remote: string | undefined, root: string): string {
  const m = remote ? /[:/]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(remote) : null;
  return m ? `${m[1]}/${m[2]}` : `local/${basename(root)}`;
}
