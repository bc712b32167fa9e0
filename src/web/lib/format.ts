import type { Conclusion, Status } from './api.js';

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !(ms >= 0)) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** Elapsed time of something that may still be going. */
export const elapsed = (start: number | null, end: number | null, now = Date.now()): string => (start ? duration((end ?? now) - start) : '');

export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return '';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return new Date(ms).toISOString().slice(0, 10);
}

/** One word for colour and label: a conclusion when finished, otherwise the live state. */
export function state(status: Status, conclusion: Conclusion): string {
  if (status === 'completed') return conclusion ?? 'success';
  if (status === 'running' || status === 'in_progress' || status === 'assigned') return 'running';
  return status === 'queued' ? 'queued' : 'waiting';
}

export const runPath = (run: { id: number; project?: string }): string => `/p/${encodeURIComponent(run.project ?? '')}/runs/${run.id}`;

export const shortSha = (sha: string): string => sha.slice(0, 7);
export const branchOf = (ref: string): string => ref.replace(/^refs\/(heads|tags)\//, '');

export const formatSize = (n: number): string => (n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`);
