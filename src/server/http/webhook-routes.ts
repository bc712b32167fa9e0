import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { ZERO_SHA } from '../git/repos.js';
import { safeEqual, type Env } from './auth.js';

/** GitHub caps webhook payloads at 25 MB; nothing larger is read, signed or not. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** The body, or undefined once it passes `limit` bytes (the rest is not read). */
async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer | undefined> {
  const parts: Uint8Array[] = [];
  let size = 0;
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(parts);
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    parts.push(value);
  }
}

/**
 * POST /webhooks/github: GitHub's push and pull_request deliveries, verified with X-Hub-Signature-256
 * (HMAC-SHA256 of the raw body, compared in constant time). Every delivery is recorded with its outcome
 * (the newest 1,000); a redelivery (the same X-GitHub-Delivery) starts no run twice.
 */
export function webhookRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();
  app.post('/github', async (c) => {
    const event = c.req.header('x-github-event') ?? '';
    const delivery = c.req.header('x-github-delivery') ?? '';
    const answer = async (status: number, outcome: string, extra: Record<string, unknown> = {}) => {
      await ctx.store.recordDelivery({ source: 'github', event, delivery, status, outcome });
      return c.json({ outcome, ...extra }, status as 200);
    };
    const declared = Number(c.req.header('content-length') ?? 0);
    const raw = declared > MAX_WEBHOOK_BYTES ? undefined : await readLimited(c.req.raw.body, MAX_WEBHOOK_BYTES);
    if (!raw) return answer(413, `refused: the body is larger than ${MAX_WEBHOOK_BYTES / 1024 / 1024} MB`);
    const secret = ctx.config.webhookSecret;
    if (!secret) return answer(401, 'refused: no webhook secret is configured (NEXUS_WEBHOOK_SECRET)');
    const signature = c.req.header('x-hub-signature-256') ?? '';
    const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    if (!signature) return answer(401, 'refused: unsigned (no X-Hub-Signature-256)');
    if (!safeEqual(signature, expected)) return answer(401, 'refused: bad signature');
    let payload: Record<string, any>;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      return answer(400, 'refused: the body is not JSON');
    }
    if (event === 'ping') return answer(200, 'pong');
    if (event !== 'push' && event !== 'pull_request') return answer(202, `ignored: event ${event || '(none)'} is not handled`);
    const name = String(payload.repository?.name ?? '');
    const project = await ctx.store.getProject(name);
    if (!project) return answer(404, `refused: no project ${JSON.stringify(name)}`);
    let sha: string;
    let ref: string;
    let changedFiles: string[] | undefined;
    if (event === 'push') {
      if (payload.deleted || payload.after === ZERO_SHA) return answer(202, 'accepted: a deletion starts no workflow');
      sha = String(payload.after ?? '');
      ref = String(payload.ref ?? '');
      changedFiles = [...new Set<string>(((payload.commits ?? []) as { added?: string[]; removed?: string[]; modified?: string[] }[]).flatMap((k) => [...(k.added ?? []), ...(k.removed ?? []), ...(k.modified ?? [])]))];
    } else {
      sha = String(payload.pull_request?.head?.sha ?? '');
      ref = `refs/pull/${payload.number ?? payload.pull_request?.number}/merge`;
      const base = String(payload.pull_request?.base?.sha ?? '');
      if (base && (await ctx.repos.hasCommit(project.name, base))) {
        changedFiles = (await ctx.repos.git(project.name, ['diff', '--name-only', `${base}...${sha}`]).catch(() => '')).split('\n').filter(Boolean);
      }
    }
    if (!/^[0-9a-f]{40}$/.test(sha) || !(await ctx.repos.hasCommit(project.name, sha))) {
      return answer(422, `refused: commit ${sha || '(none)'} is not in the hosted repository ${project.name}; push it first`);
    }
    const actor = String(payload.sender?.login ?? payload.pusher?.name ?? 'github');
    const runs = await ctx.scheduler.trigger(project, { name: event, payload, ref, sha, changedFiles }, actor, delivery ? { triggerKey: `github-delivery:${delivery}` } : {});
    return answer(202, `accepted: ${runs.length} run(s) started`, { runs: runs.map((r) => r.id) });
  });
  return app;
}
