import type { Assignment } from '../runner/assignment.js';
import type { Store } from '../store/store.js';
import type { Job } from '../store/types.js';
import { safeEqual } from './http/auth.js';
import type { ServerContext } from './context.js';
import type { PlannedInstance } from './pipeline.js';
import { needsOf, runContext, type RunPlan } from './scheduler.js';

/**
 * The git credential a job's checkout uses: the lease it belongs to and an HMAC of that lease and the
 * project under the server's key, so it cannot be guessed, is worth nothing for another repository, and
 * dies with the lease (every claim and every end of a job moves the lease token on).
 */
export const jobGitUser = 'x-nexus-job';
const credentialMessage = (project: string, lease: { jobId: number; attempt: number; leaseToken: number }) => `${project}\n${lease.jobId}.${lease.attempt}.${lease.leaseToken}`;
export const jobGitPassword = (store: Store, project: string, job: Pick<Job, 'id' | 'attempt' | 'leaseToken'>): string =>
  `${job.id}.${job.attempt}.${job.leaseToken}.${store.sign('job-git', credentialMessage(project, { jobId: job.id, attempt: job.attempt, leaseToken: job.leaseToken }))}`;

/** The job a checkout credential belongs to, when it is genuine for `project` and the job still holds that lease. */
export async function jobOfGitPassword(store: Store, project: string, password: string): Promise<Job | undefined> {
  const m = /^(\d+)\.(\d+)\.(\d+)\.([A-Za-z0-9_-]{43})$/.exec(password);
  if (!m) return undefined;
  const lease = { jobId: Number(m[1]), attempt: Number(m[2]), leaseToken: Number(m[3]) };
  if (!safeEqual(m[4], store.sign('job-git', credentialMessage(project, lease)))) return undefined;
  const job = await store.getJob(lease.jobId);
  const live = job && job.attempt === lease.attempt && job.leaseToken === lease.leaseToken && (job.status === 'running' || job.status === 'assigned');
  return live ? job : undefined;
}

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
    repository: { name: project.name, url: `${ctx.url()}/git/${project.name}.git`, username: jobGitUser, password: jobGitPassword(ctx.store, project.name, job) },
    serverUrl: ctx.url(),
  };
}
