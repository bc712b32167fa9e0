import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { git, newProject, settledRuns, withServer, type Harness } from './harness.js';
import { runNexus } from '../helpers/cli.js';

const WEBHOOK_SECRET = 'hook-secret';
const pr = `name: PR
on:
  pull_request:
    branches: [main]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: echo "pr \${{ github.event.number }} from \${{ github.head_ref }} event=\${{ github.event_name }}"
`;
const deploy = `name: Deploy
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [staging, production]
        required: true
      dry-run:
        type: boolean
        default: false
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: echo "deploying to \${{ inputs.environment }} dry=\${{ inputs.dry-run }} ref=\${{ github.ref }}"
`;
const nightly = `name: Nightly
on:
  schedule:
    - cron: '0 3 * * *'
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - run: echo "scheduled \${{ github.event.schedule }} on \${{ github.ref }}"
`;

let h: Harness;
let sha: string;
before(async () => {
  h = await withServer({ webhookSecret: WEBHOOK_SECRET });
  const p = await newProject(h, 'app', { 'README.md': 'x\n', '.github/workflows/pr.yml': pr, '.github/workflows/deploy.yml': deploy, '.github/workflows/nightly.yml': nightly });
  await p.push();
  sha = git(p.repo, 'rev-parse', 'HEAD');
});
after(() => h.close());

function deliver(body: unknown, signature: string | null, event = 'pull_request') {
  const raw = JSON.stringify(body);
  return fetch(`${h.url}/webhooks/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': 'd-1', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) },
    body: raw,
  });
}
const sign = (body: unknown, secret = WEBHOOK_SECRET) => `sha256=${createHmac('sha256', secret).update(JSON.stringify(body)).digest('hex')}`;

test('a signed GitHub pull_request webhook starts the workflow; unsigned or badly signed ones are refused and recorded', async () => {
  const payload = { action: 'opened', number: 7, pull_request: { number: 7, head: { sha, ref: 'feature' }, base: { sha, ref: 'main' } }, repository: { name: 'app' }, sender: { login: 'octo' } };
  assert.equal((await deliver(payload, null)).status, 401);
  assert.equal((await deliver(payload, sign(payload, 'wrong'))).status, 401);
  assert.equal((await deliver({ ...payload, number: 8 }, sign(payload))).status, 401, 'a signature over another body');
  assert.equal((await h.api('GET', '/api/runs?project=app')).body.runs.length, 0);
  const ok = await deliver(payload, sign(payload));
  assert.equal(ok.status, 202);
  const [run] = await settledRuns(h, 'app', 1);
  assert.deepEqual([run.event, run.ref, run.conclusion], ['pull_request', 'refs/pull/7/merge', 'success']);
  assert.match((await h.api('GET', `/api/runs/${run.id}/logs`)).text, /pr 7 from feature event=pull_request/);
  const deliveries = (await h.api('GET', '/api/webhooks/deliveries')).body.deliveries;
  assert.deepEqual(deliveries.map((d: { status: number }) => d.status), [202, 401, 401, 401]);
  assert.match(deliveries[3].outcome, /unsigned/);
  assert.match(deliveries[2].outcome, /bad signature/);
});

test('nexus dispatch validates inputs against their types and starts the workflow with them', async () => {
  const env = { NEXUS_SERVER: h.url, NEXUS_TOKEN: h.admin };
  const bad = await runNexus(['dispatch', 'deploy.yml', '--ref', 'main', '--input', 'environment=moon'], { env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /environment=moon: must be one of staging, production/);
  const unknown = await runNexus(['dispatch', 'deploy.yml', '--input', 'colour=red'], { env });
  assert.match(unknown.stderr, /declares no input 'colour'/);
  const r = await runNexus(['dispatch', 'deploy.yml', '--ref', 'main', '--input', 'environment=staging', '--input', 'dry-run=true'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /started run \d+ \(Deploy #\d+\)/);
  const runs = await settledRuns(h, 'app', 2);
  const run = runs.find((x) => x.event === 'workflow_dispatch');
  assert.deepEqual(run.inputs, { environment: 'staging', 'dry-run': true });
  assert.match((await h.api('GET', `/api/runs/${run.id}/logs`)).text, /deploying to staging dry=true ref=refs\/heads\/main/);
});

test('a cron tick fires once on the default branch; a tick missed during downtime is not replayed', async () => {
  const before = (await h.api('GET', '/api/runs?project=app')).body.runs.length;
  const day = Date.UTC(2030, 0, 1);
  const store = h.server.store;
  const project = (await store.getProject('app'))!;
  await store.replaceSchedules(project.id, []);
  await store.replaceSchedules(project.id, [{ workflowPath: '.github/workflows/nightly.yml', cron: '0 3 * * *', nextAt: day + 3 * 3600_000 }]);
  assert.equal(await h.server.sweeper.cron(day + 3 * 3600_000 + 5000), 1, 'the 03:00 tick fires');
  assert.equal(await h.server.sweeper.cron(day + 3 * 3600_000 + 6000), 0, 'and only once');
  assert.equal(await h.server.sweeper.cron(day + 5 * 86_400_000), 0, 'four missed days fire nothing');
  const [next] = await store.dueSchedules(Number.MAX_SAFE_INTEGER);
  assert.equal(next.nextAt, day + 5 * 86_400_000 + 3 * 3600_000, 'the schedule resumes at its next tick');
  const runs = await settledRuns(h, 'app', before + 1);
  const run = runs.find((x) => x.event === 'schedule');
  assert.equal(run.ref, 'refs/heads/main');
  assert.match((await h.api('GET', `/api/runs/${run.id}/logs`)).text, /scheduled 0 3 \* \* \* on refs\/heads\/main/);
});

// Last: the CLI tests above rely on the server having one project.
test('a signed push webhook starts the push workflows once: a redelivery starts nothing; an oversized body is refused unread', async () => {
  const p = await newProject(h, 'hooked', { '.github/workflows/ci.yml': 'on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "pushed ${{ github.event.head_commit.message }} by ${{ github.actor }}"\n' });
  await p.push();
  await settledRuns(h, 'hooked', 1);
  const head = git(p.repo, 'rev-parse', 'HEAD');
  const payload = { ref: 'refs/heads/main', before: '0'.repeat(40), after: head, commits: [{ id: head, message: 'from github', added: ['x'] }], head_commit: { id: head, message: 'from github' }, repository: { name: 'hooked' }, sender: { login: 'octo' } };
  const send = (body: string, delivery: string, signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`) =>
    fetch(`${h.url}/webhooks/github`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': signature }, body });
  const first = await send(JSON.stringify(payload), 'push-1');
  assert.equal(first.status, 202);
  assert.match((await first.json()).outcome, /accepted: 1 run\(s\) started/);
  const runs = await settledRuns(h, 'hooked', 2);
  const hooked = runs.find((r) => r.actor === 'octo');
  assert.deepEqual([hooked.event, hooked.sha, hooked.conclusion], ['push', head, 'success']);
  assert.match((await h.api('GET', `/api/runs/${hooked.id}/logs`)).text, /pushed from github by octo/);
  const again = await send(JSON.stringify(payload), 'push-1');
  assert.equal(again.status, 202);
  assert.match((await again.json()).outcome, /accepted: 0 run\(s\) started/, 'a redelivery starts no run twice');
  assert.equal((await settledRuns(h, 'hooked', 2)).length, 2);
  const huge = await send(JSON.stringify({ ...payload, padding: 'x'.repeat(26 * 1024 * 1024) }), 'push-2', 'sha256=00');
  assert.equal(huge.status, 413);
  const [latest] = (await h.api('GET', '/api/webhooks/deliveries')).body.deliveries;
  assert.deepEqual([latest.delivery, latest.status], ['push-2', 413]);
  assert.match(latest.outcome, /larger than 25 MB/);
});
