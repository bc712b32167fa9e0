import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { git, newProject, settledRuns, withServer, type Harness } from './harness.js';

const SECRET = 'Zq7-very-secret-Value';
const wf = `on: push
jobs:
  leak:
    runs-on: ubuntu-latest
    outputs:
      token: \${{ steps.s.outputs.token }}
    steps:
      - id: s
        run: |
          echo "plain $API_KEY and \${{ secrets.API_KEY }}"
          echo "token=$API_KEY" >> "$GITHUB_OUTPUT"
        env:
          API_KEY: \${{ secrets.API_KEY }}
`;

let h: Harness;
const tokens: Record<string, string> = {};
let runId: number;
let jobId: number;
let sha: string;
let tokensAtStart: number;
let runnerId: number;
before(async () => {
  h = await withServer();
  for (const role of ['viewer', 'developer', 'runner']) tokens[role] = (await h.api('POST', '/api/tokens', { name: role, role })).body.token;
  tokens.admin = h.admin;
  tokensAtStart = await h.server.store.countTokens();
  runnerId = (await h.api('POST', '/api/runner/v1/register', { labels: ['x'] }, tokens.runner)).body.runnerId;
  const p = await newProject(h, 'sec', { '.github/workflows/leak.yml': wf });
  assert.equal((await h.api('PUT', '/api/projects/sec/secrets/API_KEY', { value: SECRET })).status, 204);
  await p.push();
  const [run] = await settledRuns(h, 'sec', 1);
  runId = run.id;
  sha = git(p.repo, 'rev-parse', 'HEAD');
  jobId = (await h.api('GET', `/api/runs/${runId}`)).body.jobs[0].id;
});
after(() => h.close());

type Role = 'viewer' | 'developer' | 'admin' | 'runner';
const mutating: [string, string, unknown, Role][] = [
  ['POST', '/api/projects', { name: 'new-one' }, 'admin'],
  ['PATCH', '/api/projects/sec', { retryRunnerLost: true }, 'admin'],
  ['PUT', '/api/projects/sec/secrets/OTHER', { value: 'x' }, 'admin'],
  ['DELETE', '/api/projects/sec/secrets/OTHER', undefined, 'admin'],
  ['PUT', '/api/projects/sec/variables/COLOUR', { value: 'blue' }, 'admin'],
  ['DELETE', '/api/projects/sec/variables/COLOUR', undefined, 'admin'],
  ['POST', '/api/approvals/1', { decision: 'approve' }, 'developer'],
  ['POST', '/api/tokens', { role: 'viewer' }, 'admin'],
  ['GET', '/api/webhooks/deliveries', undefined, 'admin'],
  ['POST', '/api/projects/sec/dispatches', { workflow: 'leak.yml' }, 'developer'],
  ['POST', '/api/runs/1/cancel', undefined, 'developer'],
  ['POST', '/api/jobs/1/cancel', undefined, 'developer'],
  ['POST', '/api/runs/1/rerun', { failed: true }, 'developer'],
  ['POST', '/api/runner/v1/register', { labels: ['x'] }, 'runner'],
  ['POST', '/api/runner/v1/poll', { runnerId: 'REGISTERED', timeoutMs: 0 }, 'runner'],
  ['POST', '/api/runner/v1/jobs/1/ack', { attempt: 1, leaseToken: 1 }, 'runner'],
  ['POST', '/api/runner/v1/jobs/1/heartbeat', { attempt: 1, leaseToken: 1 }, 'runner'],
  ['POST', '/api/runner/v1/jobs/1/logs', { attempt: 1, leaseToken: 1, seq: 0, data: 'x' }, 'runner'],
  ['POST', '/api/runner/v1/jobs/1/steps', { attempt: 1, leaseToken: 1, number: 1, name: 'x', status: 'completed' }, 'runner'],
  ['POST', '/api/runner/v1/jobs/1/finish', { attempt: 1, leaseToken: 1, conclusion: 'success' }, 'runner'],
  ['DELETE', '/api/projects/sec/caches?key=none', undefined, 'developer'],
  ['POST', '/api/runner/v1/jobs/1/artifacts/upload?attempt=1&leaseToken=1&name=x', 'x', 'runner'],
  ['POST', '/api/runner/v1/jobs/1/artifacts/list', { attempt: 1, leaseToken: 1 }, 'runner'],
  ['POST', '/api/runner/v1/jobs/1/artifacts/download', { attempt: 1, leaseToken: 1, name: 'x' }, 'runner'],
  ['POST', '/api/runner/v1/jobs/1/caches/lookup', { attempt: 1, leaseToken: 1, key: 'k', version: 'v' }, 'runner'],
  ['POST', '/api/runner/v1/jobs/1/caches/download', { attempt: 1, leaseToken: 1, key: 'k', scope: 's', version: 'v' }, 'runner'],
  ['POST', '/api/runner/v1/jobs/1/caches/offer?attempt=1&leaseToken=1', 'x', 'runner'],
  ['POST', '/api/runner/v1/deployments', { origin: 'o', records: [] }, 'runner'],
];
// The runner protocol hands out secrets with each job: runner tokens only, and they nothing else.
const allowed = (need: Role, role: Role) =>
  need === 'runner' ? role === 'runner' : role !== 'runner' && ['viewer', 'developer', 'admin'].indexOf(role) >= ['viewer', 'developer', 'admin'].indexOf(need);

test('every mutating endpoint refuses a missing token (401) and a role below the one it needs (403)', async () => {
  for (const [method, path, given, need] of mutating) {
    // A runner polls under its own registration: the one the runner token made.
    const body = given && typeof given === 'object' && 'runnerId' in given ? { ...given, runnerId } : given;
    assert.equal((await h.api(method, path, body, null)).status, 401, `${method} ${path} without a token`);
    assert.equal((await h.api(method, path, body, 'nxs_not-a-token')).status, 401, `${method} ${path} with a bad token`);
    for (const role of ['viewer', 'developer', 'runner', 'admin'] as Role[]) {
      const { status, text } = await h.api(method, path, body, tokens[role]);
      if (allowed(need, role)) assert.ok(status !== 401 && status !== 403, `${role} may ${method} ${path}: got ${status} ${text}`);
      else assert.equal(status, 403, `${role} may not ${method} ${path}`);
    }
  }
});

test('the in-process runner speaks with a credential of its own process, not a stored token', async () => {
  assert.equal(tokensAtStart, 4, 'the admin token and the three this test created, nothing for the in-process runner');
  assert.equal((await h.api('GET', '/api/projects/sec/variables')).status, 200);
});

test('no API response contains a secret: logs are masked and secrets are write-only', async () => {
  const logs = (await h.api('GET', `/api/runs/${runId}/logs`)).text;
  assert.match(logs, /plain \*\*\* and \*\*\*/);
  const follow = await fetch(`${h.url}/api/jobs/${jobId}/logs?follow=1`, { headers: { authorization: `Bearer ${h.admin}` } });
  const bodies = [logs, await follow.text()];
  for (const path of [
    '/api/projects', '/api/projects/sec', '/api/runs', `/api/runs/${runId}`, `/api/jobs/${jobId}`, `/api/jobs/${jobId}/logs`,
    '/api/projects/sec/secrets', '/api/projects/sec/variables', `/api/projects/sec/commits/${sha}/checks`, '/api/runners', '/api/cost', '/api/webhooks/deliveries', '/api/health',
  ]) {
    const r = await h.api('GET', path);
    assert.equal(r.status, 200, path);
    bodies.push(r.text);
  }
  assert.deepEqual((await h.api('GET', '/api/projects/sec/secrets')).body.secrets.map((s: { name: string }) => s.name), ['API_KEY']);
  for (const b of bodies) assert.ok(!b.includes(SECRET), `a response leaked the secret: ${b.slice(0, 200)}`);
});
