/**
 * What the server needs from the workflow engine: which workflows an event starts and their job graph,
 * what a job becomes once its needs are done (skipped, or its matrix instances with runs-on, timeout,
 * environment and concurrency evaluated), schedules and dispatch inputs. `engine-pipeline.ts` implements
 * it with src/engine.
 */
import type { RunContext } from '../runner/assignment.js';
import type { Conclusion } from '../store/types.js';

export interface WorkflowFile {
  path: string;
  source: string;
}

export interface EventInfo {
  name: string;
  payload: Record<string, unknown>;
  ref: string;
  sha: string;
  changedFiles?: string[];
  /** For `schedule`: the cron line that fired. */
  cron?: string;
}

export type { RunContext };

export interface PlannedWorkflow {
  path: string;
  name: string;
  concurrency: { group: string; cancelInProgress: boolean } | null;
  jobs: { jobId: string; name: string; needs: string[] }[];
}

export interface PlannedInstance {
  key: string;
  name: string;
  matrix: Record<string, unknown> | null;
  strategy: Record<string, unknown>;
  runsOn: string[];
  timeoutMs: number;
  environment: string | null;
  concurrency: { group: string; cancelInProgress: boolean } | null;
  continueOnError: boolean;
}

export interface StartContext {
  run: RunContext;
  vars: Record<string, string>;
  secrets: Record<string, string>;
  inputs: Record<string, unknown>;
  needs: Record<string, { result: Conclusion; outputs: Record<string, string> }>;
  /** Conclusions of every job it transitively needs (for success()/failure()). */
  ancestorResults: Conclusion[];
}

export type JobStartDecision =
  | { kind: 'done'; conclusion: Conclusion; reason: string | null }
  | { kind: 'run'; instances: PlannedInstance[]; failFast: boolean; maxParallel: number };

export interface Pipeline {
  /** The workflows among `files` that `event` starts; invalid workflows are reported, not thrown. */
  plan(files: WorkflowFile[], event: EventInfo, run: Omit<RunContext, 'runId' | 'runNumber' | 'runAttempt' | 'workflowName' | 'workflowFile'>): Promise<{ workflows: PlannedWorkflow[]; problems: { path: string; message: string }[] }>;
  /** Decides what a job whose needs are done becomes: evaluated `if`, then strategy and per-instance settings. */
  start(file: WorkflowFile, jobId: string, ctx: StartContext): Promise<JobStartDecision>;
  /** Cron lines per workflow file. */
  schedules(files: WorkflowFile[]): Promise<{ path: string; crons: string[] }[]>;
  /** Validates and defaults `workflow_dispatch` inputs; throws a NexusError naming the input. */
  dispatchInputs(file: WorkflowFile, inputs: Record<string, string>): Promise<Record<string, unknown>>;
}
