import { labelsMatch } from '../store/queue.js';
import type { Store } from '../store/store.js';
import type { Job, Run } from '../store/types.js';

/**
 * Why a job has not started, in words: the run waits for its concurrency group, the job for its needs,
 * an approval or its own group, or, once queued, no live runner has its labels (or may take the project's
 * jobs) or all of them are busy.
 */
export async function whyWaiting(store: Store, run: Run, jobs: Job[], runnerFreshMs: number): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const runners = await store.listRunners(Date.now() - runnerFreshMs);
  const project = (await store.getProjectById(run.projectId))?.name ?? '';
  const active = jobs.some((j) => j.status === 'queued') ? await store.activeJobsPerRunner() : new Map<number, number>();
  for (const j of jobs) {
    if (j.status === 'pending') {
      const waitingFor = j.needs.filter((n) => jobs.some((d) => d.jobId === n && d.status !== 'completed'));
      if (run.status === 'waiting') out.set(j.id, run.reason ?? 'waiting for the run\'s concurrency group');
      else if (j.reason) out.set(j.id, j.reason);
      else if (waitingFor.length) out.set(j.id, `waiting for needed jobs: ${waitingFor.join(', ')}`);
    } else if (j.status === 'waiting') {
      out.set(j.id, j.reason ?? 'waiting for its environment\'s protection rules');
    } else if (j.status === 'queued') {
      const labelled = runners.filter((r) => labelsMatch(j.runsOn, r.labels));
      const able = labelled.filter((r) => !r.projects || r.projects.includes(project));
      if (!labelled.length) out.set(j.id, `no runner with labels [${j.runsOn.join(', ')}] is connected`);
      else if (!able.length) out.set(j.id, `no connected runner with labels [${j.runsOn.join(', ')}] may take jobs of ${project}: their tokens are limited to other projects`);
      else if (able.every((r) => (active.get(r.id) ?? 0) >= r.capacity)) out.set(j.id, `all ${able.length} runner(s) with labels [${j.runsOn.join(', ')}] are at capacity`);
      else out.set(j.id, j.reason ?? 'waiting for a runner to claim it');
    }
  }
  return out;
}
