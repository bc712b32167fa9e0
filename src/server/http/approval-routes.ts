import { Hono } from 'hono';
import { mayReview } from '../../environments/protection.js';
import { NexusError } from '../../errors.js';
import type { Approval, Job, Run } from '../../store/types.js';
import { environmentAt, type EnvironmentRules } from '../approval-gate.js';
import type { ServerContext } from '../context.js';
import { allows, check, requireRole, type Env } from './auth.js';
import { int, jsonBody, notFound } from './body.js';
import { describeRules } from './ui-routes.js';

const decisions = ['approved', 'rejected'] as const;

/**
 * Pending deployments to protected environments and their reviews (docs/api.md). The rules are the run's
 * commit's `.nexus/environments.yml`; whether the asking token may review is protection.ts's `mayReview`.
 */
export function approvalRoutes(ctx: ServerContext): Hono<Env> {
  const app = new Hono<Env>();
  const { store } = ctx;

  async function contextOf(a: Approval): Promise<{ job: Job; run: Run; rules: EnvironmentRules }> {
    const job = (await store.getJob(a.jobId))!;
    const run = (await store.getRun(job.runId))!;
    const project = (await store.getProjectById(run.projectId))!;
    return { job, run, rules: await environmentAt(ctx.repos, project, run.sha, a.environment) };
  }

  app.get('/projects/:name/approvals', requireRole('viewer'), async (c) => {
    const who = check(c, 'viewer');
    const project = await store.getProject(c.req.param('name'));
    if (!project) throw notFound(`project ${JSON.stringify(c.req.param('name'))}`);
    const out = [];
    for (const a of await store.listApprovals({ projectId: project.id, status: ['pending'] })) {
      const { job, run, rules } = await contextOf(a);
      // Only what a review can still decide: the job waits and its environment names reviewers.
      if (job.status !== 'waiting' || !rules.env.protection.reviewers.length) continue;
      const verdict = allows(who, 'developer') ? mayReview(rules.env, rules.teams, who.name, run.actor) : { allowed: false, reason: `reviewing needs the developer role; this token has ${who.role}` };
      out.push({
        id: a.id, runId: run.id, jobId: job.id, jobKey: job.key, environment: a.environment, ref: run.ref, sha: run.sha,
        requestedBy: run.actor, requestedAt: a.createdAt,
        rules: describeRules(rules.env, { environments: new Map(), teams: rules.teams, protectedBranches: rules.protectedBranches }),
        reviewers: rules.env.protection.reviewers.map((r) => (r.kind === 'team' ? `team ${r.name}` : r.name)),
        canApprove: verdict.allowed, ...(verdict.allowed ? {} : { why: verdict.reason }),
      });
    }
    return c.json({ approvals: out });
  });

  app.post('/approvals/:id', requireRole('developer'), async (c) => {
    const who = check(c, 'developer');
    const b = await jsonBody(c);
    const decision = b.decision as (typeof decisions)[number];
    if (!decisions.includes(decision)) throw new NexusError('USAGE', `decision must be one of ${decisions.join(', ')}`);
    if (b.comment !== undefined && typeof b.comment !== 'string') throw new NexusError('USAGE', 'comment must be a string');
    const approval = await store.getApproval(int(c.req.param('id'), 'approval id'));
    if (!approval) throw notFound(`approval ${c.req.param('id')}`);
    const { job, run, rules } = await contextOf(approval);
    if (approval.status !== 'pending' || job.status !== 'waiting') throw new NexusError('CONFLICT', `approval ${approval.id} is no longer pending (${approval.status}; the job is ${job.status})`);
    const verdict = mayReview(rules.env, rules.teams, who.name, run.actor);
    if (!verdict.allowed) throw new NexusError('FORBIDDEN', verdict.reason);
    const comment = typeof b.comment === 'string' && b.comment.trim() ? b.comment.trim() : null;
    if (!(await store.decideApproval(approval.id, { status: decision, reviewer: who.name, comment }))) throw new NexusError('CONFLICT', `approval ${approval.id} was decided meanwhile`);
    await ctx.scheduler.advance(run.id);
    return c.json({ approval: await store.getApproval(approval.id), job: await store.getJob(job.id).then((j) => j && { id: j.id, status: j.status, conclusion: j.conclusion, reason: j.reason }) });
  });

  return app;
}
