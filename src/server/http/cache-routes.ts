import { Hono } from 'hono';
import { deleteCaches } from '../caches.js';
import type { ServerContext } from '../context.js';
import { requireRole, type Env } from './auth.js';
import { notFound, str } from './body.js';

/** A project's shared cache entries: listed for viewers, deleted by key for developers (docs/api.md). */
export function cacheRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();

  async function projectOf(name: string) {
    const project = await ctx.store.getProject(name);
    if (!project) throw notFound(`project ${JSON.stringify(name)}`);
    return project;
  }

  app.get('/projects/:name/caches', requireRole('viewer'), async (c) => {
    const rows = await ctx.store.listCacheEntries((await projectOf(c.req.param('name'))).id);
    return c.json({ caches: rows.map(({ key, scope, version, size, createdAt, lastUsedAt }) => ({ key, scope, version, size, createdAt, lastUsedAt })) });
  });

  app.delete('/projects/:name/caches', requireRole('developer'), async (c) => {
    const project = await projectOf(c.req.param('name'));
    const deleted = await deleteCaches(ctx, project.id, str(c.req.query('key'), 'key'), c.req.query('ref'));
    if (!deleted) throw notFound(`a cache with key ${JSON.stringify(c.req.query('key'))}${c.req.query('ref') ? ` in ${c.req.query('ref')}` : ''}`);
    return c.json({ deleted });
  });

  return app;
}
