import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram, RevisionMetrics } from '../../src/deploy/metrics.js';
import { DEFAULT_ANALYSIS, closingVerdict, figuresFrom, findBreach } from '../../src/deploy/analysis.js';

test('histogram quantiles are within the bucket resolution (5%)', () => {
  const h = new LatencyHistogram();
  for (let ms = 1; ms <= 1000; ms++) h.record(ms);
  for (const [q, exact] of [[0.5, 500], [0.95, 950], [0.99, 990]] as const) {
    const got = h.quantile(q);
    assert.ok(got >= exact && got <= exact * 1.05, `q${q}: ${got} vs ${exact}`);
  }
  assert.equal(new LatencyHistogram().quantile(0.95), 0);
});

test('the sliding window forgets old slots and never reaches before the switch', () => {
  const m = new RevisionMetrics(10_000);
  const t0 = 1_000_000;
  for (let i = 0; i < 10; i++) m.recordResponse(500, 5, t0 + i * 100);
  for (let i = 0; i < 10; i++) m.recordResponse(200, 5, t0 + 5000 + i * 100);
  m.recordConnectionError(1, t0 + 5500);
  assert.deepEqual(
    [m.window(10_000, 0, t0 + 6000).requests, m.window(10_000, 0, t0 + 6000).errors5xx, m.window(10_000, 0, t0 + 6000).connectionErrors],
    [21, 10, 1],
  );
  assert.equal(m.window(2000, 0, t0 + 6000).errors5xx, 0, 'the 500s fell out of a 2 s window');
  assert.equal(m.window(10_000, t0 + 5000, t0 + 6000).requests, 11, 'nothing before `since` counts');
  assert.equal(m.totals().requests, 21);
});

test('a window longer than five minutes keeps what it holds: the slots kept grow to the window asked for', () => {
  const m = new RevisionMetrics();
  const t0 = 2_000_000_000;
  const window = 10 * 60_000;
  assert.equal(m.window(window, t0, t0).requests, 0, 'the analysis asks from the switch on');
  for (let minute = 0; minute < 10; minute++) m.recordResponse(minute < 2 ? 500 : 200, 5, t0 + minute * 60_000);
  const at = t0 + 9 * 60_000 + 1500;
  assert.deepEqual([m.window(window, t0, at).requests, m.window(window, t0, at).errors5xx], [10, 2], 'the 500s of minutes 0 and 1 still count');
  assert.equal(m.window(5 * 60_000, t0, at).requests, 5, 'a shorter window still slides');
});

test('rules: strict thresholds, minimum traffic, consecutive probes, explicit no-traffic policy', () => {
  const s = DEFAULT_ANALYSIS;
  const w = (requests: number, errors: number, p95: number) => ({ requests, errors5xx: errors, connectionErrors: 0, p50Ms: p95 / 2, p95Ms: p95, p99Ms: p95 });
  assert.equal(findBreach(s, figuresFrom(w(100, 5, 10), 0)), undefined, 'exactly 5% is not above 5%');
  assert.equal(findBreach(s, figuresFrom(w(100, 6, 10), 0))?.rule, 'error-rate');
  assert.equal(findBreach(s, figuresFrom(w(19, 19, 10), 0)), undefined, 'below min-requests traffic is not judged');
  assert.equal(findBreach(s, figuresFrom(w(100, 0, 3001), 0))?.rule, 'latency');
  assert.equal(findBreach(s, figuresFrom(w(0, 0, 0), 2)), undefined);
  assert.equal(findBreach(s, figuresFrom(w(0, 0, 0), 3))?.rule, 'health');
  assert.equal(closingVerdict(s, false).verdict, 'inconclusive');
  assert.equal(closingVerdict({ ...s, noTraffic: 'fail' }, false).verdict, 'failed');
  assert.equal(closingVerdict({ ...s, noTraffic: 'pass' }, false).verdict, 'passed');
  assert.equal(closingVerdict(s, true).verdict, 'passed');
});
