/**
 * The analysis rules as pure functions over measured figures, with the spec's triggers as defaults:
 * 3 consecutive failed health probes; more than 5% failing requests over a sliding 5-minute window; p95 above
 * 3 s over the same window. Traffic rules are judged only once the window holds `minRequests`.
 */
import type { AnalysisFigures } from './records.js';
import type { TrafficSummary } from './metrics.js';

export type NoTrafficPolicy = 'inconclusive' | 'pass' | 'fail';

export interface AnalysisSettings {
  /** How long the new revision is analysed after the switch before the rollback window starts. */
  durationMs: number;
  /** How long the old revision stays warm (and analysis keeps running) after `durationMs`. */
  rollbackWindowMs: number;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  /** Consecutive failed probes that roll back; any passing probe resets the count. */
  failedProbes: number;
  /** Fraction (0..1) of failing requests (5xx or unanswered) above which the window breaches. */
  maxErrorRate: number;
  maxP95Ms: number;
  windowMs: number;
  minRequests: number;
  /** The verdict when the window never held `minRequests` during the whole analysis. */
  noTraffic: NoTrafficPolicy;
  /** How often traffic figures are evaluated. */
  evaluateEveryMs: number;
}

export const DEFAULT_ANALYSIS: AnalysisSettings = {
  durationMs: 300_000,
  rollbackWindowMs: 30_000,
  probeIntervalMs: 10_000,
  probeTimeoutMs: 2_000,
  failedProbes: 3,
  maxErrorRate: 0.05,
  maxP95Ms: 3_000,
  windowMs: 300_000,
  minRequests: 20,
  noTraffic: 'inconclusive',
  evaluateEveryMs: 1_000,
};

/** `no-traffic` fires only at the end, when the no-traffic policy is `fail`. */
export type AnalysisRule = 'health' | 'error-rate' | 'latency' | 'no-traffic';

export interface Breach {
  rule: AnalysisRule;
  reason: string;
}

export function figuresFrom(window: TrafficSummary, consecutiveProbeFailures: number): AnalysisFigures {
  const errors = window.errors5xx + window.connectionErrors;
  return {
    requests: window.requests,
    errors,
    errorRate: window.requests ? errors / window.requests : 0,
    p50Ms: round(window.p50Ms),
    p95Ms: round(window.p95Ms),
    p99Ms: round(window.p99Ms),
    consecutiveProbeFailures,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
const percent = (n: number) => `${round(n * 100)}%`;

/** Whether the window holds enough requests for the traffic rules to mean anything. */
export function hasEnoughTraffic(s: AnalysisSettings, f: AnalysisFigures): boolean {
  return f.requests >= s.minRequests && f.requests > 0;
}

/** The first rule the figures break, if any. */
export function findBreach(s: AnalysisSettings, f: AnalysisFigures): Breach | undefined {
  if (f.consecutiveProbeFailures >= s.failedProbes) {
    return { rule: 'health', reason: `${f.consecutiveProbeFailures} consecutive health probes failed (limit ${s.failedProbes})` };
  }
  if (!hasEnoughTraffic(s, f)) return undefined;
  if (f.errorRate > s.maxErrorRate) {
    return { rule: 'error-rate', reason: `error rate ${percent(f.errorRate)} (${f.errors} of ${f.requests} requests) over the last ${s.windowMs / 1000} s exceeds ${percent(s.maxErrorRate)}` };
  }
  if (f.p95Ms > s.maxP95Ms) {
    return { rule: 'latency', reason: `p95 latency ${f.p95Ms} ms over the last ${s.windowMs / 1000} s exceeds ${s.maxP95Ms} ms (${f.requests} requests)` };
  }
  return undefined;
}

/** The verdict when analysis ends without a breach. */
export function closingVerdict(s: AnalysisSettings, judgedOnce: boolean): { verdict: 'passed' | 'inconclusive' | 'failed'; reason: string } {
  if (judgedOnce) return { verdict: 'passed', reason: 'no rule breached during analysis' };
  const why = `the window never held the minimum of ${s.minRequests} requests`;
  if (s.noTraffic === 'pass') return { verdict: 'passed', reason: `${why}; no-traffic policy is pass` };
  if (s.noTraffic === 'fail') return { verdict: 'failed', reason: `${why}; no-traffic policy is fail` };
  return { verdict: 'inconclusive', reason: `${why}, so traffic rules were not judged (health probes passed)` };
}
