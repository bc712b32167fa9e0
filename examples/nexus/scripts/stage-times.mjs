#!/usr/bin/env node
// The pipeline's seven stages beside the spec's budgets, from the report of a run (`nexus run push --json FILE`):
//   node scripts/stage-times.mjs REPORT.json
// Prints a Markdown table. The jobs of a stage run side by side (as many at a time as `--jobs` allows), so a stage is
// given as each of its jobs' times. Stage 4 (integration tests) is the deploy-staging job's "Integration tests" step,
// and stage 5 (deploy to staging) the rest of that job: the spec budgets them apart.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  console.error('usage: node scripts/stage-times.mjs REPORT.json');
  process.exit(2);
}
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`stage-times: ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  process.exit(2);
}
if (!Array.isArray(report.jobs)) {
  console.error(`stage-times: ${file} is not the report of one run (nexus run --json FILE)`);
  process.exit(2);
}

const time = (ms) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s` : `${(ms / 1000).toFixed(1)} s`);
const jobs = (id) => report.jobs.filter((j) => j.id === id);
const each = (...ids) => {
  const found = ids.flatMap(jobs);
  if (!found.length) return 'did not run';
  return found.map((j) => `${j.matrix ? `${Object.values(j.matrix).join(' ')} ` : ''}${time(j.durationMs)}${j.conclusion === 'success' ? '' : ` (${j.conclusion})`}`).join(', ');
};
const staging = jobs('deploy-staging')[0];
const integration = staging?.steps.find((s) => s.name === 'Integration tests');

const rows = [
  ['1 Lint & type check', '30 s', each('lint-and-typecheck')],
  ['2 Unit tests', '2 min', each('unit-tests', 'python-tests')],
  ['3 Build images / bundles', '5 min', each('build-docker-images')],
  ['4 Integration tests', '3 min', integration ? time(integration.durationMs) : 'did not run'],
  ['5 Deploy to staging', '2 min', staging && integration ? time(staging.durationMs - integration.durationMs) : 'did not run'],
  ['6 E2E tests on staging', '5 min', each('e2e-tests')],
  ['7 Deploy to production', 'manual approval', each('deploy-production')],
  ['**whole pipeline**', 'about 17 min', `**${time(report.durationMs)}** (${report.conclusion})`],
];
console.log('| stage | spec budget | this run |');
console.log('| --- | --- | --- |');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
