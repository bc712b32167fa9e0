/**
 * Scheduling overhead: a 256-job matrix of one trivial step each, against one job running the
 * same 256 steps (the cost of the steps themselves: spawn and runner protocol), in the same
 * process and run. Overhead per job = (matrix wall time - one-job wall time) / 256, with the
 * matrix run one job at a time so that CPU contention cannot hide or inflate it; the matrix is
 * also run with --jobs 2 (the setting) and its wall time and speed-up reported.
 * Target: at most 5 ms per job. Workspaces are left empty (the CLI also copies the repository
 * into each: add --copy to include that).
 *   node --import ./dist/src/compat/register.js dist/bench/engine-scheduling.js [--rounds 2] [--copy]
 */
import { parseArgs } from 'node:util';
import { median, round, runInProcess } from './engine-harness.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, copy: { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);
const JOBS = 256;
const vector = `[${Array.from({ length: 16 }, (_, i) => i).join(', ')}]`;
const matrixYaml = `on: push\njobs:\n  m:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        a: ${vector}\n        b: ${vector}\n    steps:\n      - run: "true"\n`;
const stepsYaml = `on: push\njobs:\n  one:\n    runs-on: ubuntu-latest\n    steps:\n${'      - run: "true"\n'.repeat(JOBS)}`;

await runInProcess(stepsYaml.replace(/(- run: "true"\n){2,}/, '- run: "true"\n'), 1); // warm-up
const sequential: number[] = [];
const parallel: number[] = [];
const steps: number[] = [];
const matrixRun = async (slots: number) => {
  const run = await runInProcess(matrixYaml, slots, { copyWorkspace: values.copy });
  if (run.report.jobs.length !== JOBS) throw new Error(`expected ${JOBS} jobs, got ${run.report.jobs.length}`);
  return run.ms;
};
for (let r = 0; r < rounds; r++) {
  steps.push((await runInProcess(stepsYaml, 1, { copyWorkspace: values.copy })).ms);
  sequential.push(await matrixRun(1));
  parallel.push(await matrixRun(2));
}
const s = median(steps);
const m1 = median(sequential);
const m2 = median(parallel);
const overhead = (m1 - s) / JOBS;
console.log(JSON.stringify({
  benchmark: 'scheduling overhead', jobs: JOBS, rounds, copyWorkspace: values.copy,
  oneJobOf256StepsMs: round(s), matrixJobs1Ms: round(m1), matrixJobs2Ms: round(m2), jobs2SpeedUp: round(m1 / m2),
  stepMs: round(s / JOBS), overheadMsPerJob: round(overhead), target: 5, pass: overhead <= 5,
}));
