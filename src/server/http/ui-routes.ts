import { Hono } from 'hono';
import { loadWorkflowSource } from '../../engine/index.js';
import { NexusError } from '../../errors.js';
import type { ServerContext } from '../context.js';
import { check, requireRole, type Env } from './auth.js';
import { notFound } from './body.js';

/**
 * What the web UI needs beyond the core API (docs/web.md): who the token belongs to, and a
 * project's workflows with their triggers and declared `workflow_dispatch` inputs.
 */
export function uiRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/me', (c) => {
    const who = check(c, 'viewer');
    return c.json({ name: who.name, role: who.role });
  });

  app.get('/projects/:name/workflows', requireRole('viewer'), async (c) => {
    const project = await ctx.store.getProject(c.req.param('name'));
    if (!project) throw notFound(`project ${JSON.stringify(c.req.param('name'))}`);
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
