import type { Lease } from '../store/types.js';
import { jitteredBackoff, sleep } from './backoff.js';
import { LeaseLostError, type RunnerClient } from './client.js';

const CHUNK_BYTES = 2 * 1024 * 1024;
const FLUSH_MS = 50;

/**
 * Ships a job's log in numbered chunks, one request at a time. The server answers how many chunks it
 * has; everything from there on is kept and re-sent, so a lost request or answer neither drops nor
 * duplicates a line (the ack-index scheme of Gitea's runner).
 */
export class LogUploader {
  private buffer: string[] = [];
  private bytes = 0;
  private readonly unacked: { seq: number; data: string }[] = [];
  private nextSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  lost = false;

  constructor(
    private readonly client: RunnerClient,
    private readonly lease: Lease,
    private readonly signal: AbortSignal,
  ) {}

  /** Chunks cut but not yet stored by the server (a producer may wait on this to bound memory). */
  get backlog(): number {
    return this.unacked.length;
  }

  push(line: string): void {
    if (this.lost) return;
    this.buffer.push(line);
    this.bytes += line.length + 1;
    if (this.bytes >= CHUNK_BYTES) this.cut();
    else if (!this.timer) this.timer = setTimeout(() => this.cut(), FLUSH_MS);
  }

  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.buffer.length) return;
    this.unacked.push({ seq: this.nextSeq++, data: this.buffer.join('\n') });
    this.buffer = [];
    this.bytes = 0;
    this.sending ??= this.send().finally(() => (this.sending = null));
  }

  private async send(): Promise<void> {
    let failures = 0;
    while (this.unacked.length && !this.lost && !this.signal.aborted) {
      const chunk = this.unacked[0];
      try {
        const reply = await this.client.appendLog(this.lease, chunk.seq, chunk.data, { signal: this.signal });
        failures = 0;
        while (this.unacked.length && this.unacked[0].seq < reply!.stored) this.unacked.shift();
      } catch (e) {
        if (e instanceof LeaseLostError) this.lost = true;
        else await sleep(jitteredBackoff(failures++, 100, 5000), this.signal);
      }
    }
  }

  /** Sends what is left; resolves once the server has stored all of it (or the lease is gone). */
  async close(): Promise<void> {
    this.cut();
    while (this.sending) await this.sending;
    if (this.unacked.length && !this.lost && !this.signal.aborted) {
      this.sending = this.send().finally(() => (this.sending = null));
      await this.sending;
    }
  }
}
