/**
 * What the server hands a runner for one job, and what the runner reports back. JSON on the wire
 * (docs/runner-protocol.md); the executor turns it into one engine `runJob` call.
 */
import type { RunInfo, SharedCache } from '../engine/index.js';
import type { Conclusion } from '../store/types.js';

export interface NeedOutcome {
  result: Conclusion;
  outputs: Record<string, string>;
}

/** The run as the engine's `github` context sees it (the event file's path is the runner's to choose). */
export type RunContext = Omit<RunInfo, 'eventPath'>;

export interface Assignment {
  job: {
    id: number; attempt: number; leaseToken: number; key: string; jobId: string; name: string;
    matrix: Record<string, unknown> | null; strategy: Record<string, unknown>; timeoutMs: number;
  };
  workflow: { path: string; name: string; source: string };
  run: RunContext;
  needs: Record<string, NeedOutcome>;
  inputs: Record<string, unknown>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  /** Where to fetch the commit from: the server's git endpoint, with a credential valid while the lease is. */
  repository: { name: string; url: string; username: string; password: string };
  serverUrl: string;
}

export interface StepEvent {
  number: number;
  name: string;
  status: 'in_progress' | 'completed';
  conclusion: Conclusion | null;
}

export interface JobOutcome {
  conclusion: Conclusion;
  outputs: Record<string, string>;
  reason?: string;
  /** The step summaries, Markdown already masked by the engine. */
  summary?: string;
}

export interface ExecutionObserver {
  log(line: string): void;
  step(event: StepEvent): void;
}

/** What the server offers a running job beyond its assignment. */
export interface JobServices {
  cache?: SharedCache;
}

/** Runs one assigned job on this host; must honour `signal` (cancellation: always() steps still run). */
export interface JobExecutor {
  /**
   * The folder where jobs keep run artifacts and deployment records, when the executor has one: the runner
   * moves artifacts between it and the server and reports the records in it.
   */
  readonly dataDir?: string;
  /** One-time start-up work (loading the workflow schema) done before the runner takes its first lease. */
  prepare?(): Promise<void>;
  execute(assignment: Assignment, observer: ExecutionObserver, signal: AbortSignal, services?: JobServices): Promise<JobOutcome>;
}
