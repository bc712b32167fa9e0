import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { NexusError } from '../errors.js';
import { jitteredBackoff, sleep } from './backoff.js';

export class LeaseLostError extends NexusError {
  constructor(message: string) {
    super('STALE_LEASE', message);
  }
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Keep retrying network failures and 5xx answers with jittered backoff (until `signal` aborts). */
  retry?: boolean;
}

async function json<T>(res: Response): Promise<T | undefined> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  return text ? (JSON.parse(text) as T) : undefined;
}

/** The runner's side of the HTTP protocol: JSON calls with a bearer token; 409 means the lease is gone. */
export class RunnerClient {
  constructor(
    private readonly server: string,
    private readonly token: string,
  ) {}

  call<T>(path: string, body: unknown, opts: CallOptions = {}): Promise<T | undefined> {
    return this.send<T>(path, 'application/json', JSON.stringify(body), opts);
  }

  /** A log chunk goes as the raw body; its lease and sequence number ride in the query. */
  appendLog(lease: { jobId: number; attempt: number; leaseToken: number }, seq: number, data: string, opts: CallOptions = {}): Promise<{ stored: number } | undefined> {
    const q = new URLSearchParams({ attempt: String(lease.attempt), leaseToken: String(lease.leaseToken), seq: String(seq) });
    return this.send(`/jobs/${lease.jobId}/logs?${q}`, 'text/plain; charset=utf-8', data, opts);
  }

  /** Sends the file `file` as the raw body (a packed artifact or cache entry); the JSON answer. */
  async upload<T>(path: string, file: string, opts: CallOptions = {}): Promise<T | undefined> {
    const res = await this.request(path, 'application/octet-stream', () => Readable.toWeb(createReadStream(file)) as ReadableStream, opts);
    return json<T>(res);
  }

  /** Writes the answer's body to `file` (a packed artifact or cache entry). */
  async download(path: string, body: unknown, file: string, opts: CallOptions = {}): Promise<void> {
    const res = await this.request(path, 'application/json', () => JSON.stringify(body), opts);
    if (!res.body) throw new NexusError('HTTP', `${path}: the answer has no body`);
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(file));
  }

  private async send<T>(path: string, type: string, body: string, opts: CallOptions): Promise<T | undefined> {
    return json<T>(await this.request(path, type, () => body, opts));
  }

  /** One call, retried as `opts` says; any answer but 2xx becomes an error (409: the lease is gone). */
  private async request(path: string, type: string, body: () => BodyInit, opts: CallOptions): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.server}/api/runner/v1${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token}`, 'content-type': type },
          body: body(),
          signal: opts.signal,
          duplex: 'half',
        } as RequestInit);
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        if (!opts.retry) throw new NexusError('NETWORK', `cannot reach ${this.server}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        await sleep(jitteredBackoff(attempt, 100, 5000), opts.signal);
        continue;
      }
      if (res.ok) return res;
      const text = await res.text();
      let message = `HTTP ${res.status}`;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON: keep the status
      }
      if (res.status === 409) throw new LeaseLostError(message);
      if (res.status >= 500 && opts.retry && !opts.signal?.aborted) {
        await sleep(jitteredBackoff(attempt, 100, 5000), opts.signal);
        continue;
      }
      throw new NexusError(res.status === 404 ? 'NOT_FOUND' : res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : 'HTTP', `${path}: ${message}`);
    }
  }
}
