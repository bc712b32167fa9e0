/**
 * The approval gate of `nexus run`, used as a user does: a real run waiting in one process, reviews from
 * other processes, the terminal prompt through a pseudo-terminal (`script`), and the signed
 * approval_requested webhook. Environment secrets (`ENV:NAME`) reach only the jobs of their environment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gitRepo, nexusBin, runNexus, tempDir, type CliResult } from '../helpers/cli.js';

const WORKFLOW = `name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "build sees [\${{ secrets.DB_PASSWORD }}] [\${{ secrets.TOKEN }}]"
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: test "\${{ secrets.DB_PASSWORD }}" = pw-hunter2 && echo "deploy sees [\${{ secrets.DB_PASSWORD }}] [\${{ secrets.TOKEN }}]" && date +%s%3N > "$MARKER"
`;

const production = (extra = '') => `environments:
  production:
    reviewers: [alice, bob, carol]
    prevent-self-review: true
    deployment-branches: { branches: [main] }
    secrets: [DB_PASSWORD]
${extra}`;

interface Repo {
  dir: string;
  data: string;
  /** Where the deploy job writes the time it ran (ms). */
  marker: string;
  nexus: (...args: string[]) => Promise<CliResult>;
}

/** A repository whose runs bob triggers (git's user.name), with the environments file given. */
async function withRepo(environments: string, body: (repo: Repo) => Promise<void>): Promise<void> {
  const { dir: root, cleanup } = tempDir('nexus-run-gate-');
  const dir = join(root, 'repo');
  gitRepo(dir, { '.github/workflows/ci.yml': WORKFLOW, '.nexus/environments.yml': environments, '.gitignore': '.nexus/*\n!.nexus/environments.yml\n' });
  execFileSync('git', ['config', 'user.name', 'bob'], { cwd: dir });
  const marker = join(root, 'deployed-at');
  const nexus = (...args: string[]) => runNexus(args[0] === 'run' ? [...args, '--env', `MARKER=${marker}`] : args, { cwd: dir, env: { NEXUS_ACTOR: '' } });
  try {
    await body({ dir, data: join(dir, '.nexus'), marker, nexus });
  } finally {
    cleanup();
  }
}

const requestPath = (data: string, run: string) => join(data, 'approvals', `${run}--production.json`);

async function pending(data: string, run: string): Promise<{ requestedAt: string; reviews: { actor: string; decision: string; comment?: string }[] }> {
  for (let i = 0; i < 400; i++) {
    if (existsSync(requestPath(data, run))) return JSON.parse(readFileSync(requestPath(data, run), 'utf8'));
    await sleep(25);
  }
  throw new Error(`run ${run} never asked for a review`);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 800 && !condition(); i++) await sleep(25);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

async function receiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => new Promise((r) => server.close(r)) };
}

test('a job of a protected environment waits for a required reviewer in another shell; a non-reviewer and the author are refused', async () => {
  const hook = await receiver();
  const notifications = `    notifications:\n      - webhook: { url: ${hook.url}, signing-secret: HOOK_KEY }\n        events: [approval_requested]\n`;
  try {
    await withRepo(production(notifications), async ({ data, marker, nexus }) => {
      const running = nexus('run', '-s', 'production:DB_PASSWORD=pw-hunter2', '-s', 'TOKEN=tok-1', '-s', 'production:HOOK_KEY=hook-k3y');
      await pending(data, '1');
      const stranger = await nexus('approve', '1', '--env', 'production', '--as', 'mallory');
      assert.equal(stranger.code, 1);
      assert.match(stranger.stderr, /mallory is not a required reviewer of 'production' \(reviewers: alice, bob, carol\)/);
      const self = await nexus('approve', '1', '--env', 'production', '--as', 'bob');
      assert.equal(self.code, 1);
      assert.match(self.stderr, /bob triggered this deployment and 'production' prevents self-review/);
      await sleep(600);
      assert.equal(existsSync(marker), false, 'the job waits for a review that counts');

      const ok = await nexus('approve', '1', '--env', 'production', '--as', 'alice', '--comment', 'ship it');
      assert.equal(ok.code, 0, ok.stderr);
      const run = await running;
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.ok(existsSync(marker), 'the job ran once approved');
      assert.match(run.stdout, /\[deploy\] waiting for a review of 'production' by one of alice, bob, carol \(not bob, who triggered it\): nexus approve 1 --env production \[--comment TEXT\] \(or nexus reject\); the request expires at 20\d\d-/);
      assert.match(run.stdout, /\[deploy\] deployment to 'production' approved by alice: ship it\n/);
      assert.deepEqual((await pending(data, '1')).reviews.map((r) => [r.actor, r.decision, r.comment]), [['alice', 'approved', 'ship it']]);

      assert.match(run.stdout, /build sees \[\] \[\*\*\*\]/, 'a job without the environment gets the repository secrets only');
      assert.match(run.stdout, /deploy sees \[\*\*\*\] \[\*\*\*\]/, 'the job of the environment gets its secrets too');
      assert.doesNotMatch(run.stdout + run.stderr, /pw-hunter2|hook-k3y|tok-1/);

      assert.equal(hook.received.length, 1);
      const [request] = hook.received;
      assert.equal(request.headers['x-nexus-event'], 'approval_requested');
      assert.equal(request.headers['x-nexus-signature-256'], `sha256=${createHmac('sha256', 'hook-k3y').update(request.body).digest('hex')}`, 'signed with the environment secret');
      const event = JSON.parse(request.body);
      assert.deepEqual([event.event, event.environment, event.run, event.reviewers, event.actor, event.ref], ['approval_requested', 'production', '1', ['alice', 'bob', 'carol'], 'bob', 'refs/heads/main']);
      const stored = spawnSync('grep', ['-rlE', 'pw-hunter2|hook-k3y|tok-1', data, '--exclude-dir=work'], { encoding: 'utf8' });
      assert.equal(stored.status, 1, `no stored record holds a secret: ${stored.stdout}`);
    });
  } finally {
    await hook.close();
  }
});

test('--approve is a review by the operator, and counts only when the rules let the operator review', async () => {
  await withRepo(production(), async ({ dir, data, marker, nexus }) => {
    const unset = await nexus('run', '-s', 'production:UNSET_SECRET_FOR_GATE_TEST');
    assert.equal(unset.code, 2);
    assert.match(unset.stderr, /^nexus run: -s production:UNSET_SECRET_FOR_GATE_TEST: no value given and no environment variable UNSET_SECRET_FOR_GATE_TEST$/m);
    writeFileSync(join(dir, 'broken.secrets'), 'production:DB_PASSWORD=x\nproduction:=y\n');
    const broken = await nexus('run', '--secret-file', 'broken.secrets');
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.secrets:2:1: expected NAME=VALUE/);
    const self = await nexus('run', '--approve', 'production', '-s', 'production:DB_PASSWORD=pw-hunter2');
    assert.equal(self.code, 2, self.stdout);
    assert.match(self.stderr, /--approve production: bob triggered this deployment and 'production' prevents self-review; run as a reviewer \(--as NAME\)/);
    assert.equal(existsSync(join(data, 'approvals')), false, 'refused before anything ran');
    const stranger = await nexus('run', '--approve', 'production', '--as', 'mallory');
    assert.equal(stranger.code, 2);
    assert.match(stranger.stderr, /--approve production: mallory is not a required reviewer of 'production'/);
    const any = await nexus('run', '--approve', '*', '-s', 'production:DB_PASSWORD=pw-hunter2');
    assert.equal(any.code, 1, 'every environment approved by the author: the gate refuses that review');
    assert.match(any.stdout, /bob triggered this deployment and 'production' prevents self-review/);
    assert.equal(existsSync(marker), false);

    writeFileSync(join(dir, '.secrets'), '# the environment\'s own value, read from the default secret file\nproduction:DB_PASSWORD=pw-hunter2\n');
    const ok = await nexus('run', '--approve', 'production', '--as', 'carol');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /\[deploy\] deployment to 'production' approved by carol \(--approve\)/);
    assert.deepEqual((await pending(data, '2')).reviews.map((r) => [r.actor, r.decision]), [['carol', 'approved']]);
  });
});

test('a wait timer holds a job, approved or not needing review, until it ends', async () => {
  await withRepo(production('    wait-timer: 1500ms\n  qa:\n    wait-timer: 1s\n'), async ({ dir, data, marker, nexus }) => {
    const run = await nexus('run', '--approve', 'production', '--as', 'alice', '-s', 'production:DB_PASSWORD=pw-hunter2');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /\[deploy\] wait timer of 'production' \(1\.5s\) holds the deployment until 20\d\d-/);
    const requested = Date.parse((await pending(data, '1')).requestedAt);
    assert.ok(Number(readFileSync(marker, 'utf8')) - requested >= 1500, 'the job started after the wait timer');

    writeFileSync(join(dir, '.github/workflows/ci.yml'), WORKFLOW.replace('environment: production', 'environment: qa').replace('test "${{ secrets.DB_PASSWORD }}" = pw-hunter2 && ', ''));
    const qa = await nexus('run');
    assert.equal(qa.code, 0, qa.stdout + qa.stderr);
    assert.match(qa.stdout, /\[deploy\] wait timer of 'qa' \(1s\) holds the deployment until/);
    const qaRequested = Date.parse(JSON.parse(readFileSync(join(data, 'approvals', '2--qa.json'), 'utf8')).requestedAt);
    assert.ok(Number(readFileSync(marker, 'utf8')) - qaRequested >= 1000);
  });
});

test('a branch outside the policy is refused, and an unreviewed request expires', async () => {
  await withRepo(production('    approval-expiry: 1s\n'), async ({ dir, marker, nexus }) => {
    execFileSync('git', ['checkout', '-q', '-b', 'feature'], { cwd: dir });
    const refused = await nexus('run', '--approve', 'production', '--as', 'alice');
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /refs\/heads\/feature may not deploy to 'production' \(allowed: branch main\)/);
    execFileSync('git', ['checkout', '-q', 'main'], { cwd: dir });
    const expired = await nexus('run', '-s', 'production:DB_PASSWORD=pw-hunter2');
    assert.equal(expired.code, 1);
    assert.match(expired.stdout, /Deployment to 'production' expired: no review within 1s; the approval request expired at 20\d\d-/);
    assert.equal(existsSync(marker), false);
  });
});

/** `nexus run` on a pseudo-terminal; `answer` is typed when the prompt appears; `onOutput` sees the output so far. */
function onTerminal(dir: string, args: string[], answer?: string, onOutput?: (text: string) => void): Promise<CliResult> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const child = spawn('script', ['-qec', [process.execPath, nexusBin, 'run', ...args].map(quote).join(' '), '/dev/null'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', NEXUS_ACTOR: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let raw = '';
  let answered = false;
  const text = () => raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
  child.stdout.on('data', (d) => {
    raw += d;
    if (answer !== undefined && !answered && /Approve as \w+\? \[y\/N\] /.test(text())) {
      answered = true;
      child.stdin.write(`${answer}\r`);
    }
    onOutput?.(text());
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    child.stdin.destroy();
    resolve({ code, stdout: text(), stderr: '' });
  }));
}

test('on a terminal a reviewer is asked; a review from another shell closes the question; the author is not asked', async () => {
  await withRepo(production(), async ({ dir, marker, nexus }) => {
    const secret = ['-s', 'production:DB_PASSWORD=pw-hunter2', '--env', `MARKER=${marker}`];
    const yes = await onTerminal(dir, ['--as', 'alice', ...secret], 'y');
    assert.equal(yes.code, 0, yes.stdout);
    assert.match(yes.stdout, /Job 'deploy' deploys to 'production'\. Approve as alice\? \[y\/N\] y\n/);
    assert.match(yes.stdout, /\[deploy\] deployment to 'production' approved by alice \(answered on the terminal\)/);

    const no = await onTerminal(dir, ['--as', 'carol', ...secret], 'n');
    assert.equal(no.code, 1, no.stdout);
    assert.match(no.stdout, /Deployment to 'production' rejected: rejected by carol: answered on the terminal/);

    let asked = false;
    const elsewhere = onTerminal(dir, ['--as', 'alice', ...secret], undefined, (t) => (asked ||= /Approve as alice\?/.test(t)));
    await until(() => asked, 'the prompt');
    const approve = await nexus('approve', '3', '--env', 'production', '--as', 'carol');
    assert.equal(approve.code, 0, approve.stderr);
    const closed = await elsewhere;
    assert.equal(closed.code, 0, closed.stdout);
    assert.match(closed.stdout, /\[deploy\] deployment to 'production' approved by carol\n/);

    let waiting = false;
    const author = onTerminal(dir, secret, undefined, (t) => (waiting ||= /not asking here/.test(t)));
    await until(() => waiting, 'the run to wait');
    assert.equal((await nexus('approve', '4', '--env', 'production', '--as', 'alice')).code, 0);
    const unasked = await author;
    assert.equal(unasked.code, 0, unasked.stdout);
    assert.match(unasked.stdout, /\[deploy\] not asking here: bob triggered this deployment and 'production' prevents self-review/);
    assert.doesNotMatch(unasked.stdout, /Approve as/);
  });
});
