/**
 * What happens when a job's needs are done: its `if` is evaluated (status functions over its
 * ancestors), then its strategy, giving the instances to run. Shared by the local scheduler and
 * the server, so both decide exactly alike.
 */
import { NexusError } from '../errors.js';
import { expandJob, type JobInstanceSpec } from '../planner/job-instances.js';
import type { PlannedJob } from '../planner/plan.js';
import { ExpressionScope } from '../workflow/expressions.js';
import { githubContext, type RunInfo } from './github-context.js';
import type { NeedResult } from './job.js';
import type { Conclusion, JobResult } from './results.js';

export interface JobStartContext {
  run: RunInfo;
  vars: Record<string, string>;
  secrets: Record<string, string>;
  inputs: Record<string, unknown>;
  /** Results of the job's direct needs. */
  needs: Record<string, NeedResult>;
  /** Conclusions of every job it transitively needs (for success()/failure()). */
  ancestorResults: Conclusion[];
  cancelled: boolean;
  /** Reusable-workflow jobs (`uses:`) are expanded like other jobs, for a caller that runs them. */
  allowCalls?: boolean;
}

export type JobStart =
  | { kind: 'done'; result: JobResult }
  | { kind: 'run'; instances: JobInstanceSpec[]; failFast: boolean; maxParallel: number; scope: ExpressionScope };

export function decideJobStart(planned: PlannedJob, ctx: JobStartContext): JobStart {
  const scope = startScope(planned, ctx);
  try {
    if (!scope.evaluateBoolean(planned.job.if)) {
      const unmet = Object.entries(ctx.needs).filter(([, n]) => n.result !== 'success').map(([id, n]) => `'${id}' ${n.result === 'failure' ? 'failed' : `was ${n.result}`}`);
      const why = unmet.length > 0 && ctx.ancestorResults.some((r) => r !== 'success') ? `needed job ${unmet.join(', ')}` : `its condition '${planned.job.if}' is false`;
      return { kind: 'done', result: resultWithoutSteps(planned, ctx.cancelled ? 'cancelled' : 'skipped', `Job '${planned.id}' was skipped: ${why}.`) };
    }
    if (planned.job.uses && !ctx.allowCalls) throw new NexusError('REUSABLE_WORKFLOW', `Job '${planned.id}' calls a reusable workflow (${planned.job.uses}), which this engine does not run yet`);
    const expanded = expandJob(planned.job, scope);
    return { kind: 'run', instances: expanded.instances, failFast: expanded.failFast, maxParallel: expanded.maxParallel, scope };
  } catch (e) {
    if (!(e instanceof NexusError)) throw e;
    return { kind: 'done', result: resultWithoutSteps(planned, 'failure', e.message) };
  }
}

/**
 * Whether a running job goes on when its run is cancelled: GitHub evaluates the job's `if` again,
 * with `cancelled()` true; a job whose condition still holds (`always()`) is not cancelled.
 */
export function survivesCancellation(planned: PlannedJob, ctx: JobStartContext): boolean {
  try {
    return startScope(planned, { ...ctx, cancelled: true }).evaluateBoolean(planned.job.if);
  } catch (e) {
    if (!(e instanceof NexusError)) throw e;
    return false;
  }
}

function startScope(planned: PlannedJob, ctx: JobStartContext): ExpressionScope {
  return new ExpressionScope(
    {
      github: githubContext(ctx.run, planned.id, { workspace: '', temp: '', toolCache: '' }),
      vars: ctx.vars,
      secrets: ctx.secrets,
      inputs: ctx.inputs,
      needs: ctx.needs,
    },
    {
      success: () => !ctx.cancelled && ctx.ancestorResults.every((r) => r === 'success'),
      failure: () => ctx.ancestorResults.includes('failure'),
      cancelled: () => ctx.cancelled,
      hashFiles: () => '',
    },
  );
}

/** A job result for a job (or instance) that ran no step: skipped, refused, cancelled before start. */
export function resultWithoutSteps(planned: PlannedJob, conclusion: Conclusion, reason: string, spec?: JobInstanceSpec): JobResult {
  return {
    key: spec?.key ?? planned.id,
    id: planned.id,
    name: spec?.name ?? (planned.job.name && 'value' in planned.job.name ? String(planned.job.name.value) : planned.id),
    matrix: spec?.matrix ?? null,
    conclusion,
    outputs: {},
    durationMs: 0,
    steps: [],
    annotations: [],
    summary: '',
    reason,
  };
}
