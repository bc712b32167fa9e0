import { Hono } from 'hono';
import { NexusError } from '../../errors.js';
import { roles, type Job, type Project, type Role, type Run } from '../../store/types.js';
import type { ServerContext } from '../context.js';
import { costReport, monthRange } from '../cost.js';
import { checkProjectName } from '../git/repos.js';
import { repositoryPayload } from '../git/push-event.js';
import { whyWaiting } from '../queue-reason.js';
import { check, requireRole, type Env } from './auth.js';
import { int, jsonBody, notFound, str } from './body.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Secret and variable names as GitHub allows them. */
function checkName(kind: 'secret' | 'variable', name: string): string {
  if (!NAME.test(name) || /^GITHUB_/i.test(name)) throw new NexusError('USAGE', `${kind} name ${JSON.stringify(name)}: letters, digits and _, not starting with a digit or GITHUB_`);
  return name;
}

const publicJob = (j: Job, waiting?: string) => ({
  id: j.id, runId: j.runId, runAttempt: j.runAttempt, key: j.key, jobId: j.jobId, name: j.name, needs: j.needs, runsOn: j.runsOn,
  status: j.status, conclusion: j.conclusion, reason: j.reason, waitingReason: waiting ?? null, attempt: j.attempt,
  runnerId: j.runnerId, outputs: j.outputs, environment: j.environment, billableMinutes: j.billableMinutes,
  createdAt: j.createdAt, queuedAt: j.queuedAt, startedAt: j.startedAt, finishedAt: j.finishedAt,
});
const publicRun = (r: Run, project?: Project) => ({
  id: r.id, project: project?.name, projectId: r.projectId, number: r.number, workflowPath: r.workflowPath, workflowName: r.workflowName,
  event: r.event, ref: r.ref, sha: r.sha, actor: r.actor, attempt: r.attempt, status: r.status, conclusion: r.conclusion, reason: r.reason,
  concurrencyGroup: r.concurrencyGroup, inputs: r.inputs, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
});

/** The JSON API (docs/api.md). Reads need `viewer`; run control `developer`; settings, secrets and tokens `admin`. */
export function apiRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();
  const { store, scheduler, repos } = ctx;
  const viewer = requireRole('viewer');
  const developer = requireRole('developer');
  const admin = requireRole('admin');

  async function project(name: string): Promise<Project> {
    const p = await store.getProject(name);
    if (!p) throw notFound(`project ${JSON.stringify(name)}`);
    return p;
  }
  async function runOf(idText: string): Promise<Run> {
    const run = await store.getRun(int(idText, 'run id'));
    if (!run) throw notFound(`run ${idText}`);
    return run;
  }
  /** A runner token's project scope: names of existing projects. */
  async function scopeOf(value: unknown, role: Role): Promise<string[]> {
    if (role !== 'runner') throw new NexusError('USAGE', 'only runner tokens can be limited to projects');
    if (!Array.isArray(value) || !value.length) throw new NexusError('USAGE', 'projects must be a non-empty array of project names');
    const names = value.map((v) => str(v, 'projects[]'));
    for (const n of names) await project(n);
    return names;
  }
  const projectNames = async () => new Map((await store.listProjects()).map((p) => [p.id, p]));

  app.get('/health', (c) => c.json({ ok: true, store: store.dialect }));

  app.get('/projects', viewer, async (c) => c.json({ projects: await store.listProjects() }));
  app.post('/projects', admin, async (c) => {
    const b = await jsonBody(c);
    const name = str(b.name, 'name');
    checkProjectName(name);
    if (await store.getProject(name)) throw new NexusError('CONFLICT', `project ${JSON.stringify(name)} already exists`);
    const defaultBranch = str(b.defaultBranch ?? 'main', 'defaultBranch');
    await repos.create(name, defaultBranch);
    const p = await store.createProject(name, defaultBranch);
    if (b.retryRunnerLost !== undefined) await store.updateProject(p.id, { retryRunnerLost: Boolean(b.retryRunnerLost) });
    return c.json({ project: await store.getProjectById(p.id), gitUrl: `${ctx.url()}/git/${name}.git` }, 201);
  });
  app.get('/projects/:name', viewer, async (c) => c.json({ project: await project(c.req.param('name')) }));
  app.patch('/projects/:name', admin, async (c) => {
    const p = await project(c.req.param('name'));
    const b = await jsonBody(c);
    await store.updateProject(p.id, {
      defaultBranch: b.defaultBranch === undefined ? undefined : str(b.defaultBranch, 'defaultBranch'),
      retryRunnerLost: b.retryRunnerLost === undefined ? undefined : Boolean(b.retryRunnerLost),
    });
    return c.json({ project: await store.getProjectById(p.id) });
  });

  app.get('/runs', viewer, async (c) => {
    const name = c.req.query('project');
    const p = name ? await project(name) : undefined;
    const names = await projectNames();
    const runs = await store.listRuns({ projectId: p?.id, limit: c.req.query('limit') ? int(c.req.query('limit'), 'limit') : 50 });
    return c.json({ runs: runs.map((r) => publicRun(r, names.get(r.projectId))) });
  });
  app.get('/runs/:id', viewer, async (c) => {
    const run = await runOf(c.req.param('id'));
    const jobs = await store.listJobs(run.id, run.attempt);
    const waiting = await whyWaiting(store, run, jobs, ctx.config.pollTimeoutMs + ctx.config.heartbeatMs * 2);
    return c.json({ run: publicRun(run, await store.getProjectById(run.projectId)), jobs: jobs.filter((j) => j.reason !== 'expanded into matrix jobs').map((j) => publicJob(j, waiting.get(j.id))) });
  });
  app.get('/jobs/:id', viewer, async (c) => {
    const job = await store.getJob(int(c.req.param('id'), 'job id'));
    if (!job) throw notFound(`job ${c.req.param('id')}`);
    const run = (await store.getRun(job.runId))!;
    const waiting = await whyWaiting(store, run, await store.listJobs(run.id, job.runAttempt), ctx.config.pollTimeoutMs + ctx.config.heartbeatMs * 2);
    return c.json({ job: publicJob(job, waiting.get(job.id)), steps: await store.listSteps(job.id), summary: job.summary });
  });
  app.post('/runs/:id/cancel', developer, async (c) => {
    const run = await runOf(c.req.param('id'));
    const cancelled = await scheduler.cancelRun(run.id, `cancelled by ${c.get('identity')!.name}`);
    if (!cancelled) throw new NexusError('CONFLICT', `run ${run.id} is already ${run.status}`);
    return c.json({ run: publicRun((await store.getRun(run.id))!) }, 202);
  });
  app.post('/jobs/:id/cancel', developer, async (c) => {
    const id = int(c.req.param('id'), 'job id');
    if (!(await scheduler.cancelJob(id, `cancelled by ${c.get('identity')!.name}`))) throw new NexusError('CONFLICT', `job ${id} is not running or queued`);
    return c.json({ job: publicJob((await store.getJob(id))!) }, 202);
  });
  app.post('/runs/:id/rerun', developer, async (c) => {
    const run = await runOf(c.req.param('id'));
    const b = await jsonBody(c);
    const again = await scheduler.rerun(run.id, Boolean(b.failed));
    if (!again) throw new NexusError('CONFLICT', run.status === 'completed' ? `run ${run.id} has no failed jobs to re-run` : `run ${run.id} is ${run.status}; only a completed run can be re-run`);
    return c.json({ run: publicRun(again) }, 201);
  });

  app.post('/projects/:name/dispatches', developer, async (c) => {
    const p = await project(c.req.param('name'));
    const b = await jsonBody(c);
    const workflow = str(b.workflow, 'workflow');
    const refName = str(b.ref ?? p.defaultBranch, 'ref');
    const refs = await repos.refs(p.name);
    const ref = [refName, `refs/heads/${refName}`, `refs/tags/${refName}`].find((r) => r.startsWith('refs/') && refs.has(r));
    if (!ref) throw new NexusError('VALIDATION', `ref ${JSON.stringify(refName)} is not a branch or tag of ${p.name}`);
    const sha = refs.get(ref)!;
    const files = await repos.workflows(p.name, sha);
    const file = files.find((f) => f.path === workflow || f.path === `.github/workflows/${workflow}`);
    if (!file) throw new NexusError('VALIDATION', `no workflow ${JSON.stringify(workflow)} at ${refName}; have: ${files.map((f) => f.path.replace('.github/workflows/', '')).join(', ') || 'none'}`);
    const raw = (b.inputs ?? {}) as Record<string, unknown>;
    const inputs = await ctx.pipeline.dispatchInputs(file, Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)])));
    const actor = c.get('identity')!.name;
    const payload = { inputs, ref, repository: repositoryPayload(p.name, p.defaultBranch, ctx.url()), sender: { login: actor }, workflow: file.path };
    const runs = await scheduler.trigger(p, { name: 'workflow_dispatch', payload, ref, sha }, actor, { onlyPath: file.path, inputs });
    if (!runs.length) throw new NexusError('VALIDATION', `${file.path} has no workflow_dispatch trigger`);
    return c.json({ runs: runs.map((r) => publicRun(r, p)) }, 201);
  });

  app.get('/projects/:name/commits/:sha/checks', viewer, async (c) => {
    const p = await project(c.req.param('name'));
    const checks = await store.listChecks(p.id, c.req.param('sha'));
    return c.json({ total_count: checks.length, check_runs: checks.map((k) => ({ name: k.name, status: k.status, conclusion: k.conclusion, run_id: k.runId, job_id: k.jobId, completed_at: k.status === 'completed' ? new Date(k.updatedAt).toISOString() : null })) });
  });

  app.get('/projects/:name/secrets', viewer, async (c) => c.json({ secrets: await store.listSecretNames((await project(c.req.param('name'))).id) }));
  app.put('/projects/:name/secrets/:secret', admin, async (c) => {
    const p = await project(c.req.param('name'));
    const name = checkName('secret', c.req.param('secret'));
    const b = await jsonBody(c);
    await store.setSecret(p.id, str(b.environment ?? '', 'environment', true) ?? '', name, str(b.value, 'value'));
    return c.body(null, 204);
  });
  app.delete('/projects/:name/secrets/:secret', admin, async (c) => {
    const p = await project(c.req.param('name'));
    if (!(await store.deleteSecret(p.id, c.req.query('environment') ?? '', c.req.param('secret')))) throw notFound(`secret ${c.req.param('secret')}`);
    return c.body(null, 204);
  });
  // Variables are configuration, not secrets: anyone who may read the project may read them.
  app.get('/projects/:name/variables', viewer, async (c) => c.json({ variables: await store.listVariables((await project(c.req.param('name'))).id) }));
  app.put('/projects/:name/variables/:variable', admin, async (c) => {
    const p = await project(c.req.param('name'));
    const name = checkName('variable', c.req.param('variable'));
    const b = await jsonBody(c);
    await store.setVariable(p.id, str(b.environment ?? '', 'environment', true) ?? '', name, str(b.value, 'value', true) ?? '');
    return c.body(null, 204);
  });
  app.delete('/projects/:name/variables/:variable', admin, async (c) => {
    const p = await project(c.req.param('name'));
    if (!(await store.deleteVariable(p.id, c.req.query('environment') ?? '', c.req.param('variable')))) throw notFound(`variable ${c.req.param('variable')}`);
    return c.body(null, 204);
  });

  app.post('/tokens', admin, async (c) => {
    const b = await jsonBody(c);
    const role = str(b.role, 'role') as Role;
    if (!roles.includes(role)) throw new NexusError('USAGE', `role must be one of ${roles.join(', ')}`);
    const projects = b.projects === undefined || b.projects === null ? null : await scopeOf(b.projects, role);
    return c.json({ token: await store.createToken(str(b.name ?? role, 'name'), role, projects), role, projects }, 201);
  });

  app.get('/runners', viewer, async (c) => {
    const active = await store.activeJobsPerRunner();
    const fresh = Date.now() - (ctx.config.pollTimeoutMs + ctx.config.heartbeatMs * 2);
    return c.json({ runners: (await store.listRunners()).map((r) => ({ ...r, online: r.lastSeenAt >= fresh, activeJobs: active.get(r.id) ?? 0 })) });
  });

  app.get('/cost', viewer, async (c) => {
    const month = c.req.query('month') ?? new Date().toISOString().slice(0, 7);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new NexusError('USAGE', `month must be YYYY-MM, got ${JSON.stringify(month)}`);
    const rate = Number(c.req.query('rate') ?? 0.008);
    const free = Number(c.req.query('freeMinutes') ?? 3000);
    if (!(rate >= 0) || !(free >= 0)) throw new NexusError('USAGE', 'rate and freeMinutes must be non-negative numbers');
    const name = c.req.query('project');
    const [from, to] = monthRange(month);
    const minutes = await store.jobMinutes(from, to, name ? (await project(name)).id : undefined);
    return c.json(costReport(minutes, month, rate, free));
  });

  app.get('/webhooks/deliveries', async (c) => {
    check(c, 'admin');
    return c.json({ deliveries: await store.listDeliveries() });
  });
  return app;
}
