/**
 * Runs a planned workflow on this host: jobs start as soon as their own `needs` are done,
 * bounded by a global limit and each matrix's `max-parallel`; fail-fast cancels the rest of a
 * matrix; a cancelled run still runs the steps and jobs that ask for `always()`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JobInstanceSpec } from '../planner/job-instances.js';
import type { Plan, PlannedJob } from '../planner/plan.js';
import type { ExpressionScope } from '../workflow/expressions.js';
import { decideJobStart, resultWithoutSteps, survivesCancellation } from './job-start.js';
import { NexusError } from '../errors.js';
import type { ActionHost } from './action-host.js';
import { jobSettings, type JobSettings } from './job-settings.js';
import type { RunInfo } from './github-context.js';
import { executeJob, type JobInstance, type JobObserver, type NeedResult } from './job.js';
import type { Masker } from './masker.js';
import { aggregateConclusion, type Conclusion, type JobResult, type RunReport } from './results.js';

export interface EnvironmentRequest {
  jobKey: string;
  jobName: string;
  name: string;
  url?: string;
}

export interface EnvironmentDecision {
  approved: boolean;
  reason?: string;
  /** The environment's own secrets and variables, added to the job's. */
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** Who approved, when the environment needed a review (deployment records name them). */
  approver?: string;
}

export interface RunObserver extends JobObserver {
  jobStarted?(key: string, name: string): void;
  jobFinished?(result: JobResult): void;
  jobWaiting?(key: string, environment: string): void;
}

export interface RunOptions {
  plan: Plan;
  run: RunInfo;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  inputs: Record<string, unknown>;
  /** Keeps only matrix instances whose values match (`--matrix node:20`). */
  matrixFilter?: Record<string, string>;
  maxParallelJobs: number;
  /** The job slots of the top-level run, which the runs of called workflows share (set by the engine). */
  slots?: Semaphore;
  /** How deep this run is nested in reusable-workflow calls: 1 for a top-level run. */
  callDepth?: number;
  /** Folder under which each job gets `<job>/<repo>` (the workspace) and `<job>/_temp`. */
  workRoot: string;
  toolCache: string;
  dataDir: string;
  /** Fills a fresh job workspace (a copy of the repository). */
  populateWorkspace: (workspace: string) => Promise<void>;
  masker: Masker;
  hostEnv: Record<string, string>;
  /** Variables for every job of the run (`--env`), in the env context above the workflow's and job's env. */
  env?: Record<string, string>;
  actions?: ActionHost;
  observer?: RunObserver;
  signal?: AbortSignal;
  environmentGate?: (request: EnvironmentRequest) => Promise<EnvironmentDecision>;
  /** Runs a job that calls a reusable workflow (`jobs.<id>.uses`); without it such jobs fail. */
  callWorkflow?: (request: WorkflowCallRequest) => Promise<WorkflowCallResult>;
  /** Walk the plan, evaluating conditions and matrices, without running any step. */
  dryRun?: boolean;
}

export interface WorkflowCallRequest {
  planned: PlannedJob;
  instance: JobInstanceSpec;
  needs: Record<string, NeedResult>;
  scope: ExpressionScope;
  /** The options of the calling run, for the called workflow's run to inherit. */
  parent: RunOptions;
}

export interface WorkflowCallResult {
  /** The called jobs' results, keyed `caller / called`. */
  results: JobResult[];
  /** The `on.workflow_call.outputs`, as the caller's `needs.<job>.outputs`. */
  outputs: Record<string, string>;
}

interface JobState {
  planned: PlannedJob;
  status: 'pending' | 'running' | 'done';
  results: JobResult[];
  /** Instances whose failure does not fail the run (job-level continue-on-error). */
  tolerated: Set<string>;
  /** A reusable-workflow job's outputs (its results are the called jobs'). */
  outputs?: Record<string, string>;
  /** Instance keys in matrix order: the report lists them so, as GitHub does, not as they finished. */
  order?: string[];
}

export async function runWorkflow(options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const states = new Map<string, JobState>(options.plan.jobs.map((p) => [p.id, { planned: p, status: 'pending', results: [], tolerated: new Set() }]));
  // Nested runs (called workflows) share the slots of the run that calls them: --jobs bounds them all.
  const slots = options.slots ?? new Semaphore(options.maxParallelJobs);
  const running = new Set<Promise<void>>();

  const needsContext = (job: PlannedJob): Record<string, NeedResult> => {
    const out: Record<string, NeedResult> = {};
    for (const n of job.needs) {
      const s = states.get(n)!;
      out[n] = { result: jobConclusion(s), outputs: s.outputs ?? Object.assign({}, ...s.results.map((r) => r.outputs)) };
    }
    return out;
  };

  const ancestors = (job: PlannedJob, acc = new Set<string>()): Set<string> => {
    for (const n of job.needs) if (!acc.has(n)) {
      acc.add(n);
      ancestors(states.get(n)!.planned, acc);
    }
    return acc;
  };

  const startJob = async (state: JobState): Promise<void> => {
    const planned = state.planned;
    const needs = needsContext(planned);
    const ancestorResults = [...ancestors(planned)].map((id) => jobConclusion(states.get(id)!));
    const context = { run: options.run, vars: options.vars, secrets: options.secrets, inputs: options.inputs, needs, ancestorResults, cancelled: options.signal?.aborted ?? false, allowCalls: Boolean(options.callWorkflow) };
    const start = decideJobStart(planned, context);
    if (start.kind === 'done') {
      state.results.push(start.result);
      if (start.result.conclusion === 'failure' && start.result.reason) options.observer?.log?.(planned.id, null, { kind: 'error', text: options.masker.mask(start.result.reason) });
      options.observer?.jobFinished?.(start.result);
      return;
    }
    const { failFast, maxParallel, scope } = start;
    const instances = start.instances.filter((i) => matchesFilter(i.matrix, options.matrixFilter));
    state.order = instances.map((i) => i.key);

    const matrixSlots = new Semaphore(maxParallel);
    const siblings = new AbortController();
    // A job that started in a cancelled run passed its `if` with cancelled() true: nothing cancels it.
    const cancelled = new AbortController();
    const onRunCancelled = () => {
      if (!survivesCancellation(planned, context)) cancelled.abort();
    };
    options.signal?.addEventListener('abort', onRunCancelled, { once: true });
    const jobSignal = AbortSignal.any([siblings.signal, cancelled.signal]);
    await Promise.all(
      instances.map(async (spec) => {
        await matrixSlots.acquire();
        try {
          if (planned.job.uses && options.callWorkflow && !jobSignal.aborted) {
            // The caller is no job of its own on GitHub: only the called jobs take slots.
            const called = await options.callWorkflow({ planned, instance: spec, needs, scope: scope.with({ matrix: spec.matrix ?? {}, strategy: spec.strategy }), parent: { ...options, slots } });
            state.results.push(...called.results);
            state.outputs = { ...state.outputs, ...called.outputs };
            if (called.results.some((r) => r.conclusion === 'failure') && failFast && spec.matrix) siblings.abort();
            return;
          }
          await slots.acquire();
          try {
            const result = cancelled.signal.aborted
              ? resultWithoutSteps(planned, 'cancelled', `Cancelled: the run was cancelled before '${spec.key}' started.`, spec)
              : siblings.signal.aborted
                ? resultWithoutSteps(planned, 'cancelled', `Cancelled: another job of the '${planned.id}' matrix failed (fail-fast).`, spec)
                : await runInstance(planned, spec, needs, scope, jobSignal, state);
            state.results.push(result);
            options.observer?.jobFinished?.(result);
            if (result.conclusion === 'failure' && failFast && spec.matrix && !state.tolerated.has(spec.key)) siblings.abort();
          } finally {
            slots.release();
          }
        } finally {
          matrixSlots.release();
        }
      }),
    );
    options.signal?.removeEventListener('abort', onRunCancelled);
  };

  const runInstance = async (planned: PlannedJob, spec: JobInstanceSpec, needs: Record<string, NeedResult>, scope: ExpressionScope, signal: AbortSignal, state: JobState): Promise<JobResult> => {
    const instanceScope = scope.with({ matrix: spec.matrix ?? {}, strategy: spec.strategy });
    const instance: JobInstance = { workflow: options.plan.workflow, job: planned.job, key: spec.key, name: spec.name, matrix: spec.matrix, strategy: spec.strategy, needs };
    let settings: JobSettings;
    try {
      settings = jobSettings(planned.job, instanceScope);
    } catch (e) {
      if (!(e instanceof NexusError)) throw e;
      return resultWithoutSteps(planned, 'failure', e.message, spec);
    }
    if (settings.continueOnError) state.tolerated.add(spec.key);
    let secrets = options.secrets;
    let vars = options.vars;
    let approver: string | undefined;
    if (settings.environment && options.environmentGate) {
      const environment = settings.environment;
      options.observer?.jobWaiting?.(spec.key, environment.name);
      let decision: EnvironmentDecision;
      try {
        decision = await options.environmentGate({ jobKey: spec.key, jobName: spec.name, ...environment });
      } catch (e) {
        if (options.signal?.aborted) return resultWithoutSteps(planned, 'cancelled', `The run was cancelled while '${environment.name}' waited for approval.`, spec);
        if (!(e instanceof NexusError)) throw e;
        return resultWithoutSteps(planned, 'failure', e.message, spec);
      }
      if (!decision.approved) return resultWithoutSteps(planned, 'failure', decision.reason ?? `Deployment to '${environment.name}' was rejected.`, spec);
      secrets = { ...secrets, ...decision.secrets };
      vars = { ...vars, ...decision.vars };
      approver = decision.approver;
      for (const v of Object.values(decision.secrets ?? {})) options.masker.add(v);
    }
    const slug = spec.key.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/-+$/, '');
    const jobRoot = join(options.workRoot, slug);
    const paths = { workspace: join(jobRoot, repoName(options.run.repository)), temp: join(jobRoot, '_temp'), toolCache: options.toolCache };
    mkdirSync(paths.workspace, { recursive: true });
    options.observer?.jobStarted?.(spec.key, spec.name);
    await options.populateWorkspace(paths.workspace);
    return executeJob(instance, {
      run: options.run,
      paths,
      secrets,
      vars,
      inputs: options.inputs,
      masker: options.masker,
      hostEnv: options.hostEnv,
      runEnv: options.env,
      dataDir: options.dataDir,
      approver,
      actions: options.actions,
      observer: options.observer,
      signal,
      dryRun: options.dryRun,
    });
  };

  // Start every job whose needs are done, until all are done.
  await new Promise<void>((resolveAll, rejectAll) => {
    const pump = () => {
      for (const state of states.values()) {
        if (state.status !== 'pending') continue;
        if (!state.planned.needs.every((n) => states.get(n)!.status === 'done')) continue;
        state.status = 'running';
        const p = startJob(state).then(() => {
          state.status = 'done';
          running.delete(p);
          pump();
        }, rejectAll);
        running.add(p);
      }
      if ([...states.values()].every((s) => s.status === 'done')) resolveAll();
    };
    pump();
  });

  const results = [...states.values()].flatMap((s) => s.results.map((r) => ({ r, tolerated: s.tolerated.has(r.key) })));
  const failed = results.some(({ r, tolerated }) => r.conclusion === 'failure' && !tolerated);
  const conclusion: Conclusion = options.signal?.aborted ? 'cancelled' : failed ? 'failure' : 'success';
  return {
    conclusion,
    workflow: options.plan.workflow.name,
    event: options.run.eventName,
    runId: options.run.runId,
    runNumber: options.run.runNumber,
    durationMs: Math.round(performance.now() - started),
    jobs: orderResults(options.plan, states),
  };
}

/** `needs.<job>.result`: a tolerated failure (continue-on-error) counts as success. */
function jobConclusion(state: JobState): Conclusion {
  return aggregateConclusion(state.results.map((r) => (r.conclusion === 'failure' && state.tolerated.has(r.key) ? 'success' : r.conclusion)));
}

function matchesFilter(matrix: Record<string, unknown> | null, filter: Record<string, string> | undefined): boolean {
  if (!filter || !matrix) return true;
  return Object.entries(filter).every(([k, v]) => !(k in matrix) || String(matrix[k]) === v);
}

function orderResults(plan: Plan, states: Map<string, JobState>): JobResult[] {
  return plan.jobs.flatMap((p) => {
    const { results, order = [] } = states.get(p.id)!;
    const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
    return [...results].sort((a, b) => rank(a.key) - rank(b.key));
  });
}

function repoName(repository: string): string {
  return repository.split('/').pop() || 'repo';
}

/** A counting semaphore: FIFO waiters, so jobs start in the order they became ready. */
export class Semaphore {
  private readonly waiters: (() => void)[] = [];
  constructor(private available: number) {}

  acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available++;
  }
}
