import type { Assignment } from '../runner/assignment.js';
import type { Job } from '../store/types.js';
import type { ServerContext } from './context.js';
import type { PlannedInstance } from './pipeline.js';
import { needsOf, runContext, type RunPlan } from './scheduler.js';

/** The git credential a job's checkout uses: valid exactly as long as the job's lease. */
export const jobGitUser = 'x-nexus-job';
export const jobGitPassword = (job: Pick<Job, 'id' | 'attempt' | 'leaseToken'>): string => `${job.id}.${job.attempt}.${job.leaseToken}`;

/** Everything a runner needs to run a claimed job; the only response that carries secret values. */
export async function buildAssignment(ctx: ServerContext, job: Job): Promise<Assignment> {
  const run = (await ctx.store.getRun(job.runId))!;
  const project = (await ctx.store.getProjectById(run.projectId))!;
  const plan = run.plan as RunPlan;
  const instance = (job.plan as { instance: PlannedInstance }).instance;
  const jobs = await ctx.store.listJobs(run.id, job.runAttempt);
  return {
    job: {
      id: job.id, attempt: job.attempt, leaseToken: job.leaseToken, key: job.key, jobId: job.jobId, name: job.name,
      matrix: instance.matrix, strategy: instance.strategy, timeoutMs: job.timeoutMs,
    },
    workflow: { path: plan.workflow.path, name: plan.workflow.name, source: plan.workflow.source },
    run: runContext(run, project, ctx.url()),
    needs: needsOf(job, jobs),
    inputs: run.inputs,
    secrets: await ctx.store.secretsFor(project.id, job.environment),
    vars: await ctx.store.variablesFor(project.id, job.environment),
    repository: { name: project.name, url: `${ctx.url()}/git/${project.name}.git`, username: jobGitUser, password: jobGitPassword(job) },
    serverUrl: ctx.url(),
  };
}
