import type { Store } from '../store/store.js';
import type { ServerConfig } from './config.js';
import { fireDueSchedules } from './cron.js';
import type { Repos } from './git/repos.js';
import type { Scheduler } from './scheduler.js';

/**
 * The server's timers: lease expiry and job timeouts every quarter heartbeat, periodic passes over
 * in-progress runs and unprocessed pushes (so a replica that died between two writes never leaves a run
 * stuck or a push unanswered), and cron.
 * All of it is safe to run on every replica at once.
 */
export class Sweeper {
  private timers: NodeJS.Timeout[] = [];
  private busy = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly repos: Repos,
    private readonly scheduler: Scheduler,
    private readonly config: ServerConfig,
    /** Journalled pushes and recorded ref updates that no replica processed (one died mid-way). */
    private readonly recoverPushes: () => Promise<void>,
    private readonly onError: (e: unknown) => void,
  ) {}

  start(): void {
    this.every('leases', this.config.sweepMs, () => this.sweepLeases());
    // Only a safety net (a replica that died between two writes): every change already advances its run.
    this.every('runs', Math.max(this.config.heartbeatMs * 5, 5000), () => this.advanceAll());
    this.every('cron', this.config.cronCheckMs, () => this.cron());
    this.every('pushes', Math.max(this.config.heartbeatMs * 5, 5000), this.recoverPushes);
  }
  stop(): void {
    this.timers.forEach(clearInterval);
    this.timers = [];
  }

  private every(name: string, ms: number, fn: () => Promise<unknown>): void {
    const t = setInterval(() => {
      if (this.busy.has(name)) return;
      this.busy.add(name);
      fn().catch(this.onError).finally(() => this.busy.delete(name));
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  async sweepLeases(now = Date.now()): Promise<void> {
    const runs = new Set<number>();
    for (const e of await this.store.expireLeases(now)) if (e.outcome === 'failed') runs.add(e.job.runId);
    for (const j of await this.store.expireDeadlines(now)) runs.add(j.runId);
    for (const r of runs) await this.scheduler.advance(r);
  }

  private async advanceAll(): Promise<void> {
    for (const run of await this.store.listRuns({ status: ['in_progress'], limit: 1000 })) await this.scheduler.advance(run.id);
  }

  cron(now = Date.now()): Promise<number> {
    return fireDueSchedules(this.store, this.repos, this.scheduler, now, Math.max(this.config.cronCheckMs * 2, 60_000));
  }
}
