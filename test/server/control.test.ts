import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newProject, settledRuns, waitFor, withServer, type Harness } from './harness.js';
import { runNexus } from '../helpers/cli.js';
import type { JobView, RunView } from '../../src/server/api-types.js';

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
    for (const r of runs ?? []) if ((await h.api('GET', `/api/runs/${r.id}`)).body.jobs.some((j: JobView) => j.status === 'running')) return r;
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
  const byId = new Map(runs.map((r: RunView) => [r.id, r]));
  assert.equal(byId.get(older.id)?.conclusion, 'cancelled');
  assert.equal(runs.find((r: RunView) => r.id !== older.id).conclusion, 'success');
  assert.equal(byId.get(older.id)?.concurrencyGroup, 'ci-refs/heads/main');
});

test('job-level concurrency: a job waits for the group\'s running job in another run, then runs at once; cancel-in-progress cancels it instead', async () => {
  const workflow = (cancel: boolean) => `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    concurrency:
      group: deploy-\${{ github.ref_name }}
      cancel-in-progress: ${cancel}
    steps:
      - run: sleep $(cat delay)
`;
  const p = await newProject(h, 'jobconc', { delay: '2\n', '.github/workflows/deploy.yml': workflow(false) });
  await p.push();
  const first = await running('jobconc');
  p.commit({ delay: '0\n' });
  await p.push();
  const second = await waitFor('the second run to hold its job', async () => {
    const r = (await h.api('GET', '/api/runs?project=jobconc')).body.runs.find((x: RunView) => x.id !== first.id);
    const job = r && (await h.api('GET', `/api/runs/${r.id}`)).body.jobs[0];
    return job?.reason === 'waiting for concurrency group "deploy-main"' ? r : undefined;
  });
  const runs = await settledRuns(h, 'jobconc', 2, 30_000);
  const jobOf = async (id: number) => (await h.api('GET', `/api/runs/${id}`)).body.jobs[0];
  const [a, b] = [await jobOf(first.id), await jobOf(second.id)];
  assert.deepEqual(runs.map((r: RunView) => r.conclusion), ['success', 'success']);
  assert.ok(b.startedAt >= a.finishedAt, 'the held job started only after the running one finished');
  assert.ok(b.startedAt - a.finishedAt < 2000, `released when the group freed, not at the sweeper's next pass (${b.startedAt - a.finishedAt} ms)`);

  p.commit({ delay: '30\n', '.github/workflows/deploy.yml': workflow(true) });
  await p.push();
  const slow = await waitFor('the slow deploy to run', async () => {
    const r = (await h.api('GET', '/api/runs?project=jobconc')).body.runs[0];
    return r && r.id !== second.id && (await jobOf(r.id))?.status === 'running' ? r : undefined;
  });
  p.commit({ delay: '0\n' });
  await p.push();
  const all = await settledRuns(h, 'jobconc', 4, 30_000);
  const cancelled = await jobOf(slow.id);
  assert.equal(cancelled.conclusion, 'cancelled');
  assert.match(cancelled.reason, /a newer job in concurrency group "deploy-main" started/);
  assert.equal(all.find((r: RunView) => r.id > slow.id).conclusion, 'success');
});
