import { Hono } from 'hono';
import { Readable } from 'node:stream';
import { zippedArtifact } from '../artifacts.js';
import type { ServerContext } from '../context.js';
import { requireRole, type Env } from './auth.js';
import { int, notFound } from './body.js';

/** A run's artifacts: the list, and each one as a zip download (docs/api.md). */
export function artifactRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();
  const viewer = requireRole('viewer');

  async function runId(text: string): Promise<number> {
    const run = await ctx.store.getRun(int(text, 'run id'));
    if (!run) throw notFound(`run ${text}`);
    return run.id;
  }

  app.get('/runs/:id/artifacts', viewer, async (c) => {
    const artifacts = await ctx.store.listArtifacts(await runId(c.req.param('id')));
    return c.json({ artifacts: artifacts.map(({ path: _where, ...a }) => a) });
  });

  app.get('/runs/:id/artifacts/:name', viewer, async (c) => {
    const name = c.req.param('name');
    const zip = await zippedArtifact(ctx, await runId(c.req.param('id')), name);
    return c.body(Readable.toWeb(zip) as ReadableStream, 200, {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`${name}.zip`)}`,
    });
  });

  return app;
}
