/**
 * Queue-to-start latency for a remote runner on loopback: each job is dispatched while one runner process
 * long-polls; latency = the job's start (its acknowledgement) minus its queueing, both recorded by the
 * server. Baseline: one plain API round trip on the same server. Target: p95 <= 50 ms.
 */
import { benchServer, percentile, runnerToken, runnerWorker } from './server-harness.js';

const SAMPLES = Number(process.env.SAMPLES ?? 200);
const b = await benchServer('sqlite', 'on: workflow_dispatch\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n');
const worker = runnerWorker(b.server.url, await runnerToken(b));
try {
  const rtt: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await b.api('GET', '/api/health');
    rtt.push(performance.now() - t);
  }
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const { runs } = await b.api('POST', '/api/projects/bench/dispatches', { workflow: 'bench.yml', ref: 'main' });
    for (;;) {
      const { run, jobs } = await b.api('GET', `/api/runs/${runs[0].id}`);
      if (run.status === 'completed') {
        latencies.push(jobs[0].startedAt - jobs[0].queuedAt);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  latencies.sort((x, y) => x - y);
  rtt.sort((x, y) => x - y);
  const [p50, p95, base] = [percentile(latencies, 50), percentile(latencies, 95), percentile(rtt, 50)];
  console.log(`queue-to-start latency (${SAMPLES} jobs, 1 remote runner, SQLite, loopback): p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (target p95 <= 50 ms: ${p95 <= 50 ? 'met' : 'NOT met'})`);
  console.log(`baseline: one API round trip p50 ${base.toFixed(2)} ms; p50 latency = ${(p50 / base).toFixed(1)}x a round trip`);
} finally {
  worker.kill('SIGTERM');
  await b.close();
}
