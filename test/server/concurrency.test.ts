/** Concurrency groups as GitHub keeps them (per repository; one running and one pending), and run control from the CLI. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newProject, settledRuns, waitFor, withServer, type Harness } from './harness.js';
import { runNexus } from '../helpers/cli.js';
import type { JobView, RunView } from '../../src/server/api-types.js';

let h: Harness;
before(async () => (h = await withServer({ inProcessRunners: 2 })));
after(() => h.close());

const jobsOf = async (runId: number) => (await h.api('GET', `/api/runs/${runId}`)).body.jobs as JobView[];
const runsOf = async (project: string) => ((await h.api('GET', `/api/runs?project=${project}`)).body.runs as RunView[]).sort((a, b) => a.id - b.id);
const dispatch = async (project: string) => {
  const r = await h.api('POST', `/api/projects/${project}/dispatches`, { workflow: 'ci.yml' });
  assert.equal(r.status, 201, r.text);
  return r.body.runs[0];
};

test('job-level concurrency groups are per project: two projects\' "deploy" groups do not hold each other', async () => {
  const wf = 'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    concurrency:\n      group: deploy\n    steps:\n      - run: sleep 3\n';
  const [ga, gb] = [await newProject(h, 'ga', { '.github/workflows/ci.yml': wf }), await newProject(h, 'gb', { '.github/workflows/ci.yml': wf })];
  await Promise.all([ga.push(), gb.push()]);
  await waitFor('both projects\' deploy jobs running at once', async () => {
    const jobs = await Promise.all(['ga', 'gb'].map(async (p) => (await runsOf(p))[0] && (await jobsOf((await runsOf(p))[0].id))[0]));
    return jobs.every((j) => j?.status === 'running');
  }, 20_000);
  for (const p of ['ga', 'gb']) assert.equal((await settledRuns(h, p, 1))[0].conclusion, 'success');
});

test('job-level concurrency without cancel-in-progress keeps one pending job per group: a newer one replaces it', async () => {
  await newProject(h, 'jpending', {
    '.github/workflows/ci.yml': 'on: workflow_dispatch\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    concurrency:\n      group: prod\n    steps:\n      - run: sleep 3\n',
  }).then((p) => p.push());
  const first = await dispatch('jpending');
  await waitFor('the first deploy to run', async () => (await jobsOf(first.id))[0].status === 'running');
  const second = await dispatch('jpending');
  await waitFor('the second deploy held', async () => (await jobsOf(second.id))[0].reason === 'waiting for concurrency group "prod"');
  const third = await dispatch('jpending');
  const replaced = await waitFor('the second deploy replaced', async () => {
    const [j] = await jobsOf(second.id);
    return j.status === 'completed' && j;
  });
  assert.equal(replaced.conclusion, 'cancelled');
  assert.match(replaced.reason ?? '', /replaced by a newer job waiting in concurrency group "prod"/);
  assert.equal((await jobsOf(third.id))[0].waitingReason, 'waiting for concurrency group "prod"');
  const runs = await settledRuns(h, 'jpending', 3, 30_000);
  assert.deepEqual(runs.sort((a, b) => a.id - b.id).map((r) => r.conclusion), ['success', 'cancelled', 'success']);
});

test('workflow-level concurrency without cancel-in-progress: one run waits, and a newer run replaces the waiting one', async () => {
  await newProject(h, 'wpending', {
    '.github/workflows/ci.yml': 'on: workflow_dispatch\nconcurrency: release\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 3\n',
  }).then((p) => p.push());
  const first = await dispatch('wpending');
  const second = await dispatch('wpending');
  assert.deepEqual([first.status, second.status, second.reason], ['in_progress', 'waiting', 'waiting for concurrency group "release"']);
  const third = await dispatch('wpending');
  assert.equal(third.status, 'waiting');
  const runs = await settledRuns(h, 'wpending', 3, 30_000);
  const byId = new Map(runs.map((r) => [r.id, r]));
  assert.deepEqual([first.id, second.id, third.id].map((id) => byId.get(id).conclusion), ['success', 'cancelled', 'success']);
  assert.match(byId.get(second.id).reason, /replaced by a newer run waiting in concurrency group "release"/);
  assert.ok(byId.get(third.id).startedAt >= byId.get(first.id).finishedAt, 'the waiting run started when the group freed');
});

test('a queued job says when every runner with its labels is at capacity; nexus cancel --job ends one job; a re-run of all jobs runs every job again', async () => {
  const p = await newProject(h, 'busy', {
    '.github/workflows/ci.yml': 'on: workflow_dispatch\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 30\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 30\n  c:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo c ran\n',
  });
  await p.push();
  const run = await dispatch('busy');
  const queued = await waitFor('a job queued behind two busy runners', async () => {
    const jobs = await jobsOf(run.id);
    return jobs.filter((j) => j.status === 'running').length === 2 && jobs.find((j) => j.status === 'queued');
  }, 20_000);
  assert.equal(queued.waitingReason, 'all 2 runner(s) with labels [ubuntu-latest] are at capacity');
  const env = { NEXUS_SERVER: h.url, NEXUS_TOKEN: h.admin };
  for (const j of (await jobsOf(run.id)).filter((x) => x.status === 'running')) {
    const r = await runNexus(['cancel', '--job', String(j.id)], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`cancelling job ${j.id}`));
  }
  const [done] = await settledRuns(h, 'busy', 1, 30_000);
  const jobs = await jobsOf(done.id);
  assert.deepEqual(jobs.map((j) => [j.key, j.conclusion]), [['a', 'cancelled'], ['b', 'cancelled'], ['c', 'success']]);
  assert.match(jobs[0].reason ?? '', /cancelled by admin/);
  const rerun = await runNexus(['rerun', String(done.id)], { env });
  assert.equal(rerun.code, 0, rerun.stderr);
  const again = await waitFor('attempt 2 running every job', async () => {
    const r = (await h.api('GET', `/api/runs/${done.id}`)).body;
    return r.run.attempt === 2 && r.jobs.length === 3 && r.jobs.every((j: JobView) => !/result kept/.test(j.reason ?? '')) && r;
  });
  assert.deepEqual(again.jobs.map((j: JobView) => j.key), ['a', 'b', 'c']);
  assert.equal((await h.api('POST', `/api/runs/${done.id}/cancel`)).status, 202);
  await settledRuns(h, 'busy', 1, 30_000);
});
