import { Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { requireRole, type Env } from './auth.js';
import { notFound } from './body.js';

/** A project's shared cache entries (docs/api.md). */
export function cacheRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/projects/:name/caches', requireRole('viewer'), async (c) => {
    const project = await ctx.store.getProject(c.req.param('name'));
    if (!project) throw notFound(`project ${JSON.stringify(c.req.param('name'))}`);
    const rows = await ctx.store.listCacheEntries(project.id);
    return c.json({ caches: rows.map(({ key, scope, version, size, createdAt, lastUsedAt }) => ({ key, scope, version, size, createdAt, lastUsedAt })) });
  });

  return app;
}
