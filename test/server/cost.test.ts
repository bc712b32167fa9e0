import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costReport } from '../../src/server/cost.js';
import { billableMinutes } from '../../src/store/queue.js';
import { runNexus } from '../helpers/cli.js';
import { newProject, settledRuns, withServer } from './harness.js';

test('each job is billed in whole minutes, rounded up, and the free minutes come off the month total', () => {
  assert.equal(billableMinutes(0, 1_000), 1, 'a 1 s job is a minute');
  assert.equal(billableMinutes(0, 60_000), 1);
  assert.equal(billableMinutes(0, 60_001), 2);
  const start = Date.UTC(2026, 10, 1);
  const job = (key: string, minutes: number, day: number, project = 'web') => ({ project, key, workflowName: 'CI', runId: day, startedAt: start + day * 86_400_000, finishedAt: start + day * 86_400_000 + minutes * 50_000, billableMinutes: minutes });
  const jobs = [...Array.from({ length: 300 }, (_, i) => job('unit-tests', 3, i % 30)), ...Array.from({ length: 150 }, (_, i) => job('e2e', 5, i % 30))];
  const r = costReport(jobs, '2026-11', 0.008, 1000, Date.UTC(2026, 11, 5));
  assert.deepEqual(r.rows.map((x) => [x.job, x.averageSeconds, x.durationMinutes, x.runsPerDay, x.monthlyMinutes, x.cost]), [
    ['CI / unit-tests', 150, 3, 10, 900, 7.2],
    ['CI / e2e', 250, 5, 5, 750, 6],
  ]);
  assert.deepEqual([r.totalMinutes, r.billableMinutes, r.cost], [1650, 650, 5.2]);
  assert.equal(costReport(jobs, '2026-11', 0.008, 3000).cost, 0, 'within the free minutes');
  const two = costReport([job('lint', 1, 1, 'ga'), job('lint', 2, 2, 'gb'), job('lint', 2, 3, 'gb')], '2026-11', 0.008, 0, Date.UTC(2026, 11, 5));
  assert.deepEqual(two.rows.map((x) => [x.project, x.workflow, x.job, x.monthlyMinutes]), [['gb', 'CI', 'gb: CI / lint', 4], ['ga', 'CI', 'ga: CI / lint', 1]], 'same-named workflows of two projects stay apart');
});

test('nexus cost prints the spec\'s table from recorded runs', async () => {
  const h = await withServer();
  try {
    const p = await newProject(h, 'billing', { '.github/workflows/ci.yml': 'name: CI\non: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo lint\n' });
    await p.push();
    await settledRuns(h, 'billing', 1);
    const month = new Date().toISOString().slice(0, 7);
    const env = { NEXUS_SERVER: h.url, NEXUS_TOKEN: h.admin };
    const r = await runNexus(['cost', '--month', month, '--rate', '0.008', '--free-minutes', '0'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(rate \$0\.008\/min, 0 free minutes\)/, 'the rate as given, not rounded to a cent');
    assert.match(r.stdout, /Job\s+Duration\s+Billed per Run\s+Runs per Day\s+Monthly Minutes\s+Cost/);
    assert.match(r.stdout, /CI \/ lint\s+\d s\s+1 min\s+[\d.]+\s+1\s+\$0\.01/, 'a job of a few seconds lasts seconds and is billed a minute');
    assert.match(r.stdout, /Total Monthly Minutes: 1\n/);
    const bad = await runNexus(['cost', '--month', '2026-13'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--month must be YYYY-MM/);
  } finally {
    await h.close();
  }
});
