/**
 * The cache every runner of the server shares. Entries are scoped to the ref whose job saved them; a job
 * restores from its own ref first, then from the default branch, as GitHub isolates caches. Files live
 * under `<data>/caches/<project>/<scope>/` (a cache store each, with its size limit and LRU eviction);
 * rows in the store find them.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CacheStore, cacheCandidates } from '../actions/cache-store.js';
import { NexusError } from '../errors.js';
import type { Job } from '../store/types.js';
import type { ServerContext } from './context.js';

/** GitHub's limit per repository, here per project and ref. */
const LIMIT_BYTES = 10 * 1024 ** 3;

async function scopesOf(ctx: ServerContext, job: Job): Promise<{ projectId: number; own: string; scopes: string[] }> {
  const run = (await ctx.store.getRun(job.runId))!;
  const project = (await ctx.store.getProjectById(run.projectId))!;
  return { projectId: project.id, own: run.ref, scopes: [...new Set([run.ref, `refs/heads/${project.defaultBranch}`])] };
}

const storeFor = (ctx: ServerContext, projectId: number, scope: string): CacheStore =>
  new CacheStore(join(ctx.config.dataDir, 'caches', String(projectId), createHash('sha256').update(scope).digest('hex').slice(0, 16)), LIMIT_BYTES);

/** The best entry the job may restore; undefined when none matches. */
export async function lookupCache(ctx: ServerContext, job: Job, key: string, restoreKeys: string[], version: string): Promise<{ key: string; scope: string } | undefined> {
  const { projectId, scopes } = await scopesOf(ctx, job);
  const rows = await ctx.store.listCacheEntries(projectId, { scopes, version });
  for (const row of cacheCandidates(rows, key, restoreKeys, scopes)) {
    if (!storeFor(ctx, projectId, row.scope).get(row.key, row.version)) {
      // Evicted from its folder since: the row goes too.
      await ctx.store.deleteCacheEntry(row.id);
      continue;
    }
    await ctx.store.touchCacheEntry(row.id);
    return { key: row.key, scope: row.scope };
  }
  return undefined;
}

/** A found entry, packed as a stream, for a job whose ref may read its scope. */
export async function packedCache(ctx: ServerContext, job: Job, entry: { key: string; scope: string }, version: string): Promise<Readable> {
  const { projectId, scopes } = await scopesOf(ctx, job);
  if (!scopes.includes(entry.scope)) throw new NexusError('FORBIDDEN', `a job of ${scopes[0]} may not read the cache of ${entry.scope}`);
  const store = storeFor(ctx, projectId, entry.scope);
  const match = store.get(entry.key, version);
  if (!match) throw new NexusError('NOT_FOUND', `cache ${JSON.stringify(entry.key)} of ${entry.scope} not found (evicted)`);
  return store.packed(match);
}

/** Stores a packed entry the job offers under its ref; the first entry for a key and version stands. */
export async function offerCache(ctx: ServerContext, job: Job, body: WebReadableStream<Uint8Array> | null): Promise<'saved' | 'exists' | 'too-large'> {
  if (!body) throw new NexusError('USAGE', 'the request body must be the packed cache entry');
  const { projectId, own } = await scopesOf(ctx, job);
  const store = storeFor(ctx, projectId, own);
  const received = await store.withPackFile(async (file) => {
    await pipeline(Readable.fromWeb(body), createWriteStream(file));
    return store.receive(file);
  });
  if (received.result === 'saved') {
    const { entry } = received;
    await ctx.store.addCacheEntry({ projectId, scope: own, key: entry.key, version: entry.version, size: entry.size, path: store.root, createdAt: entry.createdAt });
  }
  if (received.evicted.length) {
    for (const row of await ctx.store.listCacheEntries(projectId, { scopes: [own] })) if (!store.get(row.key, row.version)) await ctx.store.deleteCacheEntry(row.id);
  }
  return received.result;
}

/** Deletes the project's entries with exactly `key` (in `scope` only, when given); returns how many. */
export async function deleteCaches(ctx: ServerContext, projectId: number, key: string, scope?: string): Promise<number> {
  const rows = (await ctx.store.listCacheEntries(projectId, scope ? { scopes: [scope] } : {})).filter((r) => r.key === key);
  for (const row of rows) {
    storeFor(ctx, projectId, row.scope).remove(row.key, row.version);
    await ctx.store.deleteCacheEntry(row.id);
  }
  return rows.length;
}
