/** The public JSON API (docs/api.md), with the signed-in token; nothing else talks to the server. */
import { getToken, signOut } from './session.js';

export type Status = 'pending' | 'queued' | 'assigned' | 'running' | 'waiting' | 'in_progress' | 'completed';
export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | null;
export type Role = 'viewer' | 'developer' | 'admin' | 'runner';

export interface Project { id: number; name: string; defaultBranch: string }
export interface Run {
  id: number; project?: string; number: number; workflowPath: string; workflowName: string; event: string; ref: string; sha: string;
  actor: string; attempt: number; status: Status; conclusion: Conclusion; reason: string | null; inputs: Record<string, unknown>;
  createdAt: number; startedAt: number | null; finishedAt: number | null;
}
export interface Job {
  id: number; runId: number; runAttempt: number; key: string; jobId: string; name: string; needs: string[]; runsOn: string[];
  attempt: number; status: Status; conclusion: Conclusion; reason: string | null; waitingReason: string | null; environment: string | null;
  createdAt: number; queuedAt: number | null; startedAt: number | null; finishedAt: number | null;
}
export interface Step { number: number; name: string; status: 'in_progress' | 'completed'; conclusion: Conclusion; startedAt: number | null; finishedAt: number | null }

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: init.signal });
  if (res.status === 401) signOut();
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? 'HTTP', err?.message ?? `${res.status} ${res.statusText}`);
  }
  return data as T;
}

/** Plain-text GET (raw logs), with the token. */
export async function apiText(path: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(`/api${path}`, { headers: { authorization: `Bearer ${getToken() ?? ''}` }, signal });
  if (!res.ok) throw new ApiError(res.status, 'HTTP', `${res.status} ${res.statusText}`);
  return res.text();
}

export interface SseEvent { event: string; data: string; id?: string }

/**
 * Server-Sent Events over fetch: EventSource cannot send the Authorization header, and the token
 * must not travel in a URL (it would land in logs and history).
 */
export async function followEvents(path: string, onEvent: (e: SseEvent) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(`/api${path}`, { headers: { authorization: `Bearer ${getToken() ?? ''}`, accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new ApiError(res.status, 'HTTP', `${res.status} ${res.statusText}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let current: SseEvent = { event: 'message', data: '' };
  let hasData = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (hasData) onEvent(current);
        current = { event: 'message', data: '' };
        hasData = false;
      } else if (line.startsWith('data:')) {
        const v = line.slice(5).replace(/^ /, '');
        current.data = hasData ? `${current.data}\n${v}` : v;
        hasData = true;
      } else if (line.startsWith('event:')) current.event = line.slice(6).trim();
      else if (line.startsWith('id:')) current.id = line.slice(3).trim();
    }
  }
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
