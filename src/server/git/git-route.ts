import type { IncomingMessage, ServerResponse } from 'node:http';
import { jobGitUser, jobOfGitPassword } from '../assignment.js';
import type { ServerContext } from '../context.js';
import { allows } from '../http/auth.js';
import { acceptPush } from '../push.js';
import { serveGit } from './http-backend.js';

function deny(res: ServerResponse, status: number, message: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="nexus"');
  res.writeHead(status, { 'content-type': 'text/plain' }).end(`${message}\n`);
}

/**
 * Git smart HTTP at /git/NAME.git. Basic auth: any user name with an API token as password (viewer
 * fetches, developer pushes), or a job's checkout credential (fetch only, of its own project's
 * repository, while its lease lasts). A push is journalled by git itself as it updates the refs; its
 * updates go to the store and fire their events once git has answered.
 */
export async function handleGit(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const m = /^\/git\/([^/]+)\.git(\/.*)$/.exec(url.pathname);
  if (!m) return deny(res, 404, 'not a repository path: use /git/NAME.git');
  const [, name, rest] = m;
  const push = url.searchParams.get('service') === 'git-receive-pack' || rest === '/git-receive-pack';
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!basic) return deny(res, 401, 'authentication required: use an API token as the password');
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const user = decoded.slice(0, decoded.indexOf(':'));
  const password = decoded.slice(decoded.indexOf(':') + 1);
  const project = await ctx.store.getProject(name);
  let who: string;
  if (user === jobGitUser) {
    const job = project && (await jobOfGitPassword(ctx.store, name, password));
    if (!job || job.projectId !== project.id || push) return deny(res, 403, 'this job credential is not valid for that');
    who = `job-${job.id}`;
  } else {
    const identity = await ctx.identify(password);
    if (!identity) return deny(res, 401, 'invalid token');
    if (!allows(identity, push ? 'developer' : 'viewer')) return deny(res, 403, `the ${identity.role} role cannot ${push ? 'push' : 'fetch'}`);
    who = identity.name;
  }
  if (!project || !ctx.repos.exists(name)) return deny(res, 404, `no project ${name}`);
  const opts = { projectRoot: ctx.repos.root, pathInfo: `/${name}.git${rest}`, query: url.search.slice(1), user: who };
  if (!(push && req.method === 'POST')) return serveGit(req, res, opts);
  const journal = ctx.repos.journal.forPush(name);
  await serveGit(req, res, { ...opts, env: journal.env });
  await acceptPush(ctx, journal.id).catch((e) => ctx.log(`push to ${name}: ${e instanceof Error ? e.message : String(e)}`));
}
