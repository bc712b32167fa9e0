import { Hono } from 'hono';
import { loadWorkflowSource } from '../../engine/index.js';
import { ENVIRONMENTS_FILE, parseEnvironments, type EnvironmentConfig, type EnvironmentsFile } from '../../environments/config.js';
import { formatDuration } from '../../environments/duration.js';
import { NexusError } from '../../errors.js';
import type { Project } from '../../store/types.js';
import type { ServerContext } from '../context.js';
import { listDeployments, liveByEnvironment } from '../deployments.js';
import { check, requireRole, type Env } from './auth.js';
import { notFound } from './body.js';

/** An environment's protection rules in words, as the approvals page lists them. */
export function describeRules(env: EnvironmentConfig, file: EnvironmentsFile): string[] {
  const p = env.protection;
  const who = p.reviewers.map((r) => (r.kind === 'team' ? `team ${r.name} (${(file.teams[r.name] ?? []).join(', ')})` : r.name));
  const rules: string[] = [];
  if (who.length) rules.push(`Required reviewers: any one of ${who.join(', ')}`);
  if (p.preventSelfReview) rules.push('Whoever triggered the run may not approve it');
  if (p.waitTimerMs > 0) rules.push(`Wait timer: ${formatDuration(p.waitTimerMs)} after approval`);
  if (p.branchPolicy.kind === 'protected') rules.push(`Only protected branches deploy${file.protectedBranches.length ? ` (${file.protectedBranches.join(', ')})` : ''}`);
  if (p.branchPolicy.kind === 'patterns') rules.push(`Only these refs deploy: ${[...p.branchPolicy.branches, ...p.branchPolicy.tags.map((t) => `tag ${t}`)].join(', ')}`);
  if (who.length) rules.push(`A pending approval expires after ${formatDuration(p.approvalExpiryMs)}`);
  return rules;
}

/**
 * What the web UI needs beyond the core API (docs/web.md): who the token belongs to, a project's
 * workflows with their triggers and declared `workflow_dispatch` inputs, and its environments with
 * their protection rules as the default branch declares them.
 */
export function uiRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/me', (c) => {
    const who = check(c, 'viewer');
    return c.json({ name: who.name, role: who.role });
  });

  async function projectOf(name: string): Promise<Project> {
    const project = await ctx.store.getProject(name);
    if (!project) throw notFound(`project ${JSON.stringify(name)}`);
    return project;
  }

  app.get('/projects/:name/environments', requireRole('viewer'), async (c) => {
    const project = await projectOf(c.req.param('name'));
    const sha = await ctx.repos.headOf(project.name, project.defaultBranch);
    const source = sha ? await ctx.repos.git(project.name, ['show', `${sha}:${ENVIRONMENTS_FILE}`]).catch(() => undefined) : undefined;
    const file = source === undefined ? undefined : parseEnvironments(source, `${ENVIRONMENTS_FILE} at ${project.defaultBranch}`);
    const live = liveByEnvironment(await listDeployments(ctx, { projectId: project.id }));
    const declared = [...(file?.environments.values() ?? [])].map((env) => ({
      name: env.name,
      url: env.url,
      rules: describeRules(env, file!),
      reviewers: env.protection.reviewers.map((r) => (r.kind === 'team' ? `team ${r.name}` : r.name)),
      live: live.get(env.name) ?? [],
    }));
    // Deploying to an environment the file does not declare is allowed (it has no rules); it is still shown.
    const undeclared = [...live].filter(([name]) => !file?.environments.has(name)).map(([name, services]) => ({ name, rules: [], reviewers: [], live: services }));
    return c.json({ environments: [...declared, ...undeclared] });
  });

  app.get('/projects/:name/workflows', requireRole('viewer'), async (c) => {
    const project = await projectOf(c.req.param('name'));
    const refName = c.req.query('ref') ?? project.defaultBranch;
    const refs = await ctx.repos.refs(project.name);
    const ref = [`refs/heads/${refName}`, `refs/tags/${refName}`, refName].find((r) => refs.has(r));
    if (!ref) {
      if (c.req.query('ref')) throw new NexusError('VALIDATION', `ref ${JSON.stringify(refName)} is not a branch or tag of ${project.name}`);
      return c.json({ ref: refName, sha: null, workflows: [] });
    }
    const sha = refs.get(ref)!;
    const workflows = await Promise.all(
      (await ctx.repos.workflows(project.name, sha)).map(async (f) => {
        const { workflow, diagnostics } = await loadWorkflowSource(f.path, f.source);
        if (!workflow) return { path: f.path, name: f.path, triggers: [], dispatch: null, problems: diagnostics.map((d) => d.message) };
        const events = workflow.events as Record<string, unknown> & { workflow_dispatch?: { inputs?: Record<string, unknown> } };
        const dispatch = 'workflow_dispatch' in events ? { inputs: events.workflow_dispatch?.inputs ?? {} } : null;
        return { path: f.path, name: workflow.name, triggers: Object.keys(events), dispatch };
      }),
    );
    return c.json({ ref: refName, sha, workflows });
  });
  return app;
}
