/** Runs a workflow of a test through the real CLI in a fresh git repository and reads the JSON report back. */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport, JobResult, StepResult } from '../../src/engine/results.js';
import { gitRepo, runNexus, tempDir, writeTree, type CliResult } from '../helpers/cli.js';

export interface WorkflowRun extends CliResult {
  dir: string;
  report: RunReport;
  /** The raw text of the JSON report, for "never appears" checks. */
  reportText: string;
  job(key: string): JobResult;
  step(jobKey: string, id: string): StepResult;
}

export interface RunSpec {
  workflow: string;
  args?: string[];
  files?: Record<string, string>;
  /** Written after the commit: present in the working tree, unknown to git. */
  untracked?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Looks at the repository (and its .nexus data folder) before it is removed. */
  inspect?: (dir: string) => void;
}

/** Writes `workflow` as .github/workflows/test.yml, commits, runs `nexus run --json`, cleans up. */
export async function runWorkflow(spec: RunSpec): Promise<WorkflowRun> {
  const { dir, cleanup } = tempDir('nexus-engine-');
  try {
    gitRepo(dir, { '.github/workflows/test.yml': spec.workflow, ...spec.files });
    writeTree(dir, spec.untracked ?? {});
    const reportPath = join(dir, 'report.json');
    const result = await runNexus(['run', ...(spec.args ?? []), '--json', reportPath], { cwd: dir, env: spec.env, timeoutMs: spec.timeoutMs });
    const reportText = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : '';
    spec.inspect?.(dir);
    return withReport(dir, result, reportText);
  } finally {
    cleanup();
  }
}

export function withReport(dir: string, result: CliResult, reportText: string): WorkflowRun {
  const report = (reportText ? JSON.parse(reportText) : { jobs: [] }) as RunReport;
  const job = (key: string): JobResult => {
    const found = report.jobs.find((j) => j.key === key);
    if (!found) throw new Error(`no job '${key}' in the report (jobs: ${report.jobs.map((j) => j.key).join(', ')})\n${result.stdout}\n${result.stderr}`);
    return found;
  };
  // The main step: an action's pre and post steps carry the same id.
  const step = (jobKey: string, id: string): StepResult => {
    const found = job(jobKey).steps.find((s) => s.id === id && !s.phase);
    if (!found) throw new Error(`no step '${id}' in job '${jobKey}'`);
    return found;
  };
  return { ...result, dir, report, reportText, job, step };
}

/** Step id → conclusion, for compact assertions. */
export function conclusions(job: JobResult): Record<string, string> {
  return Object.fromEntries(job.steps.map((s) => [s.id, s.conclusion]));
}
