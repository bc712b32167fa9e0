/**
 * The release settings shared by `nexus deploy` flags and `nexus/deploy@v1` inputs: the same kebab-case names,
 * the same defaults, the same error messages (naming the flag or input at fault).
 */
import { NexusError } from '../errors.js';
import { formatDuration, parseDuration } from '../environments/duration.js';
import { DEFAULT_ANALYSIS, type AnalysisSettings, type NoTrafficPolicy } from './analysis.js';

export interface ReleaseSettings {
  command?: string;
  artifact?: string;
  /** Stable port of the service's proxy (first deployment only; chosen by the OS when absent). */
  port?: number;
  healthPath: string;
  smokeTest?: string;
  smokeTimeoutMs: number;
  startupTimeoutMs: number;
  analysis: AnalysisSettings;
  /** Return once traffic has moved (`switch`) or when analysis has concluded (`analysis`, the default). */
  waitFor: 'switch' | 'analysis';
}

/**
 * The longest sliding window of the traffic rules: the proxy keeps one-second slots (each with a latency histogram)
 * for the whole window of every revision under analysis, so the window is what bounds its memory.
 */
export const MAX_WINDOW_MS = 3_600_000;

/** Names a setting as the caller spells it: `--max-error-rate` or `input 'max-error-rate'`. */
export type Namer = (name: string) => string;

/** Every setting name, for CLI option tables. */
export const RELEASE_SETTING_NAMES = [
  'command', 'artifact', 'port', 'health-check', 'smoke-test', 'smoke-timeout', 'startup-timeout', 'wait',
  'analysis-duration', 'rollback-window', 'probe-interval', 'probe-timeout', 'failed-probes',
  'max-error-rate', 'max-p95', 'window', 'min-requests', 'no-traffic',
] as const;

export function parseReleaseSettings(get: (name: string) => string | undefined, label: Namer): ReleaseSettings {
  const bad = (name: string, value: string, expected: string) => new NexusError('USAGE', `${label(name)} ${JSON.stringify(value)}: expected ${expected}`, { exitCode: 2 });
  const text = (name: string) => {
    const v = get(name)?.trim();
    return v === '' ? undefined : v;
  };
  const duration = (name: string, fallback: number, max = Infinity) => {
    const v = text(name);
    if (v === undefined) return fallback;
    const ms = parseDuration(v);
    if (ms === undefined || ms > max) throw bad(name, v, `a duration such as 500ms, 30s or 5m${max < Infinity ? ` up to ${formatDuration(max)}` : ''}`);
    return ms;
  };
  const integer = (name: string, fallback: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = text(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw bad(name, v, `a whole number from ${min} to ${max}`);
    return n;
  };
  const rate = (name: string, fallback: number) => {
    const v = text(name);
    if (v === undefined) return fallback;
    const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(v);
    const n = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
    if (!(n >= 0 && n <= 1)) throw bad(name, v, 'a percentage such as 5% or a fraction such as 0.05');
    return n;
  };
  const choice = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const v = text(name);
    if (v === undefined) return fallback;
    if (!values.includes(v as T)) throw bad(name, v, values.join(' or '));
    return v as T;
  };
  const healthPath = text('health-check') ?? '/health';
  if (!healthPath.startsWith('/')) throw bad('health-check', healthPath, 'a path starting with /');
  const d = DEFAULT_ANALYSIS;
  return {
    command: text('command'),
    artifact: text('artifact'),
    port: integer('port', undefined, 1, 65535),
    healthPath,
    smokeTest: text('smoke-test'),
    smokeTimeoutMs: duration('smoke-timeout', 300_000),
    startupTimeoutMs: duration('startup-timeout', 60_000),
    waitFor: choice('wait', ['analysis', 'switch'] as const, 'analysis'),
    analysis: {
      durationMs: duration('analysis-duration', d.durationMs),
      rollbackWindowMs: duration('rollback-window', d.rollbackWindowMs),
      probeIntervalMs: duration('probe-interval', d.probeIntervalMs),
      probeTimeoutMs: duration('probe-timeout', d.probeTimeoutMs),
      failedProbes: integer('failed-probes', d.failedProbes, 1)!,
      maxErrorRate: rate('max-error-rate', d.maxErrorRate),
      maxP95Ms: duration('max-p95', d.maxP95Ms),
      windowMs: duration('window', d.windowMs, MAX_WINDOW_MS),
      minRequests: integer('min-requests', d.minRequests, 1)!,
      noTraffic: choice<NoTrafficPolicy>('no-traffic', ['inconclusive', 'pass', 'fail'], d.noTraffic),
      evaluateEveryMs: Math.min(d.evaluateEveryMs, duration('probe-interval', d.probeIntervalMs)),
    },
  };
}
