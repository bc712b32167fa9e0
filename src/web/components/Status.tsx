import type { Conclusion, Status } from '../lib/api.js';
import { state } from '../lib/format.js';

const GLYPH: Record<string, string> = { success: '✓', failure: '✗', cancelled: '⊘', skipped: '–', running: '●', queued: '○', waiting: '◷' };

/** A status as a coloured glyph with its word for screen readers (and tooltips). */
export function StatusIcon({ status, conclusion }: { status: Status; conclusion: Conclusion }) {
  const s = state(status, conclusion);
  return (
    <span className={`status status-${s}`} title={s} role="img" aria-label={s} data-state={s}>
      {GLYPH[s] ?? '?'}
    </span>
  );
}

export function StatusLabel({ status, conclusion }: { status: Status; conclusion: Conclusion }) {
  const s = state(status, conclusion);
  return (
    <span className={`badge badge-${s}`} data-state={s}>
      {GLYPH[s]} {s}
    </span>
  );
}
