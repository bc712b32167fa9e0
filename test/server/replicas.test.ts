import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, git, gitAsync, gitUrl, killHard, spawnNexus, spawnServe, waitFor, type Proc } from './harness.js';
import { gitRepo, tempDir } from '../helpers/cli.js';
import { startPostgres, type PgCluster } from '../helpers/postgres.js';
import type { RunView } from '../../src/server/api-types.js';

const RUNS = 200;
const { dir, cleanup } = tempDir('nexus-replicas-');
const procs: Proc[] = [];
let cluster: PgCluster | undefined;
after(async () => {
  await Promise.all(procs.map(killHard));
  await cluster?.stop();
  cleanup();
});

test(`two server replicas on one PostgreSQL with four runners: every job of ${RUNS} runs runs exactly once`, async () => {
  cluster = await startPostgres();
  const env = { DATABASE_URL: await cluster.newDatabase(), NEXUS_SECRET_KEY: 'shared-replica-key' };
  // The replicas share the data folder (hosted repositories) as they would share a volume.
  const data = join(dir, 'data');
  // This test is about exactly-once execution, not lease speed (runner.test.ts covers that): a heartbeat of a
  // few seconds keeps a runner starved of CPU by the rest of the suite from being declared lost.
  const a = await spawnServe(data, ['--runners', '0', '--heartbeat', '5000'], env);
  procs.push(a);
  const b = await spawnServe(data, ['--runners', '0', '--heartbeat', '5000'], env);
  procs.push(b);
  const admin = readFileSync(join(data, 'admin.token'), 'utf8').trim();
  const api = (url: string, m: string, p: string, body?: unknown) => call(url, m, p, body, admin);
  const runnerToken = (await api(a.url, 'POST', '/api/tokens', { role: 'runner' })).body.token;
  for (const [i, url] of [a.url, b.url, a.url, b.url].entries()) {
    procs.push(spawnNexus(['runner', '--server', url, '--token', runnerToken, '--name', `r${i}`, '--work', join(dir, `work${i}`)]));
  }
  const marker = join(dir, 'ran.txt');
  const repo = join(dir, 'repo');
  gitRepo(repo, {
    '.github/workflows/job.yml': `on: workflow_dispatch\njobs:\n  once:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "$GITHUB_RUN_ID $RUNNER_NAME" >> ${marker}\n`,
  });
  assert.equal((await api(a.url, 'POST', '/api/projects', { name: 'many' })).status, 201);
  await gitAsync(repo, 'push', '-q', gitUrl(b.url, 'many', admin), 'main');

  for (let i = 0; i < RUNS; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, k) => api((i + k) % 2 ? a.url : b.url, 'POST', '/api/projects/many/dispatches', { workflow: 'job.yml', ref: 'main' })));
  }
  const runs = await waitFor(`${RUNS} finished runs`, async () => {
    const list = (await api(a.url, 'GET', '/api/runs?project=many&limit=1000')).body.runs;
    return list.length === RUNS && list.every((r: RunView) => r.status === 'completed') && list;
  }, 240_000, 500);
  assert.deepEqual([...new Set(runs.map((r: RunView) => r.conclusion))], ['success']);
  const lines = readFileSync(marker, 'utf8').trim().split('\n');
  const ids = lines.map((l) => l.split(' ')[0]);
  assert.equal(lines.length, RUNS, 'one execution per job');
  assert.equal(new Set(ids).size, RUNS, 'no job ran twice');
  assert.ok(new Set(lines.map((l) => l.split(' ')[1])).size >= 2, 'the work was shared between runners');

  // Pushes to one repository through both replicas at once: each fires once, with its own before and after.
  const pushed = join(dir, 'pushed.txt');
  const file = { '.github/workflows/push.yml': `on: push\njobs:\n  record:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "\${{ github.ref }} \${{ github.event.before }} \${{ github.event.after }}" >> ${pushed}\n` };
  const commit = (branch: string, files: Record<string, string>) => {
    git(repo, 'checkout', '-q', branch);
    for (const [path, text] of Object.entries(files)) writeFileSync(join(repo, path), text);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', `change ${branch}`);
    return git(repo, 'rev-parse', 'HEAD');
  };
  const mainBefore = git(repo, 'rev-parse', 'main');
  const expected = [`refs/heads/main ${mainBefore} ${commit('main', file)}`];
  await gitAsync(repo, 'push', '-q', gitUrl(a.url, 'many', admin), 'main');
  const branches = Array.from({ length: 6 }, (_, i) => `f${i}`);
  const heads = new Map<string, string>();
  for (const br of branches) {
    git(repo, 'branch', br, 'main');
    heads.set(br, commit(br, { [`${br}.txt`]: '1\n' }));
    expected.push(`refs/heads/${br} ${'0'.repeat(40)} ${heads.get(br)}`);
  }
  await Promise.all(branches.map((br, i) => gitAsync(repo, 'push', '-q', gitUrl(i % 2 ? a.url : b.url, 'many', admin), br)));
  for (const br of branches) {
    const next = commit(br, { [`${br}.txt`]: '2\n' });
    expected.push(`refs/heads/${br} ${heads.get(br)} ${next}`);
  }
  await Promise.all(branches.map((br, i) => gitAsync(repo, 'push', '-q', gitUrl(i % 2 ? b.url : a.url, 'many', admin), br)));
  const recorded = await waitFor('a run per push', async () => {
    const got = existsSync(pushed) ? readFileSync(pushed, 'utf8').trim().split('\n') : [];
    return got.length >= expected.length && got;
  }, 120_000, 500);
  assert.deepEqual([...recorded].sort(), [...expected].sort(), 'every push ran once, with the before and after of its own ref update');
});
