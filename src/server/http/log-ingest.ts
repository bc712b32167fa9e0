import type { IncomingMessage, ServerResponse } from 'node:http';
import { isNexusError } from '../../errors.js';
import type { ServerContext } from '../context.js';
import { allows, bearer } from './auth.js';

export const LOG_PATH = /^\/api\/runner\/v1\/jobs\/(\d+)\/logs(\?|$)/;
/** A chunk larger than this is refused; runners cut at 1 MiB. */
const MAX_CHUNK = 8 * 1024 * 1024;

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * POST /api/runner/v1/jobs/:id/logs?attempt=&leaseToken=&seq= with the chunk as the raw body. Served
 * beside the JSON app because it carries nearly all the bytes: no JSON escaping, no web-stream copy.
 */
export async function ingestLog(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const jobId = Number(LOG_PATH.exec(url.pathname)?.[1]);
  const token = bearer(req.headers.authorization);
  const identity = token ? await ctx.identify(token) : undefined;
  if (!identity) return reply(res, 401, { error: { code: 'UNAUTHORIZED', message: 'a bearer token is required' } });
  if (!allows(identity, 'runner')) return reply(res, 403, { error: { code: 'FORBIDDEN', message: `this needs the runner role; the token has ${identity.role}` } });
  const [attempt, leaseToken, seq] = ['attempt', 'leaseToken', 'seq'].map((k) => Number(url.searchParams.get(k)));
  if (![attempt, leaseToken, seq].every(Number.isInteger)) return reply(res, 400, { error: { code: 'USAGE', message: 'attempt, leaseToken and seq must be integers' } });
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size > MAX_CHUNK) return reply(res, 413, { error: { code: 'USAGE', message: `a log chunk may hold at most ${MAX_CHUNK} bytes` } });
    parts.push(part as Buffer);
  }
  try {
    const stored = await ctx.store.appendLog({ jobId, attempt, leaseToken, owner: identity.id }, seq, Buffer.concat(parts).toString('utf8'));
    reply(res, 200, { stored });
  } catch (e) {
    if (isNexusError(e) && e.code === 'STALE_LEASE') return reply(res, 409, { error: { code: e.code, message: e.message } });
    throw e;
  }
}
