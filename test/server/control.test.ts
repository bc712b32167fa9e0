import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newProject, settledRuns, waitFor, withServer, type Harness } from './harness.js';
import { runNexus } from '../helpers/cli.js';

let h: Harness;
let env: NodeJS.ProcessEnv;
before(async () => {
  h = await withServer({ inProcessRunners: 2 });
  env = { NEXUS_SERVER: h.url, NEXUS_TOKEN: h.admin };
});
after(() => h.close());

const running = (project: string) =>
  waitFor(`a running job of ${project}`, async () => {
    const runs = (await h.api('GET', `/api/runs?project=${project}`)).body.runs;
    for (const r of runs ?? []) if ((await h.api('GET', `/api/runs/${r.id}`)).body.jobs.some((j: any) => j.status === 'running')) return r;
    return undefined;
  });

test('nexus cancel stops a running job; its always() step still runs', async () => {
  const p = await newProject(h, 'cancel', {
    '.github/workflows/ci.yml': 'on: push\njobs:\n  long:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo started; sleep 30\n      - if: always()\n        run: echo cleanup ran\n',
  });
  await p.push();
  const run = await running('cancel');
  const r = await runNexus(['cancel', String(run.id)], { env });
  assert.equal(r.code, 0, r.stderr);
  const [done] = await settledRuns(h, 'cancel', 1, 20_000);
  assert.equal(done.conclusion, 'cancelled');
  const logs = await runNexus(['logs', String(run.id)], { env });
  assert.match(logs.stdout, /cleanup ran/);
  const follow = await runNexus(['logs', String(run.id), '--follow'], { env });
  assert.match(follow.stdout, /\[long\] (started|cleanup ran)/);
  assert.match(follow.stderr, /finished: cancelled/);
});

test('nexus rerun --failed runs the failed job and its dependents again, keeping the rest', async () => {
  const marker = join(h.dir, 'rerun.txt');
  const p = await newProject(h, 'rerun', {
    '.github/workflows/ci.yml': `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      v: \${{ steps.s.outputs.v }}
    steps:
      - id: s
        run: echo build >> ${marker}; echo "v=7" >> "$GITHUB_OUTPUT"
  flaky:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo flaky >> ${marker}; test -f ${marker}.ok || { touch ${marker}.ok; exit 1; }
  deploy:
    needs: [build, flaky]
    runs-on: ubuntu-latest
    steps:
      - run: echo "deploy \${{ needs.build.outputs.v }}" >> ${marker}
`,
  });
  await p.push();
  const [first] = await settledRuns(h, 'rerun', 1);
  assert.equal(first.conclusion, 'failure');
  const r = await runNexus(['rerun', String(first.id), '--failed'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /attempt 2 started \(failed jobs only\)/);
  const [second] = await settledRuns(h, 'rerun', 1);
  assert.deepEqual([second.attempt, second.conclusion], [2, 'success']);
  assert.deepEqual(readFileSync(marker, 'utf8').trim().split('\n'), ['build', 'flaky', 'flaky', 'deploy 7']);
  const again = await runNexus(['rerun', String(first.id), '--failed'], { env });
  assert.match(again.stderr, /no failed jobs to re-run/);
});

test('concurrency with cancel-in-progress: a newer run cancels the older one in its group', async () => {
  const p = await newProject(h, 'conc', {
    delay: '30\n',
    '.github/workflows/ci.yml': `on: push
concurrency:
  group: ci-\${{ github.ref }}
  cancel-in-progress: true
jobs:
  work:
    runs-on: ubuntu-latest
    steps:
      - run: echo "working $(cat delay)"; sleep $(cat delay)
`,
  });
  await p.push();
  const older = await running('conc');
  p.commit({ delay: '0\n' });
  await p.push();
  const runs = await settledRuns(h, 'conc', 2, 30_000);
  const byId = new Map(runs.map((r: any) => [r.id, r]));
  assert.equal(byId.get(older.id).conclusion, 'cancelled');
  assert.equal(runs.find((r: any) => r.id !== older.id).conclusion, 'success');
  assert.equal(byId.get(older.id).concurrencyGroup, 'ci-refs/heads/main');
});
