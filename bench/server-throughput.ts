/**
 * 1,000 trivial jobs through 4 runner processes, on SQLite and on PostgreSQL: jobs per second from the
 * first start to the last finish (server timestamps). Baseline: the same claim/ack/finish cycle called
 * on the store directly, without HTTP or runners, in the same run.
 */
import { openStore } from '../src/store/store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchServer, runnerToken, runnerWorker } from './server-harness.js';

const JOBS = Number(process.env.JOBS ?? 1000);
const RUNNERS = 4;

async function throughput(kind: 'sqlite' | 'postgres'): Promise<number> {
  const b = await benchServer(kind, 'on: workflow_dispatch\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n');
  try {
    await b.dispatch(JOBS);
    const token = await runnerToken(b);
    const workers = Array.from({ length: RUNNERS }, () => runnerWorker(b.server.url, token));
    try {
      for (;;) {
        const { runs } = await b.api('GET', `/api/runs?project=bench&limit=${JOBS}`);
        if (runs.length >= JOBS && runs.every((r: { status: string }) => r.status === 'completed')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      workers.forEach((w) => w.kill('SIGTERM'));
    }
    const rows = await b.server.store.jobMinutes(0, Number.MAX_SAFE_INTEGER);
    const first = Math.min(...rows.map((r) => r.startedAt));
    const last = Math.max(...rows.map((r) => r.finishedAt));
    return (rows.length / (last - first)) * 1000;
  } finally {
    await b.close();
  }
}

/** The store alone: how fast one process can push jobs through claim, ack and finish. */
async function storeBaseline(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-store-'));
  const store = await openStore({ dataDir: dir, env: {} });
  try {
    const project = await store.createProject('p');
    const n = 500;
    for (let i = 0; i < n; i++) {
      await store.createRun({ projectId: project.id, workflowPath: 'w', workflowName: 'w', event: 'push', ref: 'r', sha: 's', payload: {}, inputs: {}, actor: 'a', status: 'in_progress', plan: {},
        jobs: [{ key: 'j', jobId: 'j', name: 'j', needs: [], runsOn: ['x'], plan: {}, status: 'queued', timeoutMs: 60_000 }] });
    }
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      const job = (await store.claimJob({ id: 1, labels: ['x'], tokenId: 1, projects: null }, 5000))!;
      const lease = { jobId: job.id, attempt: job.attempt, leaseToken: job.leaseToken, owner: 1 };
      await store.ackJob(lease, 5000);
      await store.finishJob(lease, { conclusion: 'success' });
    }
    return n / ((performance.now() - t) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = await storeBaseline();
for (const kind of ['sqlite', 'postgres'] as const) {
  const rate = await throughput(kind);
  console.log(`${JOBS} trivial jobs through ${RUNNERS} runners on ${kind}: ${rate.toFixed(1)} jobs/s (${(rate / base).toFixed(2)}x the bare SQLite store's claim/ack/finish rate of ${base.toFixed(0)}/s)`);
}
