import type { Project, Run } from '../store/types.js';
import type { ServerContext } from './context.js';
import { syncSchedules } from './cron.js';
import { pushPayload, type RefUpdate } from './git/push-event.js';

/**
 * One `push` event per updated ref, as GitHub sends them. A deleted branch or tag fires no workflow
 * (there is no commit to run); a push to the default branch refreshes the cron schedules.
 */
export async function handlePush(ctx: ServerContext, project: Project, updates: RefUpdate[], refsBefore: Map<string, string>, pusher: string): Promise<Run[]> {
  const runs: Run[] = [];
  for (const u of updates) {
    const { payload, changedFiles } = await pushPayload(ctx.repos, project.name, u, refsBefore, { defaultBranch: project.defaultBranch, serverUrl: ctx.url(), pusher });
    if (payload.deleted) continue;
    const sha = (payload.head_commit as { id: string }).id;
    runs.push(...(await ctx.scheduler.trigger(project, { name: 'push', payload, ref: u.ref, sha, changedFiles }, pusher)));
    if (u.ref === `refs/heads/${project.defaultBranch}`) await syncSchedules(ctx.store, ctx.repos, ctx.pipeline, project);
  }
  return runs;
}
