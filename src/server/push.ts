import type { Project, Run } from '../store/types.js';
import type { RefUpdateRecord } from '../store/store.js';
import type { ServerContext } from './context.js';
import { syncSchedules } from './cron.js';
import { pushPayload, repositoryPayload } from './git/push-event.js';
import type { JournalledPush } from './git/push-journal.js';
import { ZERO_SHA } from './git/repos.js';

/**
 * How long one replica may take over a ref update before another may process it instead (a replica that
 * died mid-way). Processing twice is harmless (runs are keyed by the update), so this can be short.
 */
const PROCESS_LEASE_MS = 10_000;
/** A journal this old whose push is not in the store was left by a server that died mid-push. */
const ORPHAN_JOURNAL_MS = 10_000;

/** Records a finished push's ref updates in the store (from git's journal), then fires their events. */
export async function acceptPush(ctx: ServerContext, journalId: string): Promise<Run[]> {
  const runs: Run[] = [];
  for (const push of ctx.repos.journal.read({ id: journalId })) {
    for (const id of await importPush(ctx, push)) runs.push(...(await processRefUpdate(ctx, id)));
  }
  return runs;
}

async function importPush(ctx: ServerContext, push: JournalledPush): Promise<number[]> {
  const project = await ctx.store.getProject(push.project);
  const ids = project
    ? await ctx.store.recordRefUpdates(push.updates.map((u) => ({
        projectId: project.id, source: `${push.id}:${u.ref}`, ref: u.ref, before: u.before, after: u.after,
        refsBefore: Object.fromEntries(push.refsBefore), pusher: push.pusher,
      })))
    : [];
  ctx.repos.journal.remove(push);
  return ids;
}

/**
 * What a server that died (or a replica that did) left: journals of pushes git accepted but the store
 * never got, and ref updates recorded but not processed. Safe on every replica at once.
 */
export async function recoverPushes(ctx: ServerContext): Promise<void> {
  for (const push of ctx.repos.journal.read({ olderThanMs: ORPHAN_JOURNAL_MS })) await importPush(ctx, push);
  for (const id of await ctx.store.pendingRefUpdates()) await processRefUpdate(ctx, id);
}

/** Fires a recorded ref update's events once: whoever takes it processes it, and its runs are keyed by it. */
async function processRefUpdate(ctx: ServerContext, id: number): Promise<Run[]> {
  const update = await ctx.store.takeRefUpdate(id, PROCESS_LEASE_MS);
  if (!update) return [];
  const project = (await ctx.store.getProjectById(update.projectId))!;
  const runs = await fireRefUpdate(ctx, project, update);
  await ctx.store.finishRefUpdate(id);
  return runs;
}

/**
 * GitHub's events for one ref update: `create` for a new branch or tag, then `push` (none for a deletion:
 * there is no commit to run), or `delete` for a deleted branch or tag, which runs on the default branch.
 * A push to the default branch refreshes the cron schedules.
 */
async function fireRefUpdate(ctx: ServerContext, project: Project, u: RefUpdateRecord): Promise<Run[]> {
  const runs: Run[] = [];
  const refType = u.ref.startsWith('refs/heads/') ? 'branch' : u.ref.startsWith('refs/tags/') ? 'tag' : undefined;
  const short = u.ref.replace(/^refs\/(heads|tags)\//, '');
  const repository = repositoryPayload(project.name, project.defaultBranch, ctx.url());
  const sender = { login: u.pusher };
  const key = (event: string) => `ref-update:${u.id}:${event}`;
  if (u.after === ZERO_SHA) {
    const head = await ctx.repos.headOf(project.name, project.defaultBranch);
    if (!refType || !head) return runs;
    const payload = { ref: short, ref_type: refType, pusher_type: 'user', repository, sender };
    runs.push(...(await ctx.scheduler.trigger(project, { name: 'delete', payload, ref: `refs/heads/${project.defaultBranch}`, sha: head }, u.pusher, { triggerKey: key('delete') })));
    return runs;
  }
  const { payload, changedFiles } = await pushPayload(ctx.repos, project.name, u, new Map(Object.entries(u.refsBefore)), {
    defaultBranch: project.defaultBranch, serverUrl: ctx.url(), pusher: u.pusher,
  });
  const sha = (payload.head_commit as { id: string }).id;
  if (u.before === ZERO_SHA && refType) {
    const created = { ref: short, ref_type: refType, master_branch: project.defaultBranch, description: null, pusher_type: 'user', repository, sender };
    runs.push(...(await ctx.scheduler.trigger(project, { name: 'create', payload: created, ref: u.ref, sha }, u.pusher, { triggerKey: key('create') })));
  }
  runs.push(...(await ctx.scheduler.trigger(project, { name: 'push', payload, ref: u.ref, sha, changedFiles }, u.pusher, { triggerKey: key('push') })));
  if (u.ref === `refs/heads/${project.defaultBranch}`) await syncSchedules(ctx.store, ctx.repos, ctx.pipeline, project);
  return runs;
}
