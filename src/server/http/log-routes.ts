import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Job } from '../../store/types.js';
import type { ServerContext } from '../context.js';
import { requireRole, type Env } from './auth.js';
import { int, notFound } from './body.js';

/** Masks every secret value of the project (runners mask too; this is the second line of defence). */
async function masker(ctx: ServerContext, projectId: number, jobs: Job[]): Promise<(s: string) => string> {
  const values = new Set<string>();
  for (const env of new Set(jobs.map((j) => j.environment))) {
    for (const v of Object.values(await ctx.store.secretsFor(projectId, env))) if (v.length >= 3) values.add(v);
  }
  const sorted = [...values].sort((a, b) => b.length - a.length);
  return (s) => sorted.reduce((t, v) => t.split(v).join('***'), s);
}

export const attemptHeader = (attempt: number): string => `===== attempt ${attempt} (the lines before are from attempt ${attempt - 1}) =====`;

const wakeOrTimeout = (ctx: ServerContext, ids: Set<number>, ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = () => (off(), clearTimeout(timer), signal.removeEventListener('abort', done), resolve());
    const off = ctx.store.onLog((id) => ids.has(id) && done());
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Logs of a job or of a whole run (every job of its current attempt, lines prefixed with the job key).
 * Plain text by default; `?follow=1` streams Server-Sent Events until the run or job is complete.
 */
export function logRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();

  async function target(kind: 'run' | 'job', idText: string) {
    const id = int(idText, `${kind} id`);
    if (kind === 'job') {
      const job = await ctx.store.getJob(id);
      if (!job) throw notFound(`job ${id}`);
      const run = (await ctx.store.getRun(job.runId))!;
      return { run, jobs: async () => [(await ctx.store.getJob(id))!], done: async () => (await ctx.store.getJob(id))!.status === 'completed', prefix: false };
    }
    const run = await ctx.store.getRun(id);
    if (!run) throw notFound(`run ${id}`);
    return {
      run,
      jobs: async () => ctx.store.listJobs(id, (await ctx.store.getRun(id))!.attempt),
      done: async () => (await ctx.store.getRun(id))!.status === 'completed',
      prefix: true,
    };
  }

  for (const kind of ['run', 'job'] as const) {
    app.get(`/${kind}s/:id/logs`, requireRole('viewer'), async (c) => {
      const t = await target(kind, c.req.param('id'));
      const mask = await masker(ctx, t.run.projectId, await t.jobs());
      // A client that reconnects says where each job's log left off (`after=JOB:ATTEMPT:SEQ,...`, as the event ids).
      const cursors = new Map<number, { attempt: number; seq: number } | undefined>();
      for (const cursor of [c.req.query('after') ?? '', c.req.header('last-event-id') ?? ''].join(',').split(',').filter(Boolean)) {
        const [job, attempt, seq] = cursor.split(':').map((n) => int(n, 'after'));
        cursors.set(job, { attempt, seq });
      }
      const render = (job: Job, data: string) => (t.prefix ? data.split('\n').map((l) => `[${job.key}] ${l}`).join('\n') : data);
      async function* pending() {
        for (const job of await t.jobs()) {
          for (;;) {
            const chunks = await ctx.store.readLogs(job.id, cursors.get(job.id));
            if (!chunks.length) break;
            for (const ch of chunks) {
              // A job retried after its runner was lost logs each attempt: say where the next one starts.
              const previous = cursors.get(job.id)?.attempt;
              const data = ch.attempt > 1 && previous !== ch.attempt ? `${attemptHeader(ch.attempt)}\n${ch.data}` : ch.data;
              cursors.set(job.id, { attempt: ch.attempt, seq: ch.seq });
              yield { id: `${job.id}:${ch.attempt}:${ch.seq}`, text: mask(render(job, data)) };
            }
          }
        }
      }
      if (c.req.query('follow') !== '1' && c.req.query('follow') !== 'true') {
        let body = '';
        for await (const p of pending()) body += p.text.endsWith('\n') ? p.text : `${p.text}\n`;
        return c.text(body);
      }
      return streamSSE(c, async (stream) => {
        const signal = c.req.raw.signal;
        for (;;) {
          const finished = await t.done();
          let sent = 0;
          for await (const p of pending()) (await stream.writeSSE({ id: p.id, event: 'log', data: p.text }), sent++);
          if (finished && !sent) break;
          if (signal.aborted) return;
          if (!sent) await wakeOrTimeout(ctx, new Set((await t.jobs()).map((j) => j.id)), 1000, signal);
        }
        const final = kind === 'job' ? (await t.jobs())[0].conclusion : (await ctx.store.getRun(t.run.id))!.conclusion;
        await stream.writeSSE({ event: 'end', data: JSON.stringify({ conclusion: final }) });
      });
    });
  }
  return app;
}
