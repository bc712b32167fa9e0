/**
 * The cache under the data folder (`cache/<entry>/`): each entry is immutable once written
 * (a temp folder renamed into place), holds tar archives of the workspace-relative and absolute
 * paths, and records when it was last used so the total size can be kept under a limit by
 * evicting the least recently used entries.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { NexusError } from '../errors.js';
import { readJson, writeJsonAtomic } from '../environments/data-folder.js';
import type { Readable } from 'node:stream';
import { scratchStream, withScratchFile } from './scratch-file.js';
import { createTar, extractTar } from './tar.js';

export interface CacheEntry {
  key: string;
  version: string;
  createdAt: number;
  lastUsedAt: number;
  size: number;
}

export interface CacheMatch {
  entry: CacheEntry;
  dir: string;
  exact: boolean;
}

/**
 * The entries a restore may use, best first, as GitHub matches cache keys: in each scope in turn (the
 * job's ref, then the default branch; entries without a scope form one), the primary key exactly, then
 * keys it is a prefix of, then each restore key the same way, newest first among prefix matches.
 * Only an exact match of the primary key is a cache hit; the shared cache of the server ranks its
 * entries with this too, so a runner and `nexus run` restore the same entry.
 */
export function cacheCandidates<T extends { key: string; createdAt: number; scope?: string }>(entries: T[], key: string, restoreKeys: string[], scopes?: string[]): T[] {
  const out = new Set<T>();
  for (const scope of scopes ?? [undefined]) {
    const inScope = entries.filter((e) => scopes === undefined || e.scope === scope);
    const newest = [...inScope].sort((a, b) => b.createdAt - a.createdAt);
    for (const wanted of [key, ...restoreKeys]) {
      for (const e of inScope) if (e.key === wanted) out.add(e);
      for (const e of newest) if (e.key.startsWith(wanted)) out.add(e);
    }
  }
  return [...out];
}

const WORKSPACE_TAR = 'workspace.tar';
const ABSOLUTE_TAR = 'absolute.tar';
const META = 'entry.json';

export class CacheStore {
  readonly root: string;

  constructor(dataDir: string, private readonly limitBytes: number) {
    this.root = join(dataDir, 'cache');
  }

  /** Entries only match when saved for the same paths, as on GitHub. */
  static version(paths: string[]): string {
    return createHash('sha256').update(paths.join('\n')).digest('hex').slice(0, 16);
  }

  /** The best entry saved for the same paths, as `cacheCandidates` ranks them. */
  find(key: string, restoreKeys: string[], version: string): CacheMatch | undefined {
    const entries = this.entries().filter((e) => e.entry.version === version).map((e) => ({ ...e, key: e.entry.key, createdAt: e.entry.createdAt }));
    const best = cacheCandidates(entries, key, restoreKeys)[0];
    return best && { entry: best.entry, dir: best.dir, exact: best.key === key };
  }

  has(key: string, version: string): boolean {
    return existsSync(join(this.entryDir(key, version), META));
  }

  async restore(match: CacheMatch, workspace: string): Promise<void> {
    if (existsSync(join(match.dir, WORKSPACE_TAR))) await extractTar(join(match.dir, WORKSPACE_TAR), workspace);
    if (existsSync(join(match.dir, ABSOLUTE_TAR))) await extractTar(join(match.dir, ABSOLUTE_TAR), sep);
    writeJsonAtomic(join(match.dir, META), { ...match.entry, lastUsedAt: Date.now() });
  }

  /**
   * Saves `paths` (absolute) under `key`; 'exists' when an entry for the key is already there
   * (entries are immutable), 'too-large' when the entry alone exceeds the limit.
   */
  async save(key: string, version: string, paths: string[], workspace: string): Promise<{ result: 'saved' | 'exists' | 'too-large'; size: number; evicted: string[] }> {
    const dest = this.entryDir(key, version);
    if (this.has(key, version)) return { result: 'exists', size: 0, evicted: [] };
    mkdirSync(this.root, { recursive: true });
    const temp = join(this.root, `.tmp-${randomBytes(6).toString('hex')}`);
    mkdirSync(temp);
    try {
      const inside = paths.filter((p) => p === workspace || p.startsWith(workspace + sep)).map((p) => relative(workspace, p) || '.');
      const outside = paths.filter((p) => !(p === workspace || p.startsWith(workspace + sep))).map((p) => p.slice(1));
      if (inside.length) await createTar(join(temp, WORKSPACE_TAR), workspace, inside);
      if (outside.length) await createTar(join(temp, ABSOLUTE_TAR), sep, outside);
      const size = [WORKSPACE_TAR, ABSOLUTE_TAR].reduce((n, f) => n + (existsSync(join(temp, f)) ? statSync(join(temp, f)).size : 0), 0);
      if (size > this.limitBytes) return { result: 'too-large', size, evicted: [] };
      const now = Date.now();
      writeJsonAtomic(join(temp, META), { key, version, createdAt: now, lastUsedAt: now, size } satisfies CacheEntry);
      try {
        renameSync(temp, dest);
      } catch {
        // Another job saved the same key first: its entry stands.
        return { result: 'exists', size: 0, evicted: [] };
      }
      return { result: 'saved', size, evicted: this.evict(dest) };
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }

  /** Packs an entry (its record and archives) into the tar file `file`, as entries travel between stores. */
  async pack(match: Pick<CacheMatch, 'dir'>, file: string): Promise<void> {
    await createTar(file, match.dir, [META, WORKSPACE_TAR, ABSOLUTE_TAR].filter((f) => existsSync(join(match.dir, f))));
  }

  /**
   * Stores an entry packed by `pack`: 'exists' when this store already holds its key and version (the
   * first one stands), 'too-large' when it alone exceeds the limit.
   */
  async receive(file: string): Promise<{ result: 'saved' | 'exists' | 'too-large'; entry: CacheEntry; evicted: string[] }> {
    mkdirSync(this.root, { recursive: true });
    const temp = join(this.root, `.tmp-${randomBytes(6).toString('hex')}`);
    mkdirSync(temp);
    try {
      await extractTar(file, temp);
      const entry = readJson<CacheEntry>(join(temp, META));
      if (!entry || typeof entry.key !== 'string' || typeof entry.version !== 'string' || !Number.isFinite(entry.size)) {
        throw new NexusError('CACHE', 'the upload is not a packed cache entry');
      }
      if (entry.size > this.limitBytes) return { result: 'too-large', entry, evicted: [] };
      const dest = this.entryDir(entry.key, entry.version);
      if (this.has(entry.key, entry.version)) return { result: 'exists', entry, evicted: [] };
      const now = Date.now();
      writeJsonAtomic(join(temp, META), { ...entry, lastUsedAt: now } satisfies CacheEntry);
      try {
        renameSync(temp, dest);
      } catch {
        return { result: 'exists', entry, evicted: [] };
      }
      return { result: 'saved', entry, evicted: this.evict(dest) };
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }

  /** Runs `use` with a fresh path for a packed entry in transit, removed afterwards. */
  withPackFile<T>(use: (file: string) => Promise<T>): Promise<T> {
    return withScratchFile(this.root, use);
  }

  /** An entry packed, as a stream whose scratch file goes once it is read. */
  packed(match: Pick<CacheMatch, 'dir'>): Promise<Readable> {
    return scratchStream(this.root, (file) => this.pack(match, file));
  }

  /** Removes the entry for `key` and `version`, if this store holds it. */
  remove(key: string, version: string): void {
    rmSync(this.entryDir(key, version), { recursive: true, force: true });
  }

  /** The entry for exactly `key` and `version`, when this store holds it. */
  get(key: string, version: string): CacheMatch | undefined {
    const dir = this.entryDir(key, version);
    const entry = readJson<CacheEntry>(join(dir, META));
    return entry ? { entry, dir, exact: true } : undefined;
  }

  /** Removes least recently used entries until the cache fits its limit, keeping `keep`. */
  private evict(keep: string): string[] {
    const entries = this.entries().sort((a, b) => a.entry.lastUsedAt - b.entry.lastUsedAt);
    let total = entries.reduce((n, e) => n + e.entry.size, 0);
    const evicted: string[] = [];
    for (const e of entries) {
      if (total <= this.limitBytes) break;
      if (e.dir === keep) continue;
      rmSync(e.dir, { recursive: true, force: true });
      total -= e.entry.size;
      evicted.push(e.entry.key);
    }
    return evicted;
  }

  private entries(): { entry: CacheEntry; dir: string }[] {
    if (!existsSync(this.root)) return [];
    const out: { entry: CacheEntry; dir: string }[] = [];
    for (const name of readdirSync(this.root)) {
      if (name.startsWith('.tmp-')) continue;
      const entry = readJson<CacheEntry>(join(this.root, name, META));
      if (entry) out.push({ entry, dir: join(this.root, name) });
    }
    return out;
  }

  private entryDir(key: string, version: string): string {
    return join(this.root, createHash('sha256').update(`${version}\0${key}`).digest('hex').slice(0, 32));
  }
}
