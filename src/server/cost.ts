import type { JobMinutes } from '../store/types.js';

export interface CostRow {
  project: string;
  workflow: string;
  /** `Workflow / job`, the project first when the report covers several. */
  job: string;
  /** Average real duration of a run of the job. */
  averageSeconds: number;
  /** Average billable minutes per run of the job. */
  durationMinutes: number;
  runs: number;
  runsPerDay: number;
  monthlyMinutes: number;
  cost: number;
}

export interface CostReport {
  month: string;
  rate: number;
  freeMinutes: number;
  rows: CostRow[];
  totalMinutes: number;
  billableMinutes: number;
  cost: number;
}

export function monthRange(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number);
  return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)];
}

/**
 * The spec's cost table from recorded jobs. Minutes are billed as GitHub bills them: each job rounded
 * up to a whole minute; the free allowance comes off the month's total before the rate applies.
 */
export function costReport(jobs: JobMinutes[], month: string, rate: number, freeMinutes: number, now = Date.now()): CostReport {
  const [from, to] = monthRange(month);
  const days = Math.max(1, Math.ceil((Math.min(to, Math.max(now, from + 1)) - from) / 86_400_000));
  const byJob = new Map<string, JobMinutes[]>();
  for (const j of jobs) {
    const id = JSON.stringify([j.project, j.workflowName, j.key]);
    byJob.set(id, [...(byJob.get(id) ?? []), j]);
  }
  // Same-named workflows of different projects are different rows, and say whose they are.
  const several = new Set(jobs.map((j) => j.project)).size > 1;
  const rows = [...byJob.values()].map((list): CostRow => {
    const { project, workflowName, key } = list[0];
    const minutes = list.reduce((s, j) => s + j.billableMinutes, 0);
    return {
      project,
      workflow: workflowName,
      job: `${several ? `${project}: ` : ''}${workflowName} / ${key}`,
      averageSeconds: Math.round(list.reduce((s, j) => s + (j.finishedAt - j.startedAt), 0) / list.length / 100) / 10,
      durationMinutes: Math.round((minutes / list.length) * 10) / 10,
      runs: list.length,
      runsPerDay: Math.round((list.length / days) * 10) / 10,
      monthlyMinutes: minutes,
      cost: Math.round(minutes * rate * 100) / 100,
    };
  }).sort((a, b) => b.monthlyMinutes - a.monthlyMinutes || a.job.localeCompare(b.job));
  const totalMinutes = rows.reduce((s, r) => s + r.monthlyMinutes, 0);
  const billableMinutes = Math.max(0, totalMinutes - freeMinutes);
  return { month, rate, freeMinutes, rows, totalMinutes, billableMinutes, cost: Math.round(billableMinutes * rate * 100) / 100 };
}
