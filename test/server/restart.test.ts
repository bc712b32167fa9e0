import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, gitAsync, gitUrl, killHard, spawnNexus, spawnServe, waitFor, type Proc } from './harness.js';
import { gitRepo, tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/postgres.js';
import type { JobView } from '../../src/server/api-types.js';

const { dir, cleanup } = tempDir('nexus-restart-');
const procs: Proc[] = [];
after(async () => {
  await Promise.all(procs.map(killHard));
  cleanup();
});

const marker = join(dir, 'ran.txt');
const workflow = `on: push
jobs:
  slow:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "slow ran $GITHUB_RUN_ID" >> ${marker}
          for i in $(seq 1 60); do echo "line $i"; sleep 0.05; done
  after:
    needs: slow
    runs-on: ubuntu-latest
    steps:
      - run: echo "after ran $GITHUB_RUN_ID" >> ${marker}
`;

test('kill -9 of the server mid-run, then a restart: the run finishes, no acknowledged log line is lost, no job runs twice', async () => {
  const data = join(dir, 'data');
  const port = String(await freePort());
  const args = ['--runners', '0', '--heartbeat', '800', '--port', port];
  let server = await spawnServe(data, args);
  procs.push(server);
  const admin = readFileSync(join(data, 'admin.token'), 'utf8').trim();
  const api = (m: string, p: string, b?: unknown) => call(server.url, m, p, b, admin);
  const runnerToken = (await api('POST', '/api/tokens', { role: 'runner' })).body.token;
  procs.push(spawnNexus(['runner', '--server', server.url, '--token', runnerToken, '--work', join(dir, 'work')]));

  const repo = join(dir, 'repo');
  gitRepo(repo, { '.github/workflows/ci.yml': workflow });
  await api('POST', '/api/projects', { name: 'r' });
  await gitAsync(repo, 'push', '-q', gitUrl(server.url, 'r', admin), 'main');
  const acknowledged = await waitFor('some log lines', async () => {
    const runs = (await api('GET', '/api/runs?project=r')).body.runs;
    if (!runs?.length) return undefined;
    const text = (await api('GET', `/api/runs/${runs[0].id}/logs`)).text as string;
    return (text.match(/line \d+/g) ?? []).length >= 5 && text;
  }, 30_000, 20);

  await killHard(server);
  await new Promise((r) => setTimeout(r, 700));
  server = await spawnServe(data, args);
  procs.push(server);

  const run = await waitFor('the run to finish', async () => {
    const runs = (await api('GET', '/api/runs?project=r')).body.runs;
    return runs?.[0]?.status === 'completed' && runs[0];
  }, 40_000);
  const detail = (await api('GET', `/api/runs/${run.id}`)).body;
  const logs = (await api('GET', `/api/runs/${run.id}/logs`)).text as string;
  for (const line of acknowledged.split('\n').filter(Boolean)) assert.ok(logs.includes(line), `acknowledged line lost: ${line}`);
  const numbered = logs.match(/line \d+/g) ?? [];
  assert.equal(new Set(numbered).size, numbered.length, 'no log line stored twice');
  const ran = readFileSync(marker, 'utf8').trim().split('\n');
  assert.equal(ran.filter((l) => l.startsWith('slow')).length, 1, 'the interrupted job ran once');
  if (run.conclusion === 'success') {
    assert.equal(numbered.length, 60, 'a finished job keeps every line');
    assert.deepEqual(ran, [`slow ran ${run.id}`, `after ran ${run.id}`]);
  } else {
    // The other allowed outcome: the interrupted job failed, with a reason.
    assert.ok(detail.jobs.some((j: JobView) => j.conclusion === 'failure' && j.reason), JSON.stringify(detail.jobs));
  }
});
