/**
 * Live log latency into an open browser page: a job prints 200 timestamped lines on the in-process
 * runner; a page showing the job notes when each line enters the DOM. The baseline, measured in the
 * same run, is a plain SSE client of the same log API, so the ratio is what the UI adds.
 * Target: page p95 at most 250 ms.
 *   node --import ./dist/src/compat/register.js dist/bench/web-log-latency.js [--lines 200] [--gap-ms 20]
 */
import { parseArgs } from 'node:util';
import { followLog, percentile } from './web-measure.js';
import { launchBrowser, signedInPage, startWebServer, until } from '../test/web/harness.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '200' }, 'gap-ms': { type: 'string', default: '20' } } });
const lines = Number(values.lines);
const gap = Number(values['gap-ms']) / 1000;

const server = await startWebServer();
const browser = await launchBrowser();
try {
  const project = await server.project('latency');
  // A warm-up run first, so the page and runner are past their first-time costs.
  const script = (n: number) => `for i in $(seq 1 ${n}); do echo "LAT $i $(date +%s%3N)"; sleep ${gap}; done`;
  project.push({ '.github/workflows/log.yml': `name: log\non: [push]\njobs:\n  talk:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 3; ${script(lines)}\n` });
  const runId = await until(async () => (await server.api<{ runs: { id: number }[] }>('/runs?project=latency')).runs[0]?.id, 'the run');
  const job = await until(async () => (await server.api<{ jobs: { id: number }[] }>(`/runs/${runId}`)).jobs[0], 'the job');
  const page = await signedInPage(browser, server.adminToken);
  await page.addInitScript(() => {
    const seen: number[] = [];
    (window as unknown as { latencies: number[] }).latencies = seen;
    const done = new Set<string>();
    new MutationObserver((records) => {
      const now = Date.now();
      for (const r of records) {
        for (const n of r.addedNodes) {
          const text = (n as HTMLElement).textContent ?? '';
          for (const m of text.matchAll(/LAT (\d+) (\d{13})/g)) if (!done.has(m[1])) (done.add(m[1]), seen.push(now - Number(m[2])));
        }
      }
    }).observe(document, { subtree: true, childList: true });
  });
  const sse = followLog(server.url, server.adminToken, job.id, /LAT (\d+) (\d{13})/);
  await page.goto(`${server.url}/p/latency/runs/${runId}/jobs/${job.id}`);
  const pageLatencies = await until(async () => {
    const got = await page.evaluate(() => (window as unknown as { latencies: number[] }).latencies.slice());
    return got.length >= lines ? got : undefined;
  }, 'every line in the page', 60_000).catch(async (e) => {
    throw new Error(`${e}: saw ${await page.evaluate(() => (window as unknown as { latencies: number[] }).latencies.length)} lines; page says ${await page.locator('[data-testid="match-count"]').innerText()}`);
  });
  const sseLatencies = await sse;
  const p = (xs: number[], q: number) => Math.round(percentile(xs, q));
  console.log(`log lines: ${lines}, one every ${values['gap-ms']} ms`);
  console.log(`page  (first line on the runner to DOM): p50 ${p(pageLatencies, 50)} ms, p95 ${p(pageLatencies, 95)} ms, max ${p(pageLatencies, 100)} ms (target p95 <= 250 ms)`);
  console.log(`SSE API baseline (same lines, node client):  p50 ${p(sseLatencies, 50)} ms, p95 ${p(sseLatencies, 95)} ms`);
  console.log(`page/API p95 ratio: ${(percentile(pageLatencies, 95) / Math.max(1, percentile(sseLatencies, 95))).toFixed(2)}x`);
} finally {
  await browser.close();
  await server.close();
}
