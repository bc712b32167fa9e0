/**
 * Sending one notification over HTTP with retries: 429 and 5xx answers and network failures are retried with
 * full-jitter exponential backoff (a Retry-After header is honoured up to the cap); anything else is final.
 * Every attempt is kept in a delivery record, which names the target by kind and host only: a Slack webhook
 * URL is itself a secret.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 10_000 };

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  durationMs: number;
}

export interface DeliveryRecord {
  id: string;
  event: string;
  deployment?: number;
  environment: string;
  target: string;
  delivered: boolean;
  attempts: DeliveryAttempt[];
}

export interface OutgoingRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export function hmacSignature(body: string, key: string): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

function backoff(policy: RetryPolicy, attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter !== null ? Number(retryAfter) : NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, policy.maxDelayMs);
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

export async function deliver(request: OutgoingRequest, record: Omit<DeliveryRecord, 'id' | 'delivered' | 'attempts'>, policy: RetryPolicy = DEFAULT_RETRY, signal?: AbortSignal): Promise<DeliveryRecord> {
  const out: DeliveryRecord = { id: randomUUID(), ...record, delivered: false, attempts: [] };
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    const started = performance.now();
    let retryAfter: string | null = null;
    let again = true;
    try {
      const res = await fetch(request.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-nexus-delivery': out.id, ...request.headers },
        body: request.body,
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(policy.timeoutMs)]) : AbortSignal.timeout(policy.timeoutMs),
      });
      await res.arrayBuffer();
      out.attempts.push({ at: new Date().toISOString(), status: res.status, durationMs: Math.round(performance.now() - started) });
      if (res.ok) {
        out.delivered = true;
        return out;
      }
      again = retryable(res.status);
      retryAfter = res.headers.get('retry-after');
    } catch (e) {
      if (signal?.aborted) again = false;
      out.attempts.push({ at: new Date().toISOString(), error: (e as Error).message, durationMs: Math.round(performance.now() - started) });
    }
    if (!again || attempt === policy.attempts - 1) break;
    await sleep(backoff(policy, attempt, retryAfter), undefined, { signal }).catch(() => undefined);
    if (signal?.aborted) break;
  }
  return out;
}
