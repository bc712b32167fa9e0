import { Hono } from 'hono';
import type { ServerContext } from './context.js';
import { apiRoutes } from './http/api-routes.js';
import { approvalRoutes } from './http/approval-routes.js';
import { artifactRoutes } from './http/artifact-routes.js';
import { authenticate, type Env } from './http/auth.js';
import { cacheRoutes } from './http/cache-routes.js';
import { deploymentRoutes } from './http/deployment-routes.js';
import { errorResponse } from './http/errors.js';
import { logRoutes } from './http/log-routes.js';
import { runnerRoutes } from './http/runner-routes.js';
import { uiRoutes } from './http/ui-routes.js';
import { webAssets } from './http/web-assets.js';
import { webhookRoutes } from './http/webhook-routes.js';

/** The HTTP API (git smart HTTP is served beside it, in server.ts, because it streams through a CGI). */
export function createApp(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();
  app.use('*', authenticate(ctx.identify));
  app.route('/api/runner/v1', runnerRoutes(ctx));
  app.route('/api', logRoutes(ctx));
  app.route('/api', apiRoutes(ctx));
  app.route('/webhooks', webhookRoutes(ctx));
  app.route('/api', uiRoutes(ctx));
  app.route('/api', approvalRoutes(ctx));
  app.route('/api', artifactRoutes(ctx));
  app.route('/api', deploymentRoutes(ctx));
  app.route('/api', cacheRoutes(ctx));
  app.use('*', webAssets());
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((e, c) => errorResponse(e, c, ctx.log));
  return app;
}
