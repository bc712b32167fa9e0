import { Hono, type Context } from 'hono';
import { NexusError } from '../../errors.js';
import type { Conclusion, HeldLease } from '../../store/types.js';
import type { Claimant } from '../../store/queue.js';
import { sleep } from '../../runner/backoff.js';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { packedArtifact, receiveArtifact } from '../artifacts.js';
import { buildAssignment } from '../assignment.js';
import { lookupCache, offerCache, packedCache } from '../caches.js';
import { acceptDeployments } from '../deployments.js';
import type { ServerContext } from '../context.js';
import { requireRole, type Env } from './auth.js';
import { int, jsonBody, notFound, str } from './body.js';

const conclusions: Conclusion[] = ['success', 'failure', 'cancelled', 'skipped'];

/** The call's lease; it is held only by the token whose runner claimed the job. */
function leaseOf(c: Context<Env>, body: Record<string, unknown>): HeldLease {
  return { jobId: int(c.req.param('id'), 'job id'), attempt: int(body.attempt, 'attempt'), leaseToken: int(body.leaseToken, 'leaseToken'), owner: c.get('identity')!.id };
}

/** The lease of a call whose body is raw bytes: it rides in the query, as for log chunks. */
function queryLease(c: Context<Env>): HeldLease {
  return leaseOf(c, { attempt: c.req.query('attempt'), leaseToken: c.req.query('leaseToken') });
}

/** A claim that found nothing while a job it may take is still queued lost a race: try again this soon. */
const RECLAIM_MS = 20;

/** Resolves on a queue wake-up, the deadline, or the client going away, whichever comes first. */
function waitForWork(ctx: ServerContext, ms: number, signal: AbortSignal): { woken: () => boolean; wait: Promise<void>; done: () => void } {
  let woken = false;
  let wake!: () => void;
  const wait = new Promise<void>((r) => (wake = r));
  const off = ctx.store.onQueued(() => ((woken = true), wake()));
  const timer = setTimeout(wake, ms);
  signal.addEventListener('abort', wake, { once: true });
  return {
    woken: () => woken,
    wait,
    done: () => (off(), clearTimeout(timer), signal.removeEventListener('abort', wake)),
  };
}

/** The runner protocol (docs/runner-protocol.md): every job call carries job, attempt and lease token. */
export function runnerRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();
  app.use('*', requireRole('runner'));
  const { store, config } = ctx;

  app.post('/register', async (c) => {
    const b = await jsonBody(c);
    const labels = Array.isArray(b.labels) ? b.labels.map((l) => str(l, 'labels[]')) : config.runnerLabels;
    const capacity = b.capacity === undefined ? 1 : int(b.capacity, 'capacity');
    if (capacity < 1) throw new NexusError('USAGE', 'capacity must be at least 1');
    const identity = c.get('identity')!;
    const runner = await store.registerRunner({ name: str(b.name ?? 'runner', 'name'), labels, capacity, version: String(b.version ?? ''), tokenId: identity.id, projects: identity.projects });
    return c.json({ runnerId: runner.id, labels: runner.labels, heartbeatMs: config.heartbeatMs, leaseMs: config.leaseMs, pollTimeoutMs: config.pollTimeoutMs });
  });

  app.post('/poll', async (c) => {
    const b = await jsonBody(c);
    const runner = await store.getRunner(int(b.runnerId, 'runnerId'));
    if (!runner) throw notFound(`runner ${String(b.runnerId)} (register again)`);
    const identity = c.get('identity')!;
    if (runner.tokenId !== identity.id) throw new NexusError('FORBIDDEN', `runner ${runner.id} was registered with another token`);
    const claimant: Claimant = { id: runner.id, labels: runner.labels, tokenId: identity.id, projects: identity.projects };
    await store.touchRunner(runner.id);
    const deadline = Date.now() + Math.min(config.pollTimeoutMs, b.timeoutMs === undefined ? Infinity : int(b.timeoutMs, 'timeoutMs'));
    const signal = c.req.raw.signal;
    for (;;) {
      // A runner that went away gets no claim: it would sit assigned until its ack timed out.
      if (signal.aborted) return c.body(null, 204);
      const waiter = waitForWork(ctx, Math.max(0, deadline - Date.now()), signal);
      try {
        const job = await store.claimJob(claimant, config.ackMs);
        if (job) return c.json({ assignment: await buildAssignment(ctx, job) });
        if (Date.now() >= deadline || signal.aborted) return c.body(null, 204);
        // Another claim held the job this one would have taken: there may be more, so no waiting for a wake-up.
        if (await store.hasClaimable(claimant)) await sleep(RECLAIM_MS * (0.5 + Math.random()), signal);
        else if (!waiter.woken()) await waiter.wait;
      } finally {
        waiter.done();
      }
    }
  });

  app.post('/jobs/:id/ack', async (c) => {
    const job = await store.ackJob(leaseOf(c, await jsonBody(c)), config.leaseMs);
    ctx.scheduler.advance(job.runId).catch((e) => ctx.log(String(e)));
    return c.json({ leaseExpiresAt: job.leaseExpiresAt, deadlineAt: job.deadlineAt });
  });

  app.post('/jobs/:id/heartbeat', async (c) => {
    const b = await jsonBody(c);
    const job = await store.heartbeat(leaseOf(c, b), config.leaseMs);
    if (b.runnerId !== undefined) await store.touchRunner(int(b.runnerId, 'runnerId'));
    return c.json({ cancel: job.cancelRequested, leaseExpiresAt: job.leaseExpiresAt });
  });

  app.post('/jobs/:id/steps', async (c) => {
    const b = await jsonBody(c);
    const status = b.status === 'completed' ? 'completed' : 'in_progress';
    const conclusion = conclusions.includes(b.conclusion as Conclusion) ? (b.conclusion as Conclusion) : null;
    await store.recordStep(leaseOf(c, b), { number: int(b.number, 'number'), name: str(b.name, 'name'), status, conclusion });
    return c.json({ ok: true });
  });

  // Artifacts move packed (docs/runner-protocol.md): a job uploads what it stored, and fetches what
  // earlier jobs of its run stored on other machines.
  app.post('/jobs/:id/artifacts/upload', async (c) => {
    const lease = queryLease(c);
    const job = await store.heldJob(lease);
    await receiveArtifact(ctx, job, str(c.req.query('name'), 'name'), c.req.raw.body as WebReadableStream<Uint8Array> | null);
    return c.json({ ok: true });
  });

  app.post('/jobs/:id/artifacts/list', async (c) => {
    const job = await store.heldJob(leaseOf(c, await jsonBody(c)));
    return c.json({ artifacts: (await store.listArtifacts(job.runId)).map((a) => ({ name: a.name, createdAt: a.createdAt })) });
  });

  app.post('/jobs/:id/artifacts/download', async (c) => {
    const b = await jsonBody(c);
    const job = await store.heldJob(leaseOf(c, b));
    const packed = await packedArtifact(ctx, job.runId, str(b.name, 'name'));
    return c.body(Readable.toWeb(packed) as ReadableStream, 200, { 'content-type': 'application/x-tar' });
  });

  // The shared cache (docs/runner-protocol.md): the job's ref scopes what it may restore and where it saves.
  app.post('/jobs/:id/caches/lookup', async (c) => {
    const b = await jsonBody(c);
    const job = await store.heldJob(leaseOf(c, b));
    const restoreKeys = Array.isArray(b.restoreKeys) ? b.restoreKeys.map((k) => str(k, 'restoreKeys[]')) : [];
    return c.json({ entry: (await lookupCache(ctx, job, str(b.key, 'key'), restoreKeys, str(b.version, 'version'))) ?? null });
  });

  app.post('/jobs/:id/caches/download', async (c) => {
    const b = await jsonBody(c);
    const job = await store.heldJob(leaseOf(c, b));
    const packed = await packedCache(ctx, job, { key: str(b.key, 'key'), scope: str(b.scope, 'scope') }, str(b.version, 'version'));
    return c.body(Readable.toWeb(packed) as ReadableStream, 200, { 'content-type': 'application/x-tar' });
  });

  app.post('/jobs/:id/caches/offer', async (c) => {
    const job = await store.heldJob(queryLease(c));
    return c.json({ result: await offerCache(ctx, job, c.req.raw.body as WebReadableStream<Uint8Array> | null) });
  });

  // Deployment records change after the job that made them (analysis, rollbacks), so runners report
  // every new version of a record, whichever job is running.
  app.post('/deployments', async (c) => {
    const b = await jsonBody(c);
    if (!Array.isArray(b.records)) throw new NexusError('USAGE', 'records must be an array of deployment records');
    return c.json({ stored: await acceptDeployments(ctx, str(b.origin, 'origin'), b.records, c.get('identity')!.projects) });
  });

  app.post('/jobs/:id/finish', async (c) => {
    const b = await jsonBody(c);
    if (!conclusions.includes(b.conclusion as Conclusion)) throw new NexusError('USAGE', `conclusion must be one of ${conclusions.join(', ')}`);
    const outputs = Object.fromEntries(Object.entries((b.outputs ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    const job = await store.finishJob(leaseOf(c, b), { conclusion: b.conclusion as Conclusion, outputs, reason: typeof b.reason === 'string' ? b.reason : null, summary: typeof b.summary === 'string' ? b.summary : null });
    await ctx.scheduler.advance(job.runId);
    if (job.concurrencyGroup) await ctx.scheduler.releaseGroup(job.projectId, job.concurrencyGroup);
    return c.json({ ok: true });
  });

  return app;
}
