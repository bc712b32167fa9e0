/** Shared by the engine benchmarks: a workflow run in-process (no CLI start-up), and timing helpers. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Masker } from '../src/engine/masker.js';
import { runWorkflow } from '../src/engine/run.js';
import { copyRepository } from '../src/engine/workspace.js';
import type { RunReport } from '../src/engine/results.js';
import { planWorkflow } from '../src/planner/plan.js';
import { requireWorkflow } from '../src/workflow/load.js';

/**
 * Runs `yaml` on this host; returns the report and the wall time. Workspaces stay empty unless
 * `copyWorkspace`: then each gets a copy of a one-file git repository, as `nexus run` does.
 */
export async function runInProcess(yaml: string, maxParallelJobs: number, options: { copyWorkspace?: boolean } = {}): Promise<{ report: RunReport; ms: number }> {
  const root = mkdtempSync(join(tmpdir(), 'nexus-bench-engine-'));
  try {
    const repo = join(root, 'repo');
    if (options.copyWorkspace) {
      mkdirSync(repo);
      writeFileSync(join(repo, 'README.md'), 'bench\n');
      execFileSync('git', ['init', '-q'], { cwd: repo });
    }
    const plan = planWorkflow(await requireWorkflow('bench.yml', yaml));
    const started = performance.now();
    const report = await runWorkflow({
      plan,
      run: {
        runId: '1', runNumber: 1, runAttempt: 1, workflowName: 'bench', workflowFile: 'bench.yml', eventName: 'push', event: {},
        eventPath: join(root, 'event.json'), sha: '0'.repeat(40), ref: 'refs/heads/main', repository: 'bench/bench', actor: 'bench', serverUrl: 'http://127.0.0.1',
      },
      secrets: {}, vars: {}, inputs: {},
      maxParallelJobs,
      workRoot: join(root, 'work'),
      toolCache: join(root, 'tool-cache'),
      dataDir: root,
      populateWorkspace: options.copyWorkspace ? (ws) => copyRepository({ root: repo, mode: 'worktree' }, ws) : async () => {},
      masker: new Masker(),
      hostEnv: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    });
    const ms = performance.now() - started;
    if (report.conclusion !== 'success') throw new Error(`the benchmark workflow did not succeed: ${JSON.stringify(report.jobs.map((j) => [j.key, j.conclusion, j.reason]))}`);
    return { report, ms };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Runs a bash script and returns its wall time in ms. */
export function timeBash(script: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-floor-'));
  try {
    const started = performance.now();
    execFileSync('bash', ['-c', script], { cwd: dir, stdio: 'ignore' });
    return performance.now() - started;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round = (n: number, digits = 2) => Number(n.toFixed(digits));
