import { hostname } from 'node:os';
import type { Conclusion } from '../store/types.js';
import type { Assignment, JobExecutor, JobOutcome, StepEvent } from './assignment.js';
import { jitteredBackoff, sleep } from './backoff.js';
import { LeaseLostError, RunnerClient } from './client.js';
import { fetchRunArtifacts, uploadJobArtifacts } from './artifact-transfer.js';
import { DeploymentReporter } from './deployment-reporter.js';
import { LogUploader } from './log-uploader.js';
import { ServerCache } from './server-cache.js';

/** How often deployment records are checked for changes to report. */
const DEPLOYMENT_REPORT_MS = 2000;

export interface RunnerOptions {
  server: string;
  token: string;
  name?: string;
  labels: string[];
  capacity: number;
  workDir: string;
  executor: JobExecutor;
  log?: (message: string) => void;
}

interface Registration {
  runnerId: number;
  heartbeatMs: number;
  leaseMs: number;
  pollTimeoutMs: number;
}

/**
 * `nexus runner`: registers, then keeps `capacity` long-polls open; each claimed job is acknowledged,
 * executed with heartbeats (which carry cancellation back) and a log uploader, and finished. Every
 * failure to reach the server is retried with jittered backoff; a 409 means the lease is gone and the
 * job is abandoned without further reports.
 */
export class Runner {
  private readonly client: RunnerClient;
  private readonly stopping = new AbortController();
  private registration: Promise<Registration> | null = null;
  private slots: Promise<void>[] = [];
  readonly running = new Map<number, AbortController>();

  private readonly deployments?: DeploymentReporter;

  constructor(private readonly o: RunnerOptions) {
    this.client = new RunnerClient(o.server, o.token);
    if (o.executor.dataDir) this.deployments = new DeploymentReporter(this.client, o.executor.dataDir);
  }

  start(): void {
    const ready = this.o.executor.prepare?.() ?? Promise.resolve();
    for (let i = 0; i < this.o.capacity; i++) this.slots.push(ready.then(() => this.slot()));
    if (this.deployments) this.slots.push(this.deployments.loop(DEPLOYMENT_REPORT_MS, this.stopping.signal, (m) => this.log(m)));
  }

  /** Stops polling and abandons running jobs (their leases expire on the server). */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const c of this.running.values()) c.abort();
    await Promise.allSettled(this.slots);
  }

  private log(m: string): void {
    this.o.log?.(`runner ${this.o.name ?? ''}: ${m}`);
  }

  private register(): Promise<Registration> {
    this.registration ??= this.client
      .call<Registration>('/register', { name: this.o.name ?? hostname(), labels: this.o.labels, capacity: this.o.capacity, version: '0.1.0' }, { signal: this.stopping.signal, retry: true })
      .then((r) => r!)
      .catch((e) => {
        this.registration = null;
        throw e;
      });
    return this.registration;
  }

  private async slot(): Promise<void> {
    const signal = this.stopping.signal;
    for (let failures = 0; !signal.aborted; ) {
      try {
        const reg = await this.register();
        const reply = await this.client.call<{ assignment: Assignment }>('/poll', { runnerId: reg.runnerId }, { signal });
        failures = 0;
        if (reply?.assignment) await this.runJob(reply.assignment, reg);
      } catch (e) {
        if (signal.aborted) return;
        if ((e as { code?: string }).code === 'NOT_FOUND') this.registration = null;
        this.log(`poll failed: ${e instanceof Error ? e.message : String(e)}`);
        await sleep(jitteredBackoff(failures++, 200, 10_000), signal);
      }
    }
  }

  private async runJob(a: Assignment, reg: Registration): Promise<void> {
    const lease = { jobId: a.job.id, attempt: a.job.attempt, leaseToken: a.job.leaseToken };
    const abandon = new AbortController();
    const stop = this.stopping.signal;
    stop.addEventListener('abort', () => abandon.abort(), { once: true });
    try {
      await this.client.call('/jobs/' + a.job.id + '/ack', lease, { signal: abandon.signal, retry: true });
    } catch (e) {
      this.log(`job ${a.job.key}: not acknowledged (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    const cancel = new AbortController();
    this.running.set(a.job.id, cancel);
    abandon.signal.addEventListener('abort', () => cancel.abort(), { once: true });
    let lost = false;
    const loseLease = () => {
      lost = true;
      cancel.abort();
      abandon.abort();
    };
    // Twice per interval: one late or lost heartbeat never costs the lease (it lasts 1.5 intervals).
    const heartbeat = setInterval(() => {
      this.client.call<{ cancel: boolean }>(`/jobs/${a.job.id}/heartbeat`, { ...lease, runnerId: reg.runnerId }, { signal: abandon.signal }).then(
        (r) => r?.cancel && cancel.abort(),
        (e) => e instanceof LeaseLostError && loseLease(),
      );
    }, reg.heartbeatMs / 2);
    const logs = new LogUploader(this.client, lease, abandon.signal);
    let steps = Promise.resolve();
    const observer = {
      log: (line: string) => logs.push(line),
      step: (ev: StepEvent) => {
        steps = steps.then(() =>
          this.client.call(`/jobs/${a.job.id}/steps`, { ...lease, ...ev }, { signal: abandon.signal, retry: true }).then(
            () => undefined,
            (e) => void (e instanceof LeaseLostError && loseLease()),
          ),
        );
      },
    };
    const dataDir = this.o.executor.dataDir;
    const started = Date.now();
    let outcome: JobOutcome;
    try {
      // Only a workflow that downloads artifacts needs the run's artifacts from other machines.
      if (dataDir && /download-artifact/i.test(a.workflow.source)) {
        const fetched = await fetchRunArtifacts(this.client, lease, dataDir, a.run.runId, abandon.signal);
        if (fetched.length) logs.push(`Fetched the run's artifacts from the server: ${fetched.join(', ')}`);
      }
      outcome = await this.o.executor.execute(a, observer, cancel.signal, { cache: new ServerCache(this.client, lease, abandon.signal) });
    } catch (e) {
      outcome = { conclusion: 'failure', outputs: {}, reason: e instanceof Error ? e.message : String(e) };
    }
    if (dataDir && !lost && !abandon.signal.aborted) {
      try {
        const uploaded = await uploadJobArtifacts(this.client, lease, dataDir, a.run.runId, started, abandon.signal);
        if (uploaded.length) logs.push(`Uploaded artifacts to the server: ${uploaded.join(', ')}`);
      } catch (e) {
        if (e instanceof LeaseLostError) loseLease();
        logs.push(`##[error]Uploading the job's artifacts failed: ${e instanceof Error ? e.message : String(e)}`);
        if (outcome.conclusion === 'success') outcome = { ...outcome, conclusion: 'failure', reason: 'the job\'s artifacts could not be uploaded' };
      }
      await this.deployments?.report(abandon.signal).catch((e) => this.log(`reporting deployments failed: ${e instanceof Error ? e.message : String(e)}`));
    }
    try {
      await logs.close();
      await steps;
      if (lost || logs.lost || abandon.signal.aborted) return;
      const conclusion: Conclusion = cancel.signal.aborted && outcome.conclusion === 'success' ? 'cancelled' : outcome.conclusion;
      await this.client.call(`/jobs/${a.job.id}/finish`, { ...lease, ...outcome, conclusion }, { signal: abandon.signal, retry: true });
    } catch (e) {
      if (!(e instanceof LeaseLostError) && !abandon.signal.aborted) this.log(`job ${a.job.key}: finishing failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      clearInterval(heartbeat);
      this.running.delete(a.job.id);
    }
  }
}
