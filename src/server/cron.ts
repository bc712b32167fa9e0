import { parseCron } from '../workflow/cron.js';
import type { Store } from '../store/store.js';
import type { Project } from '../store/types.js';
import type { Repos } from './git/repos.js';
import type { Pipeline } from './pipeline.js';
import type { Scheduler } from './scheduler.js';

export const nextTick = (cron: string, after: number): number => parseCron(cron, new Date(after)).next().getTime();

/** Re-reads `on.schedule` from the default branch's head (after a push to it, and at start). */
export async function syncSchedules(store: Store, repos: Repos, pipeline: Pipeline, project: Project, now = Date.now()): Promise<void> {
  const head = await repos.headOf(project.name, project.defaultBranch);
  const files = head ? await repos.workflows(project.name, head) : [];
  const entries = (await pipeline.schedules(files)).flatMap((s) => s.crons.map((cron) => ({ workflowPath: s.path, cron, nextAt: nextTick(cron, now) })));
  await store.replaceSchedules(project.id, entries);
}

/**
 * Fires the schedules that are due, in UTC, on the default branch. Each tick is taken by one replica
 * (a conditional update). A tick missed by more than `graceMs` (the server was down) is skipped, not
 * replayed: after downtime the schedule simply resumes at its next tick.
 */
export async function fireDueSchedules(store: Store, repos: Repos, scheduler: Scheduler, now: number, graceMs: number): Promise<number> {
  let fired = 0;
  for (const due of await store.dueSchedules(now)) {
    if (!(await store.advanceSchedule(due, due.nextAt, nextTick(due.cron, now)))) continue;
    if (now - due.nextAt > graceMs) continue;
    const project = await store.getProjectById(due.projectId);
    const head = project && (await repos.headOf(project.name, project.defaultBranch));
    if (!project || !head) continue;
    const ref = `refs/heads/${project.defaultBranch}`;
    await scheduler.trigger(project, { name: 'schedule', payload: { schedule: due.cron }, ref, sha: head, cron: due.cron }, 'nexus-scheduler', { onlyPath: due.workflowPath });
    fired++;
  }
  return fired;
}
