/**
 * The action store: a folder of `owner/repo@ref` checkouts that remote actions are run from.
 * Filled by `nexus actions add owner/repo@ref --from PATH`, or by `git clone` when the network allows.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { NexusError } from '../errors.js';

const exec = promisify(execFile);
const CLONE_TIMEOUT_MS = 60_000;

export function defaultActionStore(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'nexus', 'actions');
}

export interface StoredAction {
  owner: string;
  repo: string;
  ref: string;
  dir: string;
}

export class ActionStore {
  constructor(readonly root: string) {}

  dir(owner: string, repo: string, ref: string): string {
    return join(this.root, owner.toLowerCase(), `${repo.toLowerCase()}@${ref}`);
  }

  find(owner: string, repo: string, ref: string): string | undefined {
    const dir = this.dir(owner, repo, ref);
    return existsSync(dir) ? dir : undefined;
  }

  /** Copies a checkout into the store, replacing what was there, without a half-copied state. */
  add(spec: string, from: string): StoredAction {
    const { owner, repo, ref } = parseStoreSpec(spec);
    const source = resolve(from);
    if (!existsSync(source) || !statSync(source).isDirectory()) throw new NexusError('USAGE', `--from ${from}: not a folder`, { exitCode: 2 });
    const dest = this.dir(owner, repo, ref);
    const temp = `${dest}.${randomBytes(4).toString('hex')}.tmp`;
    mkdirSync(join(dest, '..'), { recursive: true });
    cpSync(source, temp, { recursive: true, filter: (p) => !p.endsWith('/.git') });
    rmSync(dest, { recursive: true, force: true });
    renameSync(temp, dest);
    return { owner, repo, ref, dir: dest };
  }

  remove(spec: string): boolean {
    const { owner, repo, ref } = parseStoreSpec(spec);
    const dir = this.find(owner, repo, ref);
    if (!dir) return false;
    rmSync(dir, { recursive: true, force: true });
    return true;
  }

  list(): StoredAction[] {
    if (!existsSync(this.root)) return [];
    const out: StoredAction[] = [];
    for (const owner of readdirSync(this.root).sort()) {
      const ownerDir = join(this.root, owner);
      if (!statSync(ownerDir).isDirectory()) continue;
      for (const entry of readdirSync(ownerDir).sort()) {
        const at = entry.indexOf('@');
        if (at <= 0 || entry.endsWith('.tmp')) continue;
        out.push({ owner, repo: entry.slice(0, at), ref: entry.slice(at + 1), dir: join(ownerDir, entry) });
      }
    }
    return out;
  }

  /**
   * Fetches `owner/repo` at `ref` from GitHub (git's `url.<base>.insteadOf` points it elsewhere); fails
   * at once when the network is not there. A branch or tag is cloned one commit deep; a commit SHA,
   * which `clone --branch` cannot take, is fetched by itself, or found in a full clone when the server
   * will not hand out a commit no ref points at.
   */
  async fetch(owner: string, repo: string, ref: string, serverUrl = 'https://github.com'): Promise<string> {
    const dest = this.dir(owner, repo, ref);
    const temp = `${dest}.${randomBytes(4).toString('hex')}.tmp`;
    const url = `${serverUrl}/${owner}/${repo}`;
    try {
      if (COMMIT_SHA.test(ref)) await fetchCommit(url, ref, temp);
      else await git(['clone', '-q', '--depth=1', '--branch', ref, url, temp]);
      rmSync(join(temp, '.git'), { recursive: true, force: true });
      renameSync(temp, dest);
      return dest;
    } catch (e) {
      rmSync(temp, { recursive: true, force: true });
      const detail = ((e as { stderr?: string }).stderr || String(e)).trim().split('\n').pop();
      throw new NexusError('ACTION_MISSING', `${owner}/${repo}@${ref} is not in the action store (${this.root}) and cannot be fetched (${detail}). Provide it with: nexus actions add ${owner}/${repo}@${ref} --from PATH`);
    }
  }
}

const COMMIT_SHA = /^[0-9a-f]{40}$/i;

function git(args: string[]): Promise<unknown> {
  return exec('git', args, { timeout: CLONE_TIMEOUT_MS, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
}

async function fetchCommit(url: string, sha: string, dir: string): Promise<void> {
  await git(['init', '-q', dir]);
  await git(['-C', dir, 'remote', 'add', 'origin', url]);
  try {
    await git(['-C', dir, 'fetch', '-q', '--depth=1', 'origin', sha]);
  } catch {
    // Servers without protocol v2 or uploadpack.allowReachableSHA1InWant refuse a SHA no ref advertises.
    await git(['-C', dir, 'fetch', '-q', '--tags', 'origin']);
  }
  await git(['-C', dir, '-c', 'advice.detachedHead=false', 'checkout', '-q', sha]);
}

export function parseStoreSpec(spec: string): { owner: string; repo: string; ref: string } {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)@([^\s/][^\s]*)$/.exec(spec);
  if (!m) throw new NexusError('USAGE', `${JSON.stringify(spec)}: expected owner/repo@ref`, { exitCode: 2 });
  return { owner: m[1], repo: m[2], ref: m[3] };
}
