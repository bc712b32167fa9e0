/**
 * Matrix expansion exactly as GitHub documents it: the cartesian product of the vectors, then
 * `exclude` (partial match), then `include` (extend every combination it does not overwrite,
 * otherwise append a new one), capped at 256 jobs.
 */
import { NexusError } from '../errors.js';

export const MAX_MATRIX_JOBS = 256;

export type MatrixCombination = Record<string, unknown>;

export interface Strategy {
  /** `null` when the job has no matrix: it runs once. */
  combinations: MatrixCombination[] | null;
  failFast: boolean;
  maxParallel: number;
}

/** Expands an evaluated `strategy` value for a job. */
export function expandStrategy(jobId: string, strategy: unknown): Strategy {
  if (strategy === undefined || strategy === null) return { combinations: null, failFast: true, maxParallel: Infinity };
  if (typeof strategy !== 'object' || Array.isArray(strategy)) throw matrixError(jobId, 'strategy must be a mapping');
  const s = strategy as Record<string, unknown>;
  const failFast = s['fail-fast'] === undefined ? true : toBoolean(jobId, 'fail-fast', s['fail-fast']);
  const maxParallel = s['max-parallel'] === undefined ? Infinity : toPositiveInt(jobId, s['max-parallel']);
  const combinations = s.matrix === undefined ? null : expandMatrix(jobId, s.matrix);
  return { combinations, failFast, maxParallel };
}

export function expandMatrix(jobId: string, matrix: unknown): MatrixCombination[] {
  if (typeof matrix !== 'object' || matrix === null || Array.isArray(matrix)) throw matrixError(jobId, `the matrix must be a mapping, got ${JSON.stringify(matrix)}`);
  const { include, exclude, ...vectors } = matrix as Record<string, unknown>;
  for (const [key, values] of Object.entries(vectors)) {
    if (!Array.isArray(values)) throw matrixError(jobId, `matrix vector '${key}' must be a sequence`);
    if (values.length === 0) throw matrixError(jobId, `matrix vector '${key}' does not contain any values`);
  }
  let combos = product(Object.entries(vectors) as [string, unknown[]][]);
  const excludes = listOfObjects(jobId, 'exclude', exclude);
  combos = combos.filter((c) => !excludes.some((e) => matches(c, e)));
  const originalKeys = new Set(Object.keys(vectors));
  // Includes are matched against the combinations as they stood before any include was applied.
  const base = combos.map((c) => ({ original: { ...c }, combo: c }));
  const appended: MatrixCombination[] = [];
  for (const inc of listOfObjects(jobId, 'include', include)) {
    let extended = false;
    for (const entry of base) {
      const overwritesOriginal = Object.entries(inc).some(([k, v]) => originalKeys.has(k) && k in entry.original && !deepEqual(entry.original[k], v));
      if (!overwritesOriginal) {
        Object.assign(entry.combo, inc);
        extended = true;
      }
    }
    if (!extended) appended.push({ ...inc });
  }
  const all = [...base.map((b) => b.combo), ...appended];
  if (all.length > MAX_MATRIX_JOBS) throw matrixError(jobId, `the matrix expands to ${all.length} jobs; GitHub's limit is ${MAX_MATRIX_JOBS}`);
  if (all.length === 0) throw matrixError(jobId, 'the matrix expands to no jobs (every combination was excluded)');
  return all;
}

function product(vectors: [string, unknown[]][]): MatrixCombination[] {
  if (vectors.length === 0) return [];
  let out: MatrixCombination[] = [{}];
  for (const [key, values] of vectors) {
    const next: MatrixCombination[] = [];
    for (const combo of out) for (const v of values) next.push({ ...combo, [key]: v });
    out = next;
    if (out.length > MAX_MATRIX_JOBS * 16) break; // reported as over the limit by the caller
  }
  return out;
}

function matches(combo: MatrixCombination, partial: MatrixCombination): boolean {
  return Object.entries(partial).every(([k, v]) => k in combo && deepEqual(combo[k], v));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    // GitHub compares matrix scalars loosely as strings in include/exclude (e.g. 18 vs '18').
    return (typeof a === 'number' || typeof a === 'string') && (typeof b === 'number' || typeof b === 'string') && String(a) === String(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function listOfObjects(jobId: string, name: string, value: unknown): MatrixCombination[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw matrixError(jobId, `matrix '${name}' must be a sequence of mappings`);
  }
  return value as MatrixCombination[];
}

function toBoolean(jobId: string, name: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw matrixError(jobId, `strategy.${name} must be a boolean, got ${JSON.stringify(v)}`);
}

function toPositiveInt(jobId: string, v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw matrixError(jobId, `strategy.max-parallel must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function matrixError(jobId: string, message: string): NexusError {
  return new NexusError('MATRIX', `job '${jobId}': ${message}`);
}

/** GitHub's display suffix: the matrix values, in order, joined by ", ". */
export function matrixSuffix(combo: MatrixCombination): string {
  return Object.values(combo)
    .map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)))
    .join(', ');
}
