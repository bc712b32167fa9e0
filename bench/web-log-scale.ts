/**
 * The run page with a 50,000-line log: time per scroll jump and per search (typing a query until the
 * match count and the first match are on screen), measured inside Chromium. The baseline, in the
 * same run, is the same actions on a 500-line log: the ratio shows how far the cost grows with size.
 * Target: scroll and search under 100 ms per action (p95; the slowest single action is printed too).
 *   node --import ./dist/src/compat/register.js dist/bench/web-log-scale.js [--lines 50000] [--actions 20]
 */
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { percentile } from './web-measure.js';
import { launchBrowser, signedInPage, startWebServer, until } from '../test/web/harness.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '50000' }, actions: { type: 'string', default: '20' } } });
const big = Number(values.lines);
const actions = Number(values.actions);

/** In the page: jump the log to random places; each sample ends when the target row is painted. */
function scrollTimes(page: Page, n: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const el = document.querySelector('[data-testid="log-scroll"]') as HTMLElement;
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = Math.floor(((i * 7919) % 997) / 997 * (el.scrollHeight / 20 - 40));
      const t0 = performance.now();
      el.scrollTop = row * 20;
      for (;;) {
        await frame();
        if (document.querySelector(`.log-line[data-line="${row + 1}"]`)) break;
        if (performance.now() - t0 > 5000) throw new Error(`line ${row + 1} never appeared`);
      }
      out.push(performance.now() - t0);
    }
    return out;
  }, n);
}

/** In the page: type queries; each sample ends when the count shows them and the first match is painted. */
function searchTimes(page: Page, queries: string[]): Promise<number[]> {
  return page.evaluate(async (queries) => {
    const input = document.querySelector('input[aria-label="Search log"]') as HTMLInputElement;
    const count = document.querySelector('[data-testid="match-count"]') as HTMLElement;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
    const out: number[] = [];
    for (const q of queries) {
      const t0 = performance.now();
      setValue.call(input, q);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      for (;;) {
        const current = document.querySelector('.log-line.current');
        if (current?.textContent?.toLowerCase().includes(q) && /^[1-9]\d* of /.test(count.textContent ?? '')) break;
        if (performance.now() - t0 > 5000) throw new Error(`search ${q} never settled (${count.textContent})`);
        await frame();
      }
      out.push(performance.now() - t0);
    }
    return out;
  }, queries);
}

const server = await startWebServer();
const browser = await launchBrowser();
try {
  const project = await server.project('scale');
  const job = (n: number) => `  log${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: for i in $(seq 1 ${n}); do echo "line $i of the log, \\033[32mcoloured\\033[0m text $((i * 7 % 1000))"; done\n`;
  project.push({ '.github/workflows/big.yml': `name: big\non: [push]\njobs:\n${job(big)}${job(500)}` });
  const runId = await until(async () => (await server.api<{ runs: { id: number; status: string }[] }>('/runs?project=scale')).runs.find((r) => r.status === 'completed')?.id, 'the run', 180_000);
  const jobs = (await server.api<{ jobs: { id: number; key: string }[] }>(`/runs/${runId}`)).jobs;
  const measure = async (n: number) => {
    const page = await signedInPage(browser, server.adminToken);
    const id = jobs.find((j) => j.key === `log${n}`)!.id;
    const t0 = Date.now();
    await page.goto(`${server.url}/p/scale/runs/${runId}/jobs/${id}`);
    await page.locator('[data-testid="match-count"]', { hasText: `${n + 1} lines` }).or(page.locator('[data-testid="match-count"]', { hasText: `${n} lines` })).waitFor({ timeout: 120_000 });
    const load = Date.now() - t0;
    const scroll = await scrollTimes(page, actions);
    // Every query matches: line k exists and carries the text k * 7 % 1000.
    const queries = Array.from({ length: actions }, (_, i) => {
      const k = 1 + ((i * 2311) % n);
      return i % 2 ? `text ${(k * 7) % 1000}` : `line ${k} of`;
    });
    const search = await searchTimes(page, queries);
    await page.context().close();
    return { load, scroll, search };
  };
  const small = await measure(500);
  const large = await measure(big);
  const f = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms, max ${percentile(xs, 100).toFixed(1)} ms`;
  console.log(`${big}-line log: loaded and parsed in ${large.load} ms (500 lines: ${small.load} ms)`);
  console.log(`scroll jump (${actions}): ${f(large.scroll)}; 500 lines: ${f(small.scroll)}; p95 ratio ${(percentile(large.scroll, 95) / percentile(small.scroll, 95)).toFixed(2)}x`);
  console.log(`search (${actions}):      ${f(large.search)}; 500 lines: ${f(small.search)}; p95 ratio ${(percentile(large.search, 95) / percentile(small.search, 95)).toFixed(2)}x`);
  const p95 = Math.max(percentile(large.scroll, 95), percentile(large.search, 95));
  console.log(`target: p95 of scroll and search under 100 ms: ${p95 < 100 ? 'met' : 'NOT met'} (${p95.toFixed(1)} ms; slowest single action ${Math.max(...large.scroll, ...large.search).toFixed(1)} ms)`);
} finally {
  await browser.close();
  await server.close();
}
