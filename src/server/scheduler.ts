import type { Store } from '../store/store.js';
import type { Conclusion, Job, NewJob, Project, Run } from '../store/types.js';
import type { Repos } from './git/repos.js';
import { environmentAt, gateOf, WAITING_FOR_APPROVAL } from './approval-gate.js';
import type { EventInfo, Pipeline, PlannedInstance, PlannedWorkflow, RunContext, WorkflowFile } from './pipeline.js';

/** What a run remembers to start its jobs and re-runs: the workflow as it was at the commit. */
export interface RunPlan {
  workflow: WorkflowFile & { name: string };
  jobs: PlannedWorkflow['jobs'];
}

/**
 * A job row is first a whole job (`plan.instance` unset): when its needs are done the engine decides
 * what it becomes. One instance with the job's own key takes the row over; a matrix turns the row into
 * a placeholder (this reason) beside one row per instance.
 */
export const EXPANDED = 'expanded into matrix jobs';
interface JobPlan {
  instance?: PlannedInstance;
  failFast?: boolean;
  maxParallel?: number;
}

const planOf = (j: Job): JobPlan => (j.plan ?? {}) as JobPlan;
export const isPlaceholder = (j: Job): boolean => j.status === 'completed' && j.reason === EXPANDED;
/** A failure under `continue-on-error` counts as success for needs and for the run. */
const effective = (j: Job): Conclusion | null => (j.conclusion === 'failure' && planOf(j).instance?.continueOnError ? 'success' : j.conclusion);

export function aggregate(conclusions: (Conclusion | null)[]): Conclusion {
  if (conclusions.includes('failure')) return 'failure';
  if (conclusions.includes('cancelled')) return 'cancelled';
  if (conclusions.length > 0 && conclusions.every((c) => c === 'skipped')) return 'skipped';
  return 'success';
}

/** needs.<id>: one result per needed job id, a matrix's instances aggregated and their outputs merged. */
export function needsOf(job: Pick<Job, 'needs'>, jobs: Job[]): Record<string, { result: Conclusion; outputs: Record<string, string> }> {
  const out: Record<string, { result: Conclusion; outputs: Record<string, string> }> = {};
  for (const id of job.needs) {
    const instances = jobs.filter((j) => j.jobId === id && !isPlaceholder(j));
    out[id] = { result: aggregate(instances.map(effective)), outputs: Object.assign({}, ...instances.map((j) => j.outputs)) };
  }
  return out;
}

export function runContext(run: Run, project: Project, serverUrl: string): RunContext {
  const payload = (run.payload ?? {}) as Record<string, any>;
  return {
    runId: String(run.id), runNumber: run.number, runAttempt: run.attempt, workflowName: run.workflowName, workflowFile: run.workflowPath,
    eventName: run.event, event: payload, sha: run.sha, ref: run.ref, repository: `nexus/${project.name}`, actor: run.actor, serverUrl,
    baseRef: payload.pull_request?.base?.ref, headRef: payload.pull_request?.head?.ref,
  };
}

const jobRow = (j: PlannedWorkflow['jobs'][number]): NewJob => ({
  key: j.jobId, jobId: j.jobId, name: j.name, needs: j.needs, runsOn: [], plan: {}, status: 'pending', timeoutMs: 360 * 60_000,
});
const instanceRow = (jobId: string, needs: string[], i: PlannedInstance, extra: JobPlan): NewJob => ({
  key: i.key, jobId, name: i.name, needs, runsOn: i.runsOn, plan: { ...extra, instance: i }, status: 'pending', timeoutMs: i.timeoutMs,
  concurrencyGroup: i.concurrency?.group ?? null, environment: i.environment,
});

/**
 * Turns events into runs and moves runs forward: starts jobs whose needs are done (through the
 * engine's decision), enforces concurrency groups, fail-fast and max-parallel, concludes runs and keeps
 * commit checks current. Every step is a conditional update, so any replica may advance any run.
 */
export class Scheduler {
  constructor(
    private readonly store: Store,
    private readonly repos: Repos,
    private readonly pipeline: Pipeline,
    private readonly serverUrl: () => string,
  ) {}

  /**
   * Starts every workflow at `event.sha` that the event triggers (or only `onlyPath`). With a
   * `triggerKey` (what fired: a ref update, a webhook delivery) each workflow runs once per key, so an
   * event processed again (after a crash, by a second replica, redelivered) starts nothing twice.
   * Returns the runs this call created.
   */
  async trigger(project: Project, event: EventInfo, actor: string, opts: { onlyPath?: string; inputs?: Record<string, unknown>; triggerKey?: string } = {}): Promise<Run[]> {
    let files = await this.repos.workflows(project.name, event.sha);
    if (opts.onlyPath) files = files.filter((f) => f.path === opts.onlyPath);
    const payload = event.payload as Record<string, any>;
    const { workflows, problems } = await this.pipeline.plan(files, event, {
      eventName: event.name, event: payload, sha: event.sha, ref: event.ref, repository: `nexus/${project.name}`, actor, serverUrl: this.serverUrl(),
      baseRef: payload.pull_request?.base?.ref, headRef: payload.pull_request?.head?.ref,
    });
    const runs: Run[] = [];
    const base = { projectId: project.id, event: event.name, ref: event.ref, sha: event.sha, payload: event.payload, inputs: opts.inputs ?? {}, actor };
    const keyOf = (path: string) => (opts.triggerKey ? `${opts.triggerKey}:${path}` : null);
    for (const p of problems) {
      // As on GitHub, a broken workflow file shows up as a failed run that says why.
      const { run, created } = await this.store.createRun({ ...base, workflowPath: p.path, workflowName: p.path, status: 'in_progress', plan: {}, jobs: [], triggerKey: keyOf(p.path) });
      if (!created) continue;
      await this.store.updateRun(run.id, { status: 'completed', conclusion: 'failure', reason: p.message, finishedAt: Date.now() });
      runs.push((await this.store.getRun(run.id))!);
    }
    for (const wf of workflows) {
      const file = files.find((f) => f.path === wf.path)!;
      const plan: RunPlan = { workflow: { ...file, name: wf.name }, jobs: wf.jobs };
      const group = wf.concurrency?.group || null;
      const { run, created, cancel } = await this.store.createRun({
        ...base, workflowPath: wf.path, workflowName: wf.name, status: 'in_progress', plan, concurrencyGroup: group,
        cancelInProgress: wf.concurrency?.cancelInProgress ?? false, triggerKey: keyOf(wf.path),
        jobs: wf.jobs.map(jobRow),
      });
      if (!created) continue;
      for (const id of cancel) await this.cancelRun(id, `cancelled: a newer run in concurrency group "${group}" started`);
      await this.advance(run.id);
      runs.push((await this.store.getRun(run.id))!);
    }
    return runs;
  }

  async advance(runId: number): Promise<void> {
    const run = await this.store.getRun(runId);
    if (!run || run.status !== 'in_progress') return;
    let jobs = await this.store.listJobs(run.id, run.attempt);
    await this.failFast(jobs);
    for (const job of jobs.filter((j) => j.status === 'pending' || j.status === 'waiting')) {
      if (jobs.some((d) => job.needs.includes(d.jobId) && d.status !== 'completed')) continue;
      if (planOf(job).instance) await this.release(job, jobs);
      else await this.start(run, job, jobs);
    }
    jobs = await this.store.listJobs(run.id, run.attempt);
    await this.updateChecks(run, jobs);
    if (jobs.every((j) => j.status === 'completed')) {
      const { promoted } = await this.store.concludeRun(run.id, aggregate(jobs.filter((j) => !isPlaceholder(j)).map(effective)));
      if (promoted !== null) await this.advance(promoted);
    }
  }

  /** Asks the engine what a ready job becomes, and records that. */
  private async start(run: Run, job: Job, jobs: Job[]): Promise<void> {
    const project = (await this.store.getProjectById(run.projectId))!;
    const plan = run.plan as RunPlan;
    const ancestors = new Set<string>();
    const visit = (id: string) => plan.jobs.find((p) => p.jobId === id)?.needs.forEach((n) => (ancestors.has(n) ? undefined : (ancestors.add(n), visit(n))));
    visit(job.jobId);
    const decision = await this.pipeline.start(plan.workflow, job.jobId, {
      run: runContext(run, project, this.serverUrl()),
      vars: await this.store.variablesFor(project.id),
      secrets: await this.store.secretsFor(project.id),
      inputs: run.inputs,
      needs: needsOf(job, jobs),
      ancestorResults: jobs.filter((j) => ancestors.has(j.jobId) && !isPlaceholder(j)).map((j) => effective(j) ?? 'success'),
    });
    if (decision.kind === 'done') {
      await this.store.updateJob(job.id, { status: 'completed', conclusion: decision.conclusion, reason: decision.reason }, ['pending']);
      return;
    }
    const extra = { failFast: decision.failFast, maxParallel: decision.maxParallel };
    const [only] = decision.instances;
    if (decision.instances.length === 1 && only.key === job.key) {
      const row = instanceRow(job.jobId, job.needs, only, extra);
      const claimed = await this.store.updateJob(job.id, { name: row.name, runsOn: row.runsOn, plan: row.plan, timeoutMs: row.timeoutMs, concurrencyGroup: row.concurrencyGroup, environment: row.environment }, ['pending']);
      if (claimed) await this.release((await this.store.getJob(job.id))!, jobs);
      return;
    }
    if (!(await this.store.updateJob(job.id, { status: 'completed', reason: EXPANDED }, ['pending']))) return;
    const rows = await this.store.addJobs(run.id, run.attempt, decision.instances.map((i) => instanceRow(job.jobId, job.needs, i, extra)));
    const all = [...jobs, ...rows];
    for (const r of rows) await this.release(r, all);
  }

  /**
   * Queues a started instance unless max-parallel, its environment's protection rules or its concurrency
   * group (within the project, as GitHub scopes groups to a repository) hold it back.
   */
  private async release(job: Job, jobs: Job[]): Promise<void> {
    const plan = planOf(job);
    const siblings = jobs.filter((j) => j.jobId === job.jobId && j.id !== job.id && ['queued', 'assigned', 'running'].includes(j.status));
    if (plan.maxParallel && Number.isFinite(plan.maxParallel) && siblings.length >= plan.maxParallel) {
      const reason = `waiting for max-parallel (${plan.maxParallel})`;
      if (job.reason !== reason) await this.store.updateJob(job.id, { reason }, ['pending', 'waiting']);
      return;
    }
    if (job.environment && !(await this.passesProtection(job))) return;
    const concurrency = plan.instance?.concurrency;
    const group = concurrency ? { name: concurrency.group, cancelInProgress: concurrency.cancelInProgress, heldReason: `waiting for concurrency group "${concurrency.group}"` } : undefined;
    const { replaced, superseded } = await this.store.queueJob(job.id, group);
    for (const id of replaced) await this.cancelJob(id, `cancelled: replaced by a newer job waiting in concurrency group "${group!.name}"`);
    for (const id of superseded) await this.cancelJob(id, `cancelled: a newer job in concurrency group "${group!.name}" started`);
  }

  /** A job deploying to an environment waits (status `waiting`) until its protection rules pass, or fails. */
  private async passesProtection(job: Job): Promise<boolean> {
    const run = (await this.store.getRun(job.runId))!;
    const project = (await this.store.getProjectById(run.projectId))!;
    let gate;
    try {
      const rules = await environmentAt(this.repos, project, run.sha, job.environment!);
      const approval = await this.store.requestApproval(job.id, rules.env.name);
      gate = gateOf(rules, run, approval);
      if (gate.state === 'waiting' && rules.env.protection.reviewers.length && approval.status === 'pending') gate.reason = WAITING_FOR_APPROVAL;
    } catch (e) {
      gate = { state: 'refused' as const, reason: e instanceof Error ? e.message : String(e) };
    }
    if (gate.state === 'approved') return true;
    if (gate.state === 'waiting') {
      if (job.status !== 'waiting' || job.reason !== gate.reason) await this.store.updateJob(job.id, { status: 'waiting', reason: gate.reason }, ['pending', 'waiting']);
      return false;
    }
    // Refused, rejected or expired: the job fails, and what needs it is decided now rather than at the next event.
    if (await this.store.updateJob(job.id, { status: 'completed', conclusion: 'failure', reason: gate.reason }, ['pending', 'waiting'])) await this.advance(run.id);
    return false;
  }

  /** fail-fast: one failed matrix instance cancels its siblings that have not finished. */
  private async failFast(jobs: Job[]): Promise<void> {
    for (const failed of jobs.filter((j) => j.conclusion === 'failure' && planOf(j).failFast && planOf(j).instance?.matrix && effective(j) === 'failure')) {
      for (const s of jobs.filter((j) => j.jobId === failed.jobId && j.status !== 'completed')) {
        await this.cancelJob(s.id, `cancelled: another job of the '${failed.jobId}' matrix failed (fail-fast)`, false);
      }
    }
  }

  /**
   * A job of the project's concurrency group `group` ended: the job the group held gets its turn now
   * rather than at the sweeper's next pass.
   */
  async releaseGroup(projectId: number, group: string): Promise<void> {
    const held = await this.store.listGroupJobs(projectId, group, ['pending', 'waiting']);
    for (const runId of new Set(held.map((j) => j.runId))) await this.advance(runId);
  }

  /** Commit checks named as GitHub names them: the job's (instance) name, e.g. `unit-tests (frontend)`. */
  private async updateChecks(run: Run, jobs: Job[]): Promise<void> {
    const existing = new Map((await this.store.listChecks(run.projectId, run.sha)).map((c) => [c.name, c]));
    for (const j of jobs) {
      // A job shows up once the engine has decided what it is: its instances, or its skip/failure.
      if (isPlaceholder(j) || (!planOf(j).instance && j.status !== 'completed')) continue;
      const status = j.status === 'completed' ? 'completed' : j.status === 'running' ? 'in_progress' : 'queued';
      const conclusion = j.status === 'completed' ? j.conclusion : null;
      const had = existing.get(j.name);
      if (had && had.jobId === j.id && had.status === status && had.conclusion === conclusion) continue;
      await this.store.setCheck(run.projectId, run.sha, { name: j.name, runId: run.id, jobId: j.id, status, conclusion });
    }
  }

  /** Ends what has not started; asks runners (through their heartbeat replies) to cancel what has. */
  async cancelRun(runId: number, reason = 'cancelled by request'): Promise<boolean> {
    const run = await this.store.getRun(runId);
    if (!run || run.status === 'completed') return false;
    if (run.status === 'waiting') await this.store.updateRun(run.id, { status: 'in_progress' }, ['waiting']);
    for (const j of await this.store.listJobs(run.id, run.attempt)) await this.cancelJob(j.id, reason, false);
    await this.advance(run.id);
    return true;
  }

  async cancelJob(jobId: number, reason = 'cancelled by request', advance = true): Promise<boolean> {
    const job = await this.store.getJob(jobId);
    if (!job || job.status === 'completed') return false;
    const ended = await this.store.updateJob(job.id, { status: 'completed', conclusion: 'cancelled', reason }, ['pending', 'waiting', 'queued', 'assigned']);
    if (!ended) await this.store.updateJob(job.id, { cancelRequested: true, reason }, ['running']);
    if (advance) await this.advance(job.runId);
    return true;
  }

  /**
   * A new attempt of a finished run: every job again, or (`failedOnly`) the jobs that did not succeed
   * and those that need them; the others keep their results and outputs.
   */
  async rerun(runId: number, failedOnly: boolean): Promise<Run | undefined> {
    const run = await this.store.getRun(runId);
    if (!run || run.status !== 'completed') return undefined;
    const plan = run.plan as RunPlan;
    if (!plan.jobs) return undefined;
    const previous = (await this.store.listJobs(run.id, run.attempt)).filter((j) => !isPlaceholder(j));
    const again = new Set<string>();
    for (const p of plan.jobs) if (!failedOnly || previous.some((j) => j.jobId === p.jobId && effective(j) !== 'success' && effective(j) !== 'skipped')) again.add(p.jobId);
    // Whatever needs a job that runs again runs again too.
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of plan.jobs) if (!again.has(p.jobId) && p.needs.some((n) => again.has(n))) (again.add(p.jobId), (grew = true));
    }
    if (!again.size) return undefined;
    const attempt = run.attempt + 1;
    if (!(await this.store.updateRun(run.id, { status: 'in_progress', conclusion: null, reason: null, attempt, finishedAt: null }, ['completed']))) return undefined;
    const kept: NewJob[] = previous
      .filter((j) => !again.has(j.jobId))
      .map((j) => ({ key: j.key, jobId: j.jobId, name: j.name, needs: j.needs, runsOn: j.runsOn, plan: j.plan, timeoutMs: j.timeoutMs, status: 'completed', conclusion: j.conclusion, outputs: j.outputs, reason: `result kept from attempt ${run.attempt}` }));
    await this.store.addJobs(run.id, attempt, [...kept, ...plan.jobs.filter((p) => again.has(p.jobId)).map(jobRow)]);
    await this.advance(run.id);
    return this.store.getRun(run.id);
  }
}
