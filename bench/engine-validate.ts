/**
 * Validate and plan the spec's ci.yml in-process (parse, schema, needs, our checks, job graph,
 * matrix listing): median of 50 after the first call, which loads the schema. Target: 20 ms.
 *   node --import ./dist/src/compat/register.js dist/bench/engine-validate.js [--iterations 50]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listPlan } from '../src/cli/plan-listing.js';
import { planWorkflow } from '../src/planner/plan.js';
import { requireWorkflow } from '../src/workflow/load.js';
import { median, round } from './engine-harness.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '50' } } });
const iterations = Number(values.iterations);
const source = readFileSync(join(import.meta.dirname, '../../test/fixtures/spec/ci.yml'), 'utf8');

const once = async () => {
  const started = performance.now();
  const jobs = listPlan(planWorkflow(await requireWorkflow('ci.yml', source)), {});
  if (jobs.length !== 14) throw new Error(`ci.yml planned to ${jobs.length} jobs, expected 14`);
  return performance.now() - started;
};
const first = await once();
const samples: number[] = [];
for (let i = 0; i < iterations; i++) samples.push(await once());
const m = median(samples);
console.log(JSON.stringify({
  benchmark: 'validate+plan ci.yml', iterations, firstCallMs: round(first), medianMs: round(m),
  minMs: round(Math.min(...samples)), maxMs: round(Math.max(...samples)), target: 20, pass: m <= 20,
}));
