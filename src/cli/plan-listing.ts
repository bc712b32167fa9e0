/** `nexus run -l`: the plan of a workflow, stage by stage, with matrix instances named as GitHub does. */
import { NexusError } from '../errors.js';
import { expandJob, isStaticStrategy } from '../planner/job-instances.js';
import type { Plan } from '../planner/plan.js';
import { ExpressionScope, NEUTRAL_HOST, type Contexts } from '../workflow/expressions.js';
import type { CliIO } from './command.js';

export interface ListedJob {
  stage: number;
  id: string;
  key: string;
  name: string;
}

/** The instances of each job that can be known before the run; a matrix built from `needs` is one row. */
export function listPlan(plan: Plan, contexts: Contexts): ListedJob[] {
  const scope = new ExpressionScope(contexts, NEUTRAL_HOST);
  return plan.jobs.flatMap((p) => {
    if (p.job.uses && p.called) return listPlan(p.called, contexts).map((r) => ({ ...r, stage: p.stage + r.stage, key: `${p.id} / ${r.key}`, name: `${p.id} / ${r.name}` }));
    if (p.job.uses) return [{ stage: p.stage + 1, id: p.id, key: p.id, name: `${p.id} (calls ${p.job.uses})` }];
    if (!isStaticStrategy(p.job)) return [{ stage: p.stage + 1, id: p.id, key: `${p.id} (matrix from needs)`, name: p.id }];
    try {
      return expandJob(p.job, scope).instances.map((i) => ({ stage: p.stage + 1, id: p.id, key: i.key, name: i.name }));
    } catch (e) {
      if (!(e instanceof NexusError)) throw e;
      // A problem with a position is shown as a diagnostic (`path:line:col: message`).
      throw new NexusError(e.code, e.diagnostics.length > 0 ? '' : `${plan.workflow.file}: ${e.message}`, { diagnostics: e.diagnostics, exitCode: 2 });
    }
  });
}

export function printPlan(plan: Plan, io: CliIO, contexts: Contexts): void {
  const rows = listPlan(plan, contexts);
  const w = Math.max(3, ...rows.map((r) => r.key.length));
  io.stdout.write(`${plan.workflow.file}: ${plan.workflow.name}\n`);
  io.stdout.write(`${'Stage'.padEnd(6)} ${'Job'.padEnd(w)}  Name\n`);
  for (const r of rows) io.stdout.write(`${String(r.stage).padEnd(6)} ${r.key.padEnd(w)}  ${r.name}\n`);
  io.stdout.write(`${rows.length} jobs in ${plan.stages.length} stages\n`);
}
