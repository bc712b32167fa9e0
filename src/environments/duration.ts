const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `1500ms`, `30s`, `5m`, `2h`, `30d` (or a bare number of `bareUnit`) into milliseconds; returns undefined
 * when the text is not a duration so callers can name the field at fault.
 */
export function parseDuration(text: string | number, bareUnit: keyof typeof UNITS = 'ms'): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text * UNITS[bareUnit] : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2] ?? bareUnit];
}

export function formatDuration(ms: number): string {
  if (ms % UNITS.d === 0 && ms >= UNITS.d) return `${ms / UNITS.d}d`;
  if (ms % UNITS.h === 0 && ms >= UNITS.h) return `${ms / UNITS.h}h`;
  if (ms % UNITS.m === 0 && ms >= UNITS.m) return `${ms / UNITS.m}m`;
  if (ms % UNITS.s === 0 && ms >= UNITS.s) return `${ms / UNITS.s}s`;
  return `${ms}ms`;
}
