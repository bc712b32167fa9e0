import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, runNexus, tempDir } from '../helpers/cli.js';
import { killHard, newProject, settledRuns, spawnServe, waitFor, withServer, type Harness } from './harness.js';
import type { JobView, RunView } from '../../src/server/api-types.js';

let h: Harness;
let env: NodeJS.ProcessEnv;
before(async () => {
  h = await withServer();
  env = { NEXUS_SERVER: h.url, NEXUS_TOKEN: h.admin };
});
after(() => h.close());

test('nexus project add --from pushes a repository whose workflows then run; nexus runs lists them', async () => {
  const repo = join(h.dir, 'demo');
  gitRepo(repo, { '.github/workflows/ci.yml': 'name: CI\non: push\njobs:\n  hello:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hello\n' });
  const add = await runNexus(['project', 'add', 'demo', '--from', repo], { env });
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /created project demo: http:\/\/127\.0\.0\.1:\d+\/git\/demo\.git \(default branch main\)/);
  const [run] = await settledRuns(h, 'demo', 1);
  const list = await runNexus(['runs', '--project', 'demo'], { env });
  assert.match(list.stdout, new RegExp(`^${run.id}\\s+demo\\s+1\\s+CI\\s+push\\s+main\\s+success`, 'm'));
  const show = await runNexus(['runs', String(run.id)], { env });
  assert.match(show.stdout, /hello\s+\d+\s+success\s+1/);
  const again = await runNexus(['project', 'add', 'demo'], { env });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /project "demo" already exists/);
  const bad = await runNexus(['project', 'add', '../evil'], { env });
  assert.match(bad.stderr, /project name "\.\.\/evil"/);
});

test('nexus secret set reads the value from stdin and never prints it back', async () => {
  const set = await runNexus(['secret', 'set', 'DEPLOY_KEY', '--env', 'production', '--project', 'demo'], { env, input: 'hunter2-value\n' });
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, 'set secret DEPLOY_KEY for environment production\n');
  const list = await runNexus(['secret', 'list', '--project', 'demo'], { env });
  assert.match(list.stdout, /DEPLOY_KEY\s+production/);
  assert.ok(!list.stdout.includes('hunter2'));
  const viewer = (await h.api('POST', '/api/tokens', { role: 'viewer' })).body.token;
  const refused = await runNexus(['secret', 'set', 'X', '--project', 'demo'], { env: { ...env, NEXUS_TOKEN: viewer }, input: 'v' });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /needs the admin role; the token has viewer/);
});

test('nexus token create makes a working token in the data folder, and refuses an unknown role', async () => {
  const data = join(h.dir, 'data');
  const bad = await runNexus(['token', 'create', '--role', 'root', '--data', data]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--role must be one of admin, developer, viewer, runner/);
  const made = await runNexus(['token', 'create', '--role', 'viewer', '--name', 'ci', '--data', data]);
  assert.equal(made.code, 0, made.stderr);
  const token = made.stdout.trim();
  assert.match(token, /^nxs_/);
  assert.equal((await h.api('GET', '/api/projects', undefined, token)).status, 200);
  assert.equal((await h.api('POST', '/api/projects', { name: 'nope' }, token)).status, 403);
});

test('client commands say what is wrong with their arguments or the server', async () => {
  const noServer = await runNexus(['runs'], { env: { NEXUS_SERVER: 'http://127.0.0.1:9', NEXUS_TOKEN: 'x' } });
  assert.equal(noServer.code, 1);
  assert.match(noServer.stderr, /cannot reach the server at http:\/\/127\.0\.0\.1:9/);
  const runner = await runNexus(['runner', '--token', 't'], { env: { NEXUS_SERVER: '' } });
  assert.equal(runner.code, 2);
  assert.match(runner.stderr, /--server URL is required/);
});

test('nexus approve / reject with --server review a waiting deployment as the token\'s user; a non-reviewer is refused', async () => {
  const project = await newProject(h, 'gate', {
    '.nexus/environments.yml': 'environments:\n  production:\n    reviewers: [alice]\n',
    '.github/workflows/deploy.yml': 'name: Deploy\non: push\njobs:\n  deploy:\n    environment: production\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo deployed\n',
  });
  await project.push();
  const waiting = async () =>
    waitFor('a deploy job waiting for approval', async () => {
      const { body } = await h.api('GET', '/api/runs?project=gate');
      for (const r of body.runs) {
        const { body: detail } = await h.api('GET', `/api/runs/${r.id}`);
        if (detail.jobs.some((j: JobView) => j.status === 'waiting' && j.waitingReason === 'waiting for approval')) return r.id as number;
      }
      return undefined;
    });
  const runId = await waiting();
  const tokenOf = async (name: string) => (await h.api('POST', '/api/tokens', { role: 'developer', name })).body.token as string;
  const [alice, bob] = await Promise.all([tokenOf('alice'), tokenOf('bob')]);
  const cli = (verb: string, token: string, ...more: string[]) => runNexus([verb, String(runId), '--server', h.url, '--token', token, ...more], { env: {} });
  const cliOn = (id: number, verb: string, token: string, ...more: string[]) => runNexus([verb, String(id), '--server', h.url, '--token', token, ...more], { env: {} });
  const refused = await cli('approve', bob, '--env', 'production');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /bob is not a required reviewer of 'production'/);
  const elsewhere = await cli('reject', alice, '--env', 'staging');
  assert.match(elsewhere.stderr, /no deployment to 'staging' waiting for approval/);
  const ok = await cli('approve', alice, '--env', 'production', '--comment', 'go');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`^approved run ${runId} for 'production' as alice at \\S+: go\\n$`));
  const [run] = await settledRuns(h, 'gate', 1);
  assert.equal(run.conclusion, 'success');
  // A second push waits again; a rejection from the CLI fails it.
  project.commit({ 'README.md': 'again\n' });
  await project.push();
  const second = await waiting();
  assert.notEqual(second, runId);
  const no = await cliOn(second, 'reject', alice, '--env', 'production', '--comment', 'not now');
  assert.equal(no.code, 0, no.stderr);
  assert.match(no.stdout, /^rejected run \d+ for 'production' as alice/);
  const runs = await settledRuns(h, 'gate', 2);
  const { body } = await h.api('GET', `/api/runs/${second}`);
  assert.equal(runs.find((r: RunView) => r.id === second).conclusion, 'failure');
  assert.equal(body.jobs[0].reason, 'rejected by alice: not now');
});

test('nexus serve in a repository keeps its data folder (database, secret key, admin token) out of git', async () => {
  const { dir, cleanup } = tempDir('nexus-serve-git-');
  const server = await spawnServe(join(dir, '.nexus'), ['--runners', '0']);
  try {
    gitRepo(dir, { 'README.md': 'x\n' });
    assert.ok(existsSync(join(dir, '.nexus', 'admin.token')) && existsSync(join(dir, '.nexus', 'secret.key')));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    assert.equal(git('ls-files'), 'README.md\n', 'git add -A took nothing of the data folder');
    assert.equal(git('status', '--porcelain', '--untracked-files=all'), '');
  } finally {
    await killHard(server);
    cleanup();
  }
});
