/** The server's shared cache as a job on this runner sees it: calls carrying the job's lease. */
import type { SharedCache } from '../engine/index.js';
import type { Lease } from '../store/types.js';
import type { RunnerClient } from './client.js';

export class ServerCache implements SharedCache {
  constructor(
    private readonly client: RunnerClient,
    private readonly lease: Lease,
    private readonly signal: AbortSignal,
  ) {}

  async lookup(key: string, restoreKeys: string[], version: string): Promise<{ key: string; scope: string } | undefined> {
    const reply = await this.client.call<{ entry: { key: string; scope: string } | null }>(`/jobs/${this.lease.jobId}/caches/lookup`, { ...this.lease, key, restoreKeys, version }, { signal: this.signal, retry: true });
    return reply?.entry ?? undefined;
  }

  async download(entry: { key: string; scope: string }, version: string, file: string): Promise<void> {
    await this.client.download(`/jobs/${this.lease.jobId}/caches/download`, { ...this.lease, ...entry, version }, file, { signal: this.signal, retry: true });
  }

  async offer(file: string): Promise<'saved' | 'exists' | 'too-large'> {
    const q = new URLSearchParams({ attempt: String(this.lease.attempt), leaseToken: String(this.lease.leaseToken) });
    const reply = await this.client.upload<{ result: 'saved' | 'exists' | 'too-large' }>(`/jobs/${this.lease.jobId}/caches/offer?${q}`, file, { signal: this.signal, retry: true });
    return reply!.result;
  }
}
