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

/** `30d`, `5m`, `1m 30s`, `1.5s`, `250ms`: whole days, hours and minutes first, then (fractional) seconds. */
export function formatDuration(ms: number): string {
  if (ms < UNITS.s) return `${ms}ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ['d', 'h', 'm'] as const) {
    const n = Math.floor(rest / UNITS[unit]);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * UNITS[unit];
  }
  if (rest > 0) parts.push(`${Math.round(rest) / 1000}s`);
  return parts.join(' ');
}
