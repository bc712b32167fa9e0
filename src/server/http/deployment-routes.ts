import { Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { listDeployments } from '../deployments.js';
import { requireRole, type Env } from './auth.js';
import { notFound } from './body.js';

/** A project's deployment history as its runners reported it (docs/api.md). */
export function deploymentRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/projects/:name/deployments', requireRole('viewer'), async (c) => {
    const project = await ctx.store.getProject(c.req.param('name'));
    if (!project) throw notFound(`project ${JSON.stringify(c.req.param('name'))}`);
    const deployments = await listDeployments(ctx, { projectId: project.id, environment: c.req.query('environment'), service: c.req.query('service') });
    return c.json({ deployments });
  });

  return app;
}
