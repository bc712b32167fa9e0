/** What a run, a job and a step end as: the shapes of the JSON report and of runner results. */
export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface StepResult {
  index: number;
  id: string;
  name: string;
  /** Set for an action's `pre` and `post` steps (named `Pre …` / `Post …`, as GitHub lists them). */
  phase?: 'pre' | 'post';
  outcome: Conclusion;
  conclusion: Conclusion;
  outputs: Record<string, string>;
  durationMs: number;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

export interface JobResult {
  /** Unique within the run: the job id, with the matrix values for matrix jobs (`unit-tests (frontend)`). */
  key: string;
  id: string;
  name: string;
  matrix: Record<string, unknown> | null;
  conclusion: Conclusion;
  outputs: Record<string, string>;
  durationMs: number;
  steps: StepResult[];
  annotations: Annotation[];
  /** The step summaries of the job, masked, in step order. */
  summary: string;
  /** Why the job ended as it did when no step explains it (skipped, timed out, no container engine). */
  reason?: string;
  /** The job's `environment`, its url evaluated after the steps. */
  environment?: { name: string; url?: string };
}

export interface RunReport {
  conclusion: Conclusion;
  workflow: string;
  event: string;
  runId: string;
  runNumber: number;
  durationMs: number;
  jobs: JobResult[];
}

/** Aggregates several results the way GitHub reports `needs.<job>.result` for a matrix. */
export function aggregateConclusion(conclusions: Conclusion[]): Conclusion {
  if (conclusions.includes('failure')) return 'failure';
  if (conclusions.includes('cancelled')) return 'cancelled';
  if (conclusions.length > 0 && conclusions.every((c) => c === 'skipped')) return 'skipped';
  return 'success';
}
