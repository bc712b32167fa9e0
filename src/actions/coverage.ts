/** Total coverage from the report formats the spec's tests write: lcov, Cobertura XML, Istanbul JSON. */
import { readFileSync } from 'node:fs';

export interface CoverageTotal {
  covered: number;
  total: number;
  /** What is counted: lines (lcov, Cobertura) or statements (Istanbul). */
  unit: 'lines' | 'statements';
  format: 'lcov' | 'cobertura' | 'istanbul';
}

export function readCoverage(file: string): CoverageTotal | undefined {
  const text = readFileSync(file, 'utf8');
  if (/^\s*</.test(text)) return cobertura(text);
  if (/^\s*\{/.test(text)) return istanbul(text);
  if (/^(SF|TN):/m.test(text)) return lcov(text);
  return undefined;
}

function lcov(text: string): CoverageTotal {
  let covered = 0;
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('LF:')) total += Number(line.slice(3)) || 0;
    else if (line.startsWith('LH:')) covered += Number(line.slice(3)) || 0;
  }
  return { covered, total, unit: 'lines', format: 'lcov' };
}

function cobertura(text: string): CoverageTotal | undefined {
  const root = /<coverage\b[^>]*>/.exec(text)?.[0];
  if (!root) return undefined;
  const valid = new RegExp(`\\slines-valid="(\\d+)"`).exec(root)?.[1];
  const covered = new RegExp(`\\slines-covered="(\\d+)"`).exec(root)?.[1];
  if (valid !== undefined && covered !== undefined) return { covered: Number(covered), total: Number(valid), unit: 'lines', format: 'cobertura' };
  const hits = [...text.matchAll(/<line\b[^>]*\bhits="(\d+)"/g)].map((m) => Number(m[1]));
  return { covered: hits.filter((h) => h > 0).length, total: hits.length, unit: 'lines', format: 'cobertura' };
}

function istanbul(text: string): CoverageTotal | undefined {
  let data: Record<string, { s?: Record<string, number>; lines?: { total: number; covered: number } }>;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  // coverage-summary.json has a `total`; coverage-final.json has per-file statement counts.
  const summary = (data as { total?: { statements?: { total: number; covered: number } } }).total?.statements;
  if (summary) return { covered: summary.covered, total: summary.total, unit: 'statements', format: 'istanbul' };
  let covered = 0;
  let total = 0;
  for (const file of Object.values(data)) {
    for (const count of Object.values(file.s ?? {})) {
      total++;
      if (count > 0) covered++;
    }
  }
  return { covered, total, unit: 'statements', format: 'istanbul' };
}
