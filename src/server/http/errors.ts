import type { Context } from 'hono';
import { isNexusError } from '../../errors.js';

const statusOf: Record<string, number> = {
  USAGE: 400,
  VALIDATION: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  STALE_LEASE: 409,
};

/** The one place errors become responses: a NexusError keeps its code and message; anything else is a 500. */
export function errorResponse(e: unknown, c: Context, log: (m: string) => void): Response {
  if (isNexusError(e)) {
    const status = statusOf[e.code] ?? 400;
    return c.json({ error: { code: e.code, message: e.message, diagnostics: e.diagnostics } }, status as 400);
  }
  log(`internal error on ${c.req.method} ${c.req.path}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return c.json({ error: { code: 'INTERNAL', message: 'internal server error' } }, 500);
}
