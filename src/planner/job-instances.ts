/**
 * Turns a ready job into its instances: evaluates `strategy` (it may use `needs` outputs, as in
 * `fromJSON(needs.x.outputs.m)`), expands the matrix, and names each instance as GitHub does.
 */
import { TokenType } from '@actions/workflow-parser/templates/tokens/types';
import type { ExpressionScope } from '../workflow/expressions.js';
import type { JobDef } from '../workflow/model.js';
import { NexusError } from '../errors.js';
import { evaluateString, evaluateToken, positionOf, where, type MappingToken } from '../workflow/template.js';
import { expandStrategy, matrixSuffix, type MatrixCombination } from './matrix.js';

export interface JobInstanceSpec {
  key: string;
  name: string;
  matrix: MatrixCombination | null;
  strategy: { 'fail-fast': boolean; 'job-index': number; 'job-total': number; 'max-parallel': number };
}

export interface ExpandedJob {
  instances: JobInstanceSpec[];
  failFast: boolean;
  maxParallel: number;
}

export function expandJob(job: JobDef, scope: ExpressionScope): ExpandedJob {
  const strategy = atStrategy(job, () => expandStrategy(job.id, job.strategy ? evaluateToken(job.strategy, scope) : undefined));
  const combos = strategy.combinations ?? [null];
  const total = combos.length;
  const instances = combos.map((matrix, index) => {
    const name = instanceName(job, matrix, scope);
    return {
      key: matrix ? `${job.id} (${matrixSuffix(matrix)})` : job.id,
      name,
      matrix,
      strategy: { 'fail-fast': strategy.failFast, 'job-index': index, 'job-total': total, 'max-parallel': Number.isFinite(strategy.maxParallel) ? strategy.maxParallel : total },
    };
  });
  return { instances, failFast: strategy.failFast, maxParallel: strategy.maxParallel };
}

/** A strategy problem (257 jobs, a bad vector) is reported at the job's `matrix` (or `strategy`). */
function atStrategy<T>(job: JobDef, expand: () => T): T {
  try {
    return expand();
  } catch (e) {
    if (!(e instanceof NexusError) || !job.strategy || e.diagnostics.length > 0) throw e;
    const matrix = job.strategy.templateTokenType === TokenType.Mapping ? (job.strategy as MappingToken).find('matrix') : undefined;
    const token = matrix ?? job.strategy;
    const { file, line, col } = positionOf(token);
    const diagnostics = file ? [{ file, line, col, code: e.code, message: e.message }] : [];
    throw new NexusError(e.code, `${where(token)}: ${e.message}`, { diagnostics, exitCode: e.exitCode });
  }
}

/**
 * `name (v1, v2)` for matrix instances; a name that itself uses an expression (typically the
 * matrix) is shown as evaluated, without the suffix.
 */
export function instanceName(job: JobDef, matrix: MatrixCombination | null, scope: ExpressionScope): string {
  const nameToken = job.name;
  const base = nameToken ? evaluateString(nameToken, scope.with({ matrix: matrix ?? {} })) : job.id;
  const usesExpression = nameToken !== undefined && nameToken.templateTokenType === TokenType.BasicExpression;
  return matrix && !usesExpression ? `${base} (${matrixSuffix(matrix)})` : base;
}

/** Whether a job's strategy can be expanded before the run (it does not read `needs`). */
export function isStaticStrategy(job: JobDef): boolean {
  if (!job.strategy) return true;
  return !JSON.stringify((job.strategy as MappingToken).toJSON()).includes('needs.');
}
