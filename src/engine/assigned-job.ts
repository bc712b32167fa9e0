/**
 * Runs one job instance handed over by a server: the assignment carries everything (workflow
 * text, job id, matrix, needs, event, secrets), so a runner needs nothing but this host.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NexusError } from '../errors.js';
import { instanceName } from '../planner/job-instances.js';
import { matrixSuffix } from '../planner/matrix.js';
import { ExpressionScope, NEUTRAL_HOST } from '../workflow/expressions.js';
import { requireWorkflow } from '../workflow/load.js';
import type { ActionHost, SharedCache } from './action-host.js';
import { fetchInto, gitError } from './git-fetch.js';
import type { RunInfo } from './github-context.js';
import { executeJob, type JobObserver, type NeedResult } from './job.js';
import { hostEnvironment } from './host-env.js';
import { Masker } from './masker.js';
import type { JobResult } from './results.js';


export interface JobAssignment {
  run: Omit<RunInfo, 'eventPath'>;
  workflow: { path: string; source: string };
  jobId: string;
  matrix: Record<string, unknown> | null;
  strategy: Record<string, unknown>;
  needs: Record<string, NeedResult>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  inputs: Record<string, unknown>;
  /** Where the workspace comes from: a git URL (or path) and the commit to check out. */
  checkout: { url: string; sha: string; headers?: Record<string, string> };
}

export interface AssignedJobOptions {
  /** A fresh folder for this job: workspace, temp and the event file go under it. */
  workRoot: string;
  toolCache: string;
  dataDir: string;
  observer?: JobObserver;
  signal?: AbortSignal;
  actions?: ActionHost;
  hostEnv?: Record<string, string>;
  runnerName?: string;
  sharedCache?: SharedCache;
}

/** The job key the server and the runner agree on (`unit-tests (frontend)`). */
export function assignmentKey(a: Pick<JobAssignment, 'jobId' | 'matrix'>): string {
  return a.matrix ? `${a.jobId} (${matrixSuffix(a.matrix)})` : a.jobId;
}

export async function runAssignedJob(a: JobAssignment, options: AssignedJobOptions): Promise<JobResult> {
  const workflow = await requireWorkflow(a.workflow.path, a.workflow.source);
  const job = workflow.jobs.find((j) => j.id === a.jobId);
  if (!job) throw new NexusError('UNKNOWN_JOB', `the assignment names job '${a.jobId}', which ${a.workflow.path} does not have`);
  const masker = new Masker();
  for (const v of Object.values(a.secrets)) masker.add(v);
  const repo = a.run.repository.split('/').pop() || 'repo';
  const paths = { workspace: join(options.workRoot, repo), temp: join(options.workRoot, '_temp'), toolCache: options.toolCache };
  mkdirSync(paths.temp, { recursive: true });
  const eventPath = join(options.workRoot, 'event.json');
  writeFileSync(eventPath, JSON.stringify(a.run.event, null, 2));
  await checkout(a.checkout, paths.workspace);
  const scope = new ExpressionScope({ github: {}, vars: a.vars, inputs: a.inputs, needs: a.needs, matrix: a.matrix ?? {} }, NEUTRAL_HOST);
  return executeJob(
    { workflow, job, key: assignmentKey(a), name: instanceName(job, a.matrix, scope), matrix: a.matrix, strategy: a.strategy, needs: a.needs },
    {
      run: { ...a.run, eventPath },
      paths,
      secrets: a.secrets,
      vars: a.vars,
      inputs: a.inputs,
      masker,
      hostEnv: options.hostEnv ?? hostEnvironment(process.env),
      dataDir: options.dataDir,
      repository: { url: a.checkout.url, headers: a.checkout.headers },
      sharedCache: options.sharedCache,
      actions: options.actions,
      observer: options.observer,
      signal: options.signal,
      runnerName: options.runnerName,
    },
  );
}

/** A shallow fetch of exactly the assigned commit into the workspace. */
async function checkout(source: JobAssignment['checkout'], dir: string): Promise<void> {
  try {
    await fetchInto(source, source.sha, dir, 1);
  } catch (e) {
    throw new NexusError('CHECKOUT', `cannot fetch commit ${source.sha}: ${gitError(e, source)}`);
  }
}
