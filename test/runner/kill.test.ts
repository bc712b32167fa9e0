import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, gitAsync, gitUrl, killHard, spawnNexus, spawnServe, waitFor, type Proc } from '../server/harness.js';
import { gitRepo, tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/postgres.js';

const HEARTBEAT = 1000;
const { dir, cleanup } = tempDir('nexus-kill-');
const procs: Proc[] = [];
after(async () => {
  await Promise.all(procs.map(killHard));
  cleanup();
});

test('kill -9 of a runner mid-job: the job ends as "runner lost" within two heartbeat intervals', async () => {
  const data = join(dir, 'data');
  const server = await spawnServe(data, ['--runners', '0', '--heartbeat', String(HEARTBEAT)]);
  procs.push(server);
  const admin = readFileSync(join(data, 'admin.token'), 'utf8').trim();
  const api = (m: string, p: string, b?: unknown) => call(server.url, m, p, b, admin);
  const runnerToken = (await api('POST', '/api/tokens', { role: 'runner' })).body.token;
  const runner = spawnNexus(['runner', '--server', server.url, '--token', runnerToken, '--work', join(dir, 'work')]);
  procs.push(runner);

  const repo = join(dir, 'repo');
  gitRepo(repo, { '.github/workflows/ci.yml': 'on: push\njobs:\n  long:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo started\n          sleep 20\n' });
  await api('POST', '/api/projects', { name: 'k' });
  await gitAsync(repo, 'push', '-q', gitUrl(server.url, 'k', admin), 'main');
  const job = await waitFor('the job to start', async () => {
    const runs = (await api('GET', '/api/runs?project=k')).body.runs;
    if (!runs?.length) return undefined;
    const j = (await api('GET', `/api/runs/${runs[0].id}`)).body.jobs[0];
    return j?.status === 'running' && (await api('GET', `/api/jobs/${j.id}/logs`)).text.includes('started') && j;
  }, 30_000);

  const killedAt = Date.now();
  await killHard(runner);
  const ended = await waitFor('the job to end', async () => {
    const j = (await api('GET', `/api/jobs/${job.id}`)).body.job;
    return j.status === 'completed' && j;
  }, 10_000, 20);
  const took = Date.now() - killedAt;
  assert.deepEqual([ended.conclusion, ended.reason], ['failure', 'runner lost']);
  // The lease lapses 1.5 intervals after the last heartbeat, and the sweep runs every quarter interval.
  assert.ok(took <= 2 * HEARTBEAT + 250, `ended ${took} ms after the kill`);
  const run = (await api('GET', `/api/runs/${ended.runId}`)).body.run;
  assert.equal(run.conclusion, 'failure');
});

test('kill -9 of the server while nexus logs --follow streams: it reconnects to the restarted server and prints every line once', async () => {
  const data = join(dir, 'follow-data');
  const port = String(await freePort());
  let server = await spawnServe(data, ['--port', port, '--runners', '0']);
  procs.push(server);
  const admin = readFileSync(join(data, 'admin.token'), 'utf8').trim();
  const api = (m: string, p: string, b?: unknown) => call(server.url, m, p, b, admin);
  const runnerToken = (await api('POST', '/api/tokens', { role: 'runner' })).body.token;
  procs.push(spawnNexus(['runner', '--server', server.url, '--token', runnerToken, '--work', join(dir, 'follow-work')]));
  const repo = join(dir, 'follow-repo');
  gitRepo(repo, { '.github/workflows/ci.yml': 'on: push\njobs:\n  talk:\n    runs-on: ubuntu-latest\n    steps:\n      - run: for i in $(seq 1 12); do echo "line $i"; sleep 0.5; done\n' });
  await api('POST', '/api/projects', { name: 'f' });
  await gitAsync(repo, 'push', '-q', gitUrl(server.url, 'f', admin), 'main');
  const run = await waitFor('the run', async () => (await api('GET', '/api/runs?project=f')).body.runs?.[0], 20_000);
  const follow = spawnNexus(['logs', String(run.id), '--follow'], { NEXUS_SERVER: server.url, NEXUS_TOKEN: admin });
  procs.push(follow);
  await waitFor('a few lines followed', async () => follow.stdout().includes('line 3'), 30_000);
  await killHard(server);
  server = await spawnServe(data, ['--port', port, '--runners', '0']);
  procs.push(server);
  const code = await follow.exited;
  assert.equal(code, 0, follow.stderr());
  assert.match(follow.stderr(), /reconnecting/);
  assert.match(follow.stderr(), /finished: success/);
  const lines = follow.stdout().split('\n').filter((l) => /^\[talk\] line \d+$/.test(l));
  assert.deepEqual(lines, Array.from({ length: 12 }, (_, i) => `[talk] line ${i + 1}`), 'every line once, in order');
});
