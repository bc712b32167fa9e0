/**
 * Per-step overhead: one job of N `run: "true"` steps, in-process, against the floor measured in the
 * same run: a bash loop that writes each step's script to a file and runs it with `bash -e FILE`.
 * Target: at most 1.5x the floor. Alternates engine and floor rounds; reports medians.
 *   node --import ./dist/src/compat/register.js dist/bench/engine-steps.js [--steps 500] [--rounds 3]
 */
import { parseArgs } from 'node:util';
import { median, round, runInProcess, timeBash } from './engine-harness.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '500' }, rounds: { type: 'string', default: '3' } } });
const steps = Number(values.steps);
const rounds = Number(values.rounds);
const yaml = `on: push\njobs:\n  steps:\n    runs-on: ubuntu-latest\n    steps:\n${'      - run: "true"\n'.repeat(steps)}`;
const floorScript = `for i in $(seq ${steps}); do printf 'true\\n' > "step-$i.sh"; bash -e "step-$i.sh"; done`;

await runInProcess(yaml.replace(/(- run: "true"\n){2,}/, '- run: "true"\n'), 1); // warm-up: schema, modules
const engine: number[] = [];
const floor: number[] = [];
for (let r = 0; r < rounds; r++) {
  floor.push(timeBash(floorScript));
  engine.push((await runInProcess(yaml, 1)).ms);
}
const e = median(engine);
const f = median(floor);
console.log(JSON.stringify({
  benchmark: 'per-step overhead', steps, rounds,
  floorMs: round(f), engineMs: round(e),
  floorPerStepMs: round(f / steps, 3), enginePerStepMs: round(e / steps, 3),
  ratio: round(e / f), target: 1.5, pass: e / f <= 1.5,
}));
