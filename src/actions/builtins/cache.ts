/**
 * actions/cache, actions/cache/restore and actions/cache/save on the local cache store: restore
 * by exact key or restore-key prefix; save at the end of a successful job when the key missed.
 * On a server's runner the shared cache stands behind the local one: what this host lacks (or only
 * matches by prefix) is asked of the server, and what the job saves is offered to it.
 */
import type { ActionStepContext, ActionStepOutcome } from '../../engine/action-host.js';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CacheStore } from '../cache-store.js';
import { expandPaths } from '../paths.js';
import { booleanInput, failed, listInput, say, type Builtin, type BuiltinServices } from './builtin.js';

export interface CacheRequest {
  key: string;
  restoreKeys: string[];
  paths: string[];
}

/**
 * The cache store on this host. With a shared cache it holds copies of the server's entries, one store
 * per ref scope, so an entry of one branch never answers for another.
 */
function store(ctx: ActionStepContext, services: BuiltinServices, scope = ctx.run.ref): CacheStore {
  if (!ctx.sharedCache) return new CacheStore(ctx.dataDir, services.cacheLimitBytes);
  return new CacheStore(join(ctx.dataDir, 'shared-cache', createHash('sha256').update(scope).digest('hex').slice(0, 16)), services.cacheLimitBytes);
}

/** The best entry: from the store on this host, or as the shared cache finds it (copied here when new). */
async function findEntry(ctx: ActionStepContext, services: BuiltinServices, req: CacheRequest, version: string, lookupOnly: boolean): Promise<{ key: string; size?: number; restore?: () => Promise<void> } | undefined> {
  const shared = ctx.sharedCache;
  if (!shared) {
    const cache = store(ctx, services);
    const match = cache.find(req.key, req.restoreKeys, version);
    return match && { key: match.entry.key, size: match.entry.size, restore: () => cache.restore(match, ctx.paths.workspace) };
  }
  const hit = await shared.lookup(req.key, req.restoreKeys, version);
  if (!hit || lookupOnly) return hit;
  const cache = store(ctx, services, hit.scope);
  let match = cache.get(hit.key, version);
  if (!match) {
    await cache.withPackFile(async (file) => {
      await shared.download(hit, version, file);
      await cache.receive(file);
    });
    match = cache.get(hit.key, version);
  }
  return match && { key: hit.key, size: match.entry.size, restore: () => cache.restore(match, ctx.paths.workspace) };
}

/** Restores the best entry; returns the key it came from. */
export async function restoreCache(ctx: ActionStepContext, services: BuiltinServices, req: CacheRequest, lookupOnly = false): Promise<string | undefined> {
  let found: Awaited<ReturnType<typeof findEntry>>;
  try {
    found = await findEntry(ctx, services, req, CacheStore.version(req.paths), lookupOnly);
  } catch (e) {
    // As actions/cache does when its service fails: a warning, and the job goes on without the entry.
    ctx.log({ kind: 'warning', text: `Failed to restore from the shared cache: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (!found) {
    say(ctx, `Cache not found for input keys: ${[req.key, ...req.restoreKeys].join(', ')}`);
    return undefined;
  }
  if (lookupOnly) say(ctx, `Cache found and can be restored from key: ${found.key}`);
  else {
    await found.restore!();
    say(ctx, `Cache restored from key: ${found.key} (${formatSize(found.size ?? 0)})`);
  }
  return found.key;
}

export async function saveCache(ctx: ActionStepContext, services: BuiltinServices, key: string, patterns: string[]): Promise<ActionStepOutcome> {
  const paths = expandPaths(patterns, ctx.paths.workspace, ctx.env.HOME);
  if (paths.length === 0) {
    ctx.log({ kind: 'warning', text: 'Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.' });
    return { outcome: 'success' };
  }
  const cache = store(ctx, services);
  const version = CacheStore.version(patterns);
  const saved = await cache.save(key, version, paths, ctx.paths.workspace);
  if (saved.result === 'exists') ctx.log({ kind: 'warning', text: `Cache entry for key ${key} already exists; entries are immutable, not saving.` });
  else if (saved.result === 'too-large') ctx.log({ kind: 'warning', text: `Cache size of ${formatSize(saved.size)} is over the limit of ${formatSize(services.cacheLimitBytes)}, not saving cache.` });
  else {
    say(ctx, `Cache saved with key: ${key} (${formatSize(saved.size)})`);
    if (saved.evicted.length) say(ctx, `Evicted least recently used cache entries: ${saved.evicted.join(', ')}`);
    const shared = ctx.sharedCache;
    const entry = shared && cache.get(key, version);
    if (entry) {
      await cache
        .withPackFile(async (file) => {
          await cache.pack(entry, file);
          const result = await shared.offer(file);
          if (result === 'saved') say(ctx, `Cache ${key} stored in the server's shared cache`);
          else ctx.log({ kind: 'warning', text: result === 'exists' ? `The shared cache already holds ${key}; another job saved it first.` : `Cache ${key} is over the shared cache's limit, not shared.` });
        })
        .catch((e) => ctx.log({ kind: 'warning', text: `Failed to save to the shared cache: ${e instanceof Error ? e.message : String(e)}` }));
    }
  }
  return { outcome: 'success' };
}

function request(ctx: ActionStepContext): CacheRequest | string {
  const key = ctx.inputs.key?.trim();
  const paths = listInput(ctx, 'path');
  if (!key) return 'Input required and not supplied: key';
  if (paths.length === 0) return 'Input required and not supplied: path';
  if (key.includes(',')) return `Key Validation Error: ${key} cannot contain commas.`;
  return { key, restoreKeys: listInput(ctx, 'restore-keys'), paths };
}

async function restoreStep(ctx: ActionStepContext, services: BuiltinServices): Promise<ActionStepOutcome> {
  const req = request(ctx);
  if (typeof req === 'string') return failed(req);
  const matched = await restoreCache(ctx, services, req, booleanInput(ctx, 'lookup-only', false));
  // On a miss actions/cache leaves cache-hit unset (''), which workflows test with `if: steps.x.outputs.cache-hit`.
  const outputs = { ...(matched ? { 'cache-hit': String(matched === req.key) } : {}), 'cache-primary-key': req.key, 'cache-matched-key': matched ?? '' };
  if (!matched && booleanInput(ctx, 'fail-on-cache-miss', false)) return failed(`Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: ${req.key}`, outputs);
  return { outcome: 'success', outputs, state: { CACHE_KEY: req.key, CACHE_RESULT: matched ?? '' } };
}

export const cache: Builtin = {
  main: restoreStep,
  postIf: 'success()',
  async post(ctx, services) {
    const key = ctx.state.CACHE_KEY;
    if (!key) return { outcome: 'success' };
    if (ctx.state.CACHE_RESULT === key) {
      say(ctx, `Cache hit occurred on the primary key ${key}, not saving cache.`);
      return { outcome: 'success' };
    }
    return saveCache(ctx, services, key, listInput(ctx, 'path'));
  },
};

export const cacheRestore: Builtin = { main: restoreStep };

export const cacheSave: Builtin = {
  async main(ctx, services) {
    const req = request(ctx);
    return typeof req === 'string' ? failed(req) : saveCache(ctx, services, req.key, req.paths);
  },
};

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
