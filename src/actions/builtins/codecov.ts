/** codecov/codecov-action: keeps the coverage reports as a run artifact and prints the total they give. */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { readCoverage } from '../coverage.js';
import { expandPaths, filesUnder } from '../paths.js';
import { booleanInput, failed, say, type Builtin } from './builtin.js';
import { uploadFiles } from './artifacts.js';

const DEFAULT_REPORTS = ['**/lcov.info', '**/coverage-final.json', '**/coverage-summary.json', '**/coverage.xml', '**/cobertura*.xml', '!**/node_modules/**'];

export const codecov: Builtin = {
  async main(ctx) {
    const given = [...(ctx.inputs.files ?? '').split(/[,\n]/), ctx.inputs.file ?? ''].map((f) => f.trim()).filter(Boolean);
    const patterns = given.length ? given : DEFAULT_REPORTS;
    const files = filesUnder(expandPaths(patterns, ctx.paths.workspace, ctx.env.HOME)).filter((f) => existsSync(f));
    const strict = booleanInput(ctx, 'fail_ci_if_error', false);
    if (files.length === 0) {
      const message = `No coverage reports found (looked for ${patterns.join(', ')})`;
      if (strict) return failed(message);
      ctx.log({ kind: 'warning', text: message });
      return { outcome: 'success' };
    }
    let covered = 0;
    let total = 0;
    const units = new Set<string>();
    for (const file of files) {
      const c = readCoverage(file);
      const rel = relative(ctx.paths.workspace, file);
      if (!c) {
        ctx.log({ kind: 'warning', text: `${rel}: not an lcov, Cobertura XML or Istanbul JSON report; skipped` });
        continue;
      }
      covered += c.covered;
      total += c.total;
      units.add(c.unit);
      say(ctx, `${rel} (${c.format}): ${percent(c.covered, c.total)} of ${c.total} ${c.unit}`);
    }
    const flags = ctx.inputs.flags?.trim();
    const name = `coverage-${[flags, ctx.jobKey, ctx.step.id].filter(Boolean).join('-')}`.replace(/[^A-Za-z0-9._-]+/g, '-');
    uploadFiles(ctx, name, files, { overwrite: true, includeHidden: true });
    const summary = `Total coverage${flags ? ` (${flags})` : ''}: ${percent(covered, total)} (${covered}/${total} ${[...units].join(' and ')})`;
    say(ctx, summary);
    say(ctx, `Coverage reports kept as run artifact '${name}'`);
    return { outcome: 'success', outputs: { coverage: total ? (Math.round((covered / total) * 10000) / 100).toString() : '' }, summary: `### ${summary}\n` };
  },
};

function percent(covered: number, total: number): string {
  return total === 0 ? 'n/a' : `${((covered / total) * 100).toFixed(2)}%`;
}
