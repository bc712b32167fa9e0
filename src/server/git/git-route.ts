import type { IncomingMessage, ServerResponse } from 'node:http';
import { jobGitUser } from '../assignment.js';
import type { ServerContext } from '../context.js';
import { allows } from '../http/auth.js';
import { handlePush } from '../push.js';
import { serveGit } from './http-backend.js';
import { diffRefs } from './push-event.js';

/** Serialises pushes per repository so each push's ref diff is its own. */
const pushLocks = new Map<string, Promise<void>>();

function deny(res: ServerResponse, status: number, message: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="nexus"');
  res.writeHead(status, { 'content-type': 'text/plain' }).end(`${message}\n`);
}

/**
 * Git smart HTTP at /git/NAME.git. Basic auth: any user name with an API token as password (viewer
 * fetches, developer pushes), or a running job's checkout credential (fetch only, while its lease lasts).
 * A push fires `push` events once git has updated the refs.
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
  let who: string;
  if (user === jobGitUser) {
    const [jobId, attempt, lease] = password.split('.').map(Number);
    const job = await ctx.store.getJob(jobId);
    const run = job && (await ctx.store.getRun(job.runId));
    const project = run && (await ctx.store.getProjectById(run.projectId));
    const valid = job && project?.name === name && job.attempt === attempt && job.leaseToken === lease && (job.status === 'running' || job.status === 'assigned');
    if (!valid || push) return deny(res, 403, 'this job credential is not valid for that');
    who = `job-${jobId}`;
  } else {
    const identity = await ctx.store.verifyToken(password);
    if (!identity) return deny(res, 401, 'invalid token');
    if (!allows(identity, push ? 'developer' : 'viewer')) return deny(res, 403, `the ${identity.role} role cannot ${push ? 'push' : 'fetch'}`);
    who = identity.name;
  }
  const project = await ctx.store.getProject(name);
  if (!project || !ctx.repos.exists(name)) return deny(res, 404, `no project ${name}`);
  const opts = { projectRoot: ctx.repos.root, pathInfo: `/${name}.git${rest}`, query: url.search.slice(1), user: who };
  if (!(push && req.method === 'POST')) return serveGit(req, res, opts);

  const previous = pushLocks.get(name) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const chained = previous.then(() => mine);
  pushLocks.set(name, chained);
  await previous;
  try {
    const before = await ctx.repos.refs(name);
    await serveGit(req, res, opts);
    const updates = diffRefs(before, await ctx.repos.refs(name));
    if (updates.length) handlePush(ctx, project, updates, before, who).catch((e) => ctx.log(`push to ${name}: ${e instanceof Error ? e.message : String(e)}`));
  } finally {
    release();
    if (pushLocks.get(name) === chained) pushLocks.delete(name);
  }
}
