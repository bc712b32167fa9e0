import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { NexusError } from '../../errors.js';
import type { TokenInfo } from '../../store/store.js';
import type { Role } from '../../store/types.js';

export type Env = { Variables: { identity: TokenInfo | undefined } };

/**
 * admin can do what developer can, developer what viewer can. The runner protocol is for `runner` tokens
 * only, and they for it only: its answers carry the secrets of the jobs they hand out, which no other
 * token may read back (docs/runner-protocol.md, "Trust model").
 */
const rank: Record<Role, number> = { viewer: 1, developer: 2, admin: 3, runner: 0 };

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}

/** Who a bearer token is: a stored token, or the in-process runners' own credential. */
export type Identify = (token: string) => Promise<TokenInfo | undefined>;

export function authenticate(identify: Identify): MiddlewareHandler<Env> {
  return async (c, next) => {
    const token = bearer(c.req.header('authorization'));
    c.set('identity', token ? await identify(token) : undefined);
    await next();
  };
}

export function allows(identity: TokenInfo | undefined, need: Role): boolean {
  if (!identity) return false;
  if (need === 'runner' || identity.role === 'runner') return identity.role === need;
  return rank[identity.role] >= rank[need];
}

export function requireRole(need: Role): MiddlewareHandler<Env> {
  return async (c, next) => {
    check(c, need);
    await next();
  };
}

export function check(c: Context<Env>, need: Role): TokenInfo {
  const identity = c.get('identity');
  if (!identity) throw new NexusError('UNAUTHORIZED', 'a bearer token is required (Authorization: Bearer ...)');
  if (!allows(identity, need)) throw new NexusError('FORBIDDEN', `this needs the ${need} role; the token has ${identity.role}`);
  return identity;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
