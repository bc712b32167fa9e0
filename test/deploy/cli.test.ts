import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gitRepo, runNexus, tempDir } from '../helpers/cli.js';
import { serviceCommand } from './helpers.js';
import { DeployDaemonClient } from '../../src/deploy/client.js';
import { isAlive } from '../../src/deploy/supervisor.js';
import { FileDeploymentRepository } from '../../src/deploy/repository.js';

const QUICK = ['--analysis-duration', '200ms', '--rollback-window', '0s', '--probe-interval', '100ms'];

async function withRepo(environments: string, body: (dir: string, nexus: (...a: string[]) => ReturnType<typeof runNexus>) => Promise<void>) {
  const { dir, cleanup } = tempDir('nexus-deploy-cli-');
  gitRepo(dir, { '.nexus/environments.yml': environments, '.gitignore': '.nexus/*\n!.nexus/environments.yml\n' });
  const nexus = (...a: string[]) => runNexus(a, { cwd: dir, env: { NEXUS_ACTOR: '' } });
  try {
    await body(dir, nexus);
  } finally {
    await (await DeployDaemonClient.find(join(dir, '.nexus')))?.shutdown(true);
    cleanup();
  }
}

test('deploy, list, preview and roll back through the CLI; the daemon adopts running services after a crash', async () => {
  await withRepo('environments:\n  staging:\n    deployment-branches: { branches: [main] }\n', async (dir, nexus) => {
    const first = await nexus('deploy', 'web', '--env', 'staging', '--command', serviceCommand(), '--as', 'alice', ...QUICK);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /deployment #1 success: analysis inconclusive/);
    const url = /serves revision 1 at (http:\/\/127\.0\.0\.1:\d+)/.exec(first.stdout)![1];
    const second = await nexus('deploy', 'web', '--env', 'staging', '--command', serviceCommand(), ...QUICK);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`serves revision 2 at ${url}`), 'the URL is stable across releases');

    const list = await nexus('deployments', '--env', 'staging');
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^ID\s+ENVIRONMENT\s+SERVICE\s+REV\s+KIND\s+STATE/);
    assert.match(list.stdout, /#2\s+staging\s+web\s+2\s+deploy\s+success\s+[0-9a-f]{12}/);
    assert.match(list.stdout, /#1\s+staging\s+web\s+1\s+deploy\s+inactive\s+[0-9a-f]{12}\s+alice/);

    const live = await nexus('deployments', '--live');
    assert.equal(live.code, 0);
    assert.match(live.stdout, new RegExp(`^staging\\s+web\\s+${url}\\s+2\\s+2:live 1:stopped$`, 'm'));

    const unconfirmed = await nexus('rollback', 'web', '--env', 'staging', '--to', '1');
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /pass --yes/);
    const preview = await nexus('rollback', 'web', '--env', 'staging', '--to', '1', '--dry-run');
    assert.equal(preview.code, 0);
    assert.match(preview.stdout, /revision: 2 -> 1\n/);
    assert.match(preview.stdout, /revision 1 is stopped: it is started from/);
    assert.equal((await fetch(url)).headers.get('x-nexus-revision'), '2', 'a preview changes nothing');

    const rolled = await nexus('rollback', 'web', '--env', 'staging', '--to', '1', '--yes', '--as', 'carol');
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.match(rolled.stdout, /deployment #3 \(rollback\) success: revision 1 is live/);
    assert.equal((await fetch(url)).headers.get('x-nexus-revision'), '1');
    const show = await nexus('deployments', '--show', '2');
    assert.match(show.stdout, /rolled_back\s+rolled back by carol to revision 1 \(deployment #3\)/);

    const dataDir = join(dir, '.nexus');
    const daemon = JSON.parse(readFileSync(join(dataDir, 'deploy/daemon.json'), 'utf8'));
    const servicePid = () => JSON.parse(readFileSync(join(dataDir, 'deploy/local-target.json'), 'utf8')).services[0].revisions.find((r: { state: string }) => r.state === 'live').pid;
    const before = servicePid();
    process.kill(daemon.pid, 'SIGKILL');
    while (isAlive(daemon.pid)) await sleep(20);
    assert.ok(isAlive(before), 'the service survives its supervisor');
    const again = await nexus('rollback', 'web', '--env', 'staging', '--dry-run');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(servicePid(), before, 'the new daemon adopted the running revision');
    assert.equal((await fetch(url)).headers.get('x-nexus-revision'), '1', 'the stable URL serves again');

    const infoPath = join(dataDir, 'deploy/daemon.json');
    const current = JSON.parse(readFileSync(infoPath, 'utf8'));
    writeFileSync(infoPath, JSON.stringify({ ...current, build: 'an older build' }));
    const upgraded = await nexus('rollback', 'web', '--env', 'staging', '--dry-run');
    assert.equal(upgraded.code, 0, upgraded.stderr);
    assert.notEqual(JSON.parse(readFileSync(infoPath, 'utf8')).pid, current.pid, 'a daemon of another build is replaced');
    assert.equal(isAlive(current.pid), false);
    assert.equal(servicePid(), before, 'and its services are adopted, not restarted');
  });
});

test('a release whose supervisor crashes during analysis is resumed by the next one', async () => {
  await withRepo('environments:\n  staging: {}\n', async (dir, nexus) => {
    const dataDir = join(dir, '.nexus');
    const started = await nexus('deploy', 'web', '--env', 'staging', '--command', serviceCommand(), '--wait', 'switch', '--analysis-duration', '1500ms', '--rollback-window', '0s', '--probe-interval', '100ms');
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /analysis continues in the deploy daemon/);
    const daemon = JSON.parse(readFileSync(join(dataDir, 'deploy/daemon.json'), 'utf8'));
    process.kill(daemon.pid, 'SIGKILL');
    const during = await nexus('deployments', '--json');
    assert.equal(JSON.parse(during.stdout)[0].statuses.at(-1).state, 'in_progress');
    const client = await DeployDaemonClient.connect(dataDir);
    assert.ok(client, 'a new daemon started');
    let state = 'in_progress';
    for (let i = 0; i < 100 && state === 'in_progress'; i++) {
      await sleep(100);
      state = (await new FileDeploymentRepository(dataDir).list())[0].statuses.at(-1)!.state;
    }
    assert.equal(state, 'success', 'the resumed analysis concluded the release');
  });
});

test('a bad flag names itself and exits 2', async () => {
  await withRepo('environments: {}\n', async (_dir, nexus) => {
    const bad = await nexus('deploy', 'web', '--env', 'staging', '--command', 'x', '--max-error-rate', 'lots');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-error-rate "lots": expected a percentage/);
    const long = await nexus('deploy', 'web', '--env', 'staging', '--command', 'x', '--window', '2h');
    assert.equal(long.code, 2);
    assert.match(long.stderr, /--window "2h": expected a duration such as 500ms, 30s or 5m up to 1h/);
    const missing = await nexus('deploy', 'web', '--env', 'staging');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--command is required/);
  });
});

test('a broken environments file is reported with file:line:col', async () => {
  await withRepo('environments:\n  staging:\n    reviewers: alice\n    wait-timer: [1]\n', async (_dir, nexus) => {
    const r = await nexus('deploy', 'web', '--env', 'staging', '--command', 'x');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^\.nexus\/environments\.yml:4:17: environments\.staging\.wait-timer must be a number or a string$/m);
  });
});

async function pendingRun(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'approvals');
  for (let i = 0; i < 300; i++) {
    if (existsSync(dir)) {
      const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      const waiting = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))).find((r) => r.reviews.length === 0);
      if (waiting) return waiting.run;
    }
    await sleep(50);
  }
  throw new Error('no approval request appeared');
}

const PRODUCTION = `environments:
  production:
    reviewers: [alice, bob]
    prevent-self-review: true
    deployment-branches: { branches: [main] }
`;

test('production waits for a reviewer: non-reviewers and the author are refused, a reviewer lets it go', async () => {
  await withRepo(PRODUCTION, async (dir, nexus) => {
    const dataDir = join(dir, '.nexus');
    const running = nexus('deploy', 'web', '--env', 'production', '--command', serviceCommand(), '--as', 'bob', ...QUICK);
    const run = await pendingRun(dataDir);
    const stranger = await nexus('approve', run, '--env', 'production', '--as', 'mallory');
    assert.equal(stranger.code, 1);
    assert.match(stranger.stderr, /mallory is not a required reviewer of 'production' \(reviewers: alice, bob\)/);
    const self = await nexus('approve', run, '--env', 'production', '--as', 'bob');
    assert.equal(self.code, 1);
    assert.match(self.stderr, /prevents self-review/);
    await sleep(300);
    assert.equal(existsSync(join(dataDir, 'deploy', 'deployments')), false, 'nothing deploys before approval');
    const ok = await nexus('approve', run, '--env', 'production', '--as', 'alice', '--comment', 'ship it');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /approved deploy-web-\w+ for 'production' as alice at .*: ship it/);
    const done = await running;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /waiting for a review of 'production' by one of alice, bob \(not bob, who triggered it\): nexus approve deploy-web-\w+ --env production/);
    assert.match(done.stdout, /deployment to 'production' approved by alice: ship it\n/);
    const show = await nexus('deployments', '--show', '1');
    assert.match(show.stdout, /created by bob at .*, approved by alice/);
    const again = await nexus('approve', run, '--env', 'production', '--as', 'alice');
    assert.equal(again.code, 1, 'a decided request takes no more reviews');
  });
});

test('a rejection fails the deployment, and a branch outside the policy is refused', async () => {
  await withRepo(PRODUCTION, async (dir, nexus) => {
    const running = nexus('deploy', 'web', '--env', 'production', '--command', serviceCommand(), '--as', 'bob', ...QUICK);
    const run = await pendingRun(join(dir, '.nexus'));
    const no = await nexus('reject', run, '--env', 'production', '--as', 'alice', '--comment', 'not today');
    assert.equal(no.code, 0);
    const done = await running;
    assert.equal(done.code, 1);
    assert.match(done.stderr, /deployment to 'production' rejected: rejected by alice: not today/);
    execFileSync('git', ['checkout', '-q', '-b', 'feature'], { cwd: dir });
    const refused = await nexus('deploy', 'web', '--env', 'production', '--command', serviceCommand());
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refs\/heads\/feature may not deploy to 'production' \(allowed: branch main\)/);
  });
});

test('a wait timer holds the deployment until it ends', async () => {
  await withRepo('environments:\n  staging:\n    wait-timer: 1500ms\n', async (_dir, nexus) => {
    const started = Date.now();
    const r = await nexus('deploy', 'web', '--env', 'staging', '--command', serviceCommand(), ...QUICK);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wait timer of 'staging' \(1\.5s\) holds the deployment until/);
    assert.ok(Date.now() - started >= 1500);
  });
});

test('a rollback that cannot restart its revision fails cleanly: previewed with a warning, recorded as failure, announced', async () => {
  const received: { event: string; deployment: number; reason: string }[] = [];
  const hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  try {
    await withRepo(`environments:\n  staging:\n    secrets: [TOKEN]\n    notifications:\n      - webhook: { url: ${url} }\n        events: [deploy_failed]\n`, async (dir) => {
      const nexus = (env: NodeJS.ProcessEnv, ...a: string[]) => runNexus(a, { cwd: dir, env: { NEXUS_ACTOR: '', ...env } });
      const token = { TOKEN: 'tok-rollback-5ecret' };
      for (let i = 0; i < 2; i++) assert.equal((await nexus(token, 'deploy', 'web', '--env', 'staging', '--command', serviceCommand(), ...QUICK)).code, 0);
      const infoPath = join(dir, '.nexus/deploy/daemon.json');
      writeFileSync(infoPath, JSON.stringify({ ...JSON.parse(readFileSync(infoPath, 'utf8')), build: 'an older build' }));
      const upgraded = await nexus({}, 'rollback', 'web', '--env', 'staging', '--to', '1', '--dry-run');
      assert.equal(upgraded.code, 0, upgraded.stderr);
      assert.doesNotMatch(upgraded.stderr, /needs secret/, 'the replaced daemon handed revision 1\'s secret over');
      await (await DeployDaemonClient.find(join(dir, '.nexus')))!.shutdown(false);

      const preview = await nexus({}, 'rollback', 'web', '--env', 'staging', '--to', '1', '--dry-run');
      assert.equal(preview.code, 0, preview.stderr);
      assert.match(preview.stderr, /warning: revision 1 needs secret TOKEN to start, which the deploy daemon does not hold \(secret values are never stored, so a restarted daemon has none\) and this rollback does not bring: set it where nexus rollback runs, or the rollback fails/);
      const failed = await nexus({}, 'rollback', 'web', '--env', 'staging', '--to', '1', '--yes');
      assert.equal(failed.code, 1, failed.stdout + failed.stderr);
      assert.match(failed.stdout, /deployment #3 \(rollback\) failure: revision 1 could not start \(revision 1 of web needs secrets TOKEN, which this supervisor does not hold .*\); revision 2 keeps serving/);
      const record = JSON.parse((await nexus({}, 'deployments', '--show', '3', '--json')).stdout);
      assert.deepEqual(record.statuses.map((s: { state: string }) => s.state), ['queued', 'in_progress', 'failure']);
      const live = await nexus({}, 'deployments', '--live');
      assert.match(live.stdout, /staging\s+web\s+\S+\s+2\s+2:live 1:stopped/, 'the live revision keeps serving');
      for (let i = 0; i < 100 && !received.length; i++) await sleep(50);
      assert.deepEqual(received.map((e) => [e.event, e.deployment]), [['deploy_failed', 3]]);

      const ok = await nexus(token, 'rollback', 'web', '--env', 'staging', '--to', '1', '--yes');
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /deployment #4 \(rollback\) success: revision 1 is live/);
      assert.doesNotMatch(preview.stdout + preview.stderr + failed.stdout + failed.stderr + ok.stdout, /tok-rollback-5ecret/);
    });
  } finally {
    await new Promise((r) => hook.close(r));
  }
});

test('a release resumed by a new daemon announces its conclusion: after a crash with the secrets its client brings, after an upgrade with those the old daemon hands over', async () => {
  const received: { event: string; deployment: number; rule?: string; signature?: string; body: string }[] = [];
  const hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ ...JSON.parse(body), signature: req.headers['x-nexus-signature-256'], body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const secrets = { HOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook-s3cret-path`, HOOK_KEY: 'hook-k3y-value' };
  const signed = (body: string) => `sha256=${createHmac('sha256', secrets.HOOK_KEY).update(body).digest('hex')}`;
  const heard = async (event: string, deployment: number) => {
    for (let i = 0; i < 200 && !received.some((r) => r.event === event && r.deployment === deployment); i++) await sleep(50);
    return received.find((r) => r.event === event && r.deployment === deployment);
  };
  try {
    await withRepo('environments:\n  staging:\n    notifications:\n      - webhook: { url-secret: HOOK_URL, signing-secret: HOOK_KEY }\n        events: [deploy_succeeded, deploy_rolled_back]\n', async (dir) => {
      const dataDir = join(dir, '.nexus');
      const nexus = (env: NodeJS.ProcessEnv, ...a: string[]) => runNexus(a, { cwd: dir, env: { NEXUS_ACTOR: '', ...env } });
      const daemonPid = () => JSON.parse(readFileSync(join(dataDir, 'deploy/daemon.json'), 'utf8')).pid as number;
      assert.equal((await nexus(secrets, 'deploy', 'web', '--env', 'staging', '--command', serviceCommand(), ...QUICK)).code, 0);
      assert.ok(await heard('deploy_succeeded', 1));

      // Revision 2 answers its health check a few times, then fails: the breach comes after the crash.
      const breaking = await nexus(secrets, 'deploy', 'web', '--env', 'staging', '--command', serviceCommand('--healthy-probes 5'), '--wait', 'switch', '--analysis-duration', '8s', '--rollback-window', '0s', '--probe-interval', '300ms');
      assert.equal(breaking.code, 0, breaking.stderr);
      process.kill(daemonPid(), 'SIGKILL');
      const kept = readFileSync(join(dataDir, 'deploy/notify/2.json'), 'utf8');
      assert.match(kept, /"urlSecret": "HOOK_URL"/, 'the targets are kept by secret name');
      assert.equal((await nexus(secrets, 'rollback', 'web', '--env', 'staging', '--dry-run')).code, 0, 'a client with the secrets starts the next daemon');
      const rolledBack = await heard('deploy_rolled_back', 2);
      assert.ok(rolledBack, 'the breach found by the resumed analysis is announced');
      assert.equal(rolledBack.rule, 'health');
      assert.equal(rolledBack.signature, signed(rolledBack.body));

      const third = await nexus(secrets, 'deploy', 'web', '--env', 'staging', '--command', serviceCommand(), '--wait', 'switch', '--analysis-duration', '2s', '--rollback-window', '0s', '--probe-interval', '100ms');
      assert.equal(third.code, 0, third.stderr);
      const infoPath = join(dataDir, 'deploy/daemon.json');
      const old = JSON.parse(readFileSync(infoPath, 'utf8'));
      writeFileSync(infoPath, JSON.stringify({ ...old, build: 'an older build' }));
      assert.equal((await nexus({}, 'rollback', 'web', '--env', 'staging', '--dry-run')).code, 0, 'a client without the secrets replaces the daemon');
      assert.notEqual(daemonPid(), old.pid);
      const succeeded = await heard('deploy_succeeded', 4);
      assert.ok(succeeded, 'the old daemon handed the secrets over');
      assert.equal(succeeded.signature, signed(succeeded.body));
      assert.equal(existsSync(join(dataDir, 'deploy/notify/4.json')), false, 'a concluded release keeps no targets');

      const stored = spawnSync('grep', ['-rlE', 'hook-k3y-value|s3cret-path', dataDir], { encoding: 'utf8' });
      assert.equal(stored.status, 1, `no stored file holds a secret: ${stored.stdout}`);
    });
  } finally {
    await new Promise((r) => hook.close(r));
  }
});
