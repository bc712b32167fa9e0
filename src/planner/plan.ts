/**
 * The job graph of a workflow: which jobs run (all, or one with everything it needs), their
 * `needs`, and the stage each belongs to for display (a job starts as soon as its own needs are
 * done; stages are only a picture of the graph's depth).
 */
import { NexusError } from '../errors.js';
import type { JobDef, WorkflowDef } from '../workflow/model.js';

export interface PlannedJob {
  id: string;
  job: JobDef;
  needs: string[];
  /** 0 for jobs without needs, else one more than the deepest need. */
  stage: number;
  /** For a reusable-workflow job, the called workflow's plan once loaded (for listing as `caller / called`). */
  called?: Plan;
}

export interface Plan {
  workflow: WorkflowDef;
  jobs: PlannedJob[];
  stages: PlannedJob[][];
}

/** Plans the workflow; with `only`, that job and (transitively) the jobs it needs. */
export function planWorkflow(workflow: WorkflowDef, only?: string): Plan {
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  let selected: Set<string>;
  if (only !== undefined) {
    if (!byId.has(only)) {
      throw new NexusError('UNKNOWN_JOB', `job '${only}' is not in ${workflow.file} (jobs: ${[...byId.keys()].join(', ')})`, { exitCode: 2 });
    }
    selected = new Set();
    const visit = (id: string) => {
      if (selected.has(id)) return;
      selected.add(id);
      for (const n of byId.get(id)!.needs) visit(n);
    };
    visit(only);
  } else selected = new Set(byId.keys());

  const stageOf = new Map<string, number>();
  const stage = (id: string): number => {
    const known = stageOf.get(id);
    if (known !== undefined) return known;
    // The parser has already rejected cycles and unknown needs.
    const s = Math.max(-1, ...byId.get(id)!.needs.map(stage)) + 1;
    stageOf.set(id, s);
    return s;
  };
  const jobs = workflow.jobs.filter((j) => selected.has(j.id)).map((job) => ({ id: job.id, job, needs: job.needs, stage: stage(job.id) }));
  const stages: PlannedJob[][] = [];
  for (const j of jobs) (stages[j.stage] ??= []).push(j);
  return { workflow, jobs, stages: stages.filter(Boolean) };
}
