import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, newProject, settledRuns, waitFor, withServer, type Harness } from '../server/harness.js';
import type { JobView } from '../../src/server/api-types.js';

const wf = (labels: string) => `on: push
jobs:
  only:
    runs-on: [${labels}]
    steps:
      - run: echo one
`;

let h: Harness;
let runnerToken: string;
before(async () => {
  // No in-process runner: these tests play the runner's part over HTTP themselves.
  h = await withServer({ inProcessRunners: 0, heartbeatMs: 200 });
  runnerToken = (await h.api('POST', '/api/tokens', { name: 'r', role: 'runner' })).body.token;
});
after(() => h.close());

const rpc = (path: string, body: unknown) => call(h.url, 'POST', `/api/runner/v1${path}`, body, runnerToken);
const appendLog = async (jobId: number, lease: { attempt: number; leaseToken: number }, seq: number, data: string) => {
  const q = new URLSearchParams({ attempt: String(lease.attempt), leaseToken: String(lease.leaseToken), seq: String(seq) });
  const res = await fetch(`${h.url}/api/runner/v1/jobs/${jobId}/logs?${q}`, { method: 'POST', headers: { authorization: `Bearer ${runnerToken}` }, body: data });
  return res.json();
};
const register = async (labels: string[]) => (await rpc('/register', { name: 'test', labels, capacity: 1 })).body;

test('a long-poll is woken at once by a queued job, two racing runners get it exactly once, and the queue says why it waits', async () => {
  const a = await register(['gpu', 'linux']);
  const b = await register(['gpu', 'linux']);
  const p = await newProject(h, 'race', { '.github/workflows/ci.yml': wf('gpu, linux') });
  const polls = [rpc('/poll', { runnerId: a.runnerId, timeoutMs: 4000 }), rpc('/poll', { runnerId: b.runnerId, timeoutMs: 4000 })];
  await new Promise((r) => setTimeout(r, 100));
  await p.push();
  const first = await Promise.race(polls);
  const answeredAt = Date.now();
  assert.equal(first.status, 200);
  const job = first.body.assignment.job;
  const queuedAt = (await h.api('GET', `/api/jobs/${job.id}`)).body.job.queuedAt;
  assert.ok(answeredAt - queuedAt < 500, `woken by the queue, not by a poll interval (${answeredAt - queuedAt} ms after queueing)`);
  assert.equal(job.key, 'only');
  const lease = { attempt: job.attempt, leaseToken: job.leaseToken };
  assert.equal((await rpc(`/jobs/${job.id}/ack`, { ...lease, leaseToken: job.leaseToken + 1 })).status, 409, 'a wrong fencing token is refused');
  assert.equal((await rpc(`/jobs/${job.id}/ack`, lease)).status, 200);
  const heartbeats = setInterval(() => void rpc(`/jobs/${job.id}/heartbeat`, lease), 100);
  const results = await Promise.all(polls);
  clearInterval(heartbeats);
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 204], 'exactly one runner got the job');
  assert.deepEqual(await appendLog(job.id, lease, 0, 'line 1'), { stored: 1 });
  assert.deepEqual(await appendLog(job.id, lease, 0, 'line 1'), { stored: 1 }, 'a retried chunk is not stored twice');
  assert.deepEqual(await appendLog(job.id, lease, 5, 'line 6'), { stored: 1 }, 'a gap is refused');
  assert.equal((await appendLog(job.id, { ...lease, leaseToken: lease.leaseToken + 7 }, 1, 'x')).error.code, 'STALE_LEASE');
  assert.equal((await rpc(`/jobs/${job.id}/heartbeat`, lease)).body.cancel, false);
  assert.equal((await h.api('POST', `/api/jobs/${job.id}/cancel`)).status, 202);
  assert.equal((await rpc(`/jobs/${job.id}/heartbeat`, lease)).body.cancel, true, 'cancellation arrives in the heartbeat reply');
  assert.equal((await rpc(`/jobs/${job.id}/finish`, { ...lease, conclusion: 'cancelled' })).status, 200);
  assert.equal((await rpc(`/jobs/${job.id}/heartbeat`, lease)).status, 409, 'a finished job has no lease');
  const [run] = await settledRuns(h, 'race', 1);
  assert.equal(run.conclusion, 'cancelled');
  assert.equal((await h.api('GET', `/api/jobs/${job.id}/logs`)).text, 'line 1\n');

  const q = await newProject(h, 'nobody', { '.github/workflows/ci.yml': wf('arm64, macos') });
  await q.push();
  const waiting = await waitFor('a queued job', async () => {
    const runs = (await h.api('GET', '/api/runs?project=nobody')).body.runs;
    return runs[0] && (await h.api('GET', `/api/runs/${runs[0].id}`)).body.jobs.find((j: JobView) => j.status === 'queued');
  });
  assert.equal(waiting.waitingReason, 'no runner with labels [arm64, macos] is connected');
  await h.api('POST', `/api/jobs/${waiting.id}/cancel`);
});

test('a claim whose answer was lost is re-queued within seconds and its stale holder is fenced off', async () => {
  const r = await register(['solo']);
  const p = await newProject(h, 'lost', { '.github/workflows/ci.yml': wf('solo') });
  await p.push();
  const first = await waitFor('a claim', async () => {
    const res = await rpc('/poll', { runnerId: r.runnerId, timeoutMs: 1000 });
    return res.status === 200 && res.body.assignment.job;
  });
  // Never acknowledged: the server must give the job out again after ack timeout (2 heartbeats).
  const started = Date.now();
  const again = await waitFor('the job to come back', async () => {
    const res = await rpc('/poll', { runnerId: r.runnerId, timeoutMs: 1000 });
    return res.status === 200 && res.body.assignment.job;
  }, 10_000);
  assert.equal(again.id, first.id);
  assert.ok(Date.now() - started < 5000, 're-queued within seconds');
  assert.ok(again.leaseToken > first.leaseToken);
  assert.equal((await rpc(`/jobs/${first.id}/ack`, { attempt: first.attempt, leaseToken: first.leaseToken })).status, 409);
  assert.equal((await rpc(`/jobs/${again.id}/ack`, { attempt: again.attempt, leaseToken: again.leaseToken })).status, 200);
  assert.equal((await rpc(`/jobs/${again.id}/finish`, { attempt: again.attempt, leaseToken: again.leaseToken, conclusion: 'success' })).status, 200);
  assert.equal((await settledRuns(h, 'lost', 1))[0].conclusion, 'success');
});

test('the server enforces a job timeout even while its runner keeps the lease alive: the job fails and the runner is fenced off', async () => {
  const r = await register(['slow']);
  const p = await newProject(h, 'timeout', { '.github/workflows/ci.yml': 'on: push\njobs:\n  stuck:\n    runs-on: [slow]\n    timeout-minutes: 0.01\n    steps:\n      - run: sleep 60\n' });
  await p.push();
  const job = await waitFor('a claim', async () => {
    const res = await rpc('/poll', { runnerId: r.runnerId, timeoutMs: 1000 });
    return res.status === 200 && res.body.assignment.job;
  });
  const lease = { attempt: job.attempt, leaseToken: job.leaseToken };
  assert.equal((await rpc(`/jobs/${job.id}/ack`, lease)).status, 200);
  const fenced = await waitFor('the heartbeat to be refused', async () => (await rpc(`/jobs/${job.id}/heartbeat`, lease)).status === 409, 5000, 100);
  assert.ok(fenced);
  const ended = (await h.api('GET', `/api/jobs/${job.id}`)).body.job;
  assert.equal(ended.conclusion, 'failure');
  assert.match(ended.reason, /timed out after 0\.01 minutes/);
});

test('a runner token limited to projects takes only their jobs; another token can neither poll as its runner nor touch its lease', async () => {
  const b = await newProject(h, 'scope-b', { '.github/workflows/ci.yml': wf('scoped') });
  const a = await newProject(h, 'scope-a', { '.github/workflows/ci.yml': wf('scoped') });
  const scoped = (await h.api('POST', '/api/tokens', { name: 'scoped', role: 'runner', projects: ['scope-a'] })).body;
  assert.equal((await h.api('POST', '/api/tokens', { role: 'runner', projects: ['no-such-project'] })).status, 404);
  assert.equal((await h.api('POST', '/api/tokens', { role: 'viewer', projects: ['scope-a'] })).status, 400, 'only runner tokens are scoped');
  assert.deepEqual(scoped.projects, ['scope-a']);
  const srpc = (path: string, body: unknown, token = scoped.token) => call(h.url, 'POST', `/api/runner/v1${path}`, body, token);
  const { runnerId } = (await srpc('/register', { labels: ['scoped'] })).body;
  await b.push();
  const queued = await waitFor('scope-b\'s job queued', async () => {
    const runs = (await h.api('GET', '/api/runs?project=scope-b')).body.runs;
    return runs[0] && (await h.api('GET', `/api/runs/${runs[0].id}`)).body.jobs.find((j: JobView) => j.status === 'queued');
  });
  assert.equal((await srpc('/poll', { runnerId, timeoutMs: 300 })).status, 204, 'another project\'s job is not for this token');
  assert.equal((await h.api('GET', `/api/jobs/${queued.id}`)).body.job.waitingReason, 'no connected runner with labels [scoped] may take jobs of scope-b: their tokens are limited to other projects');
  await a.push();
  const claim = await waitFor('scope-a\'s job', async () => {
    const r = await srpc('/poll', { runnerId, timeoutMs: 1000 });
    return r.status === 200 && r.body.assignment;
  });
  assert.equal(claim.run.repository, 'nexus/scope-a');
  assert.equal((await rpc('/poll', { runnerId, timeoutMs: 0 })).status, 403, 'a runner polls only with the token it registered with');
  const lease = { attempt: claim.job.attempt, leaseToken: claim.job.leaseToken };
  assert.equal((await rpc(`/jobs/${claim.job.id}/ack`, lease)).status, 409, 'a lease belongs to the token whose runner claimed the job');
  assert.equal((await srpc(`/jobs/${claim.job.id}/ack`, lease)).status, 200);
  assert.equal((await rpc(`/jobs/${claim.job.id}/heartbeat`, lease)).status, 409);
  assert.equal((await rpc(`/jobs/${claim.job.id}/finish`, { ...lease, conclusion: 'failure' })).status, 409);
  assert.equal((await srpc(`/jobs/${claim.job.id}/finish`, { ...lease, conclusion: 'success' })).status, 200);
  await h.api('POST', `/api/jobs/${queued.id}/cancel`);
});

test('a job retried after its runner was lost logs each attempt, with a line where the new one starts', async () => {
  const r = await register(['retry']);
  const p = await newProject(h, 'retried', { '.github/workflows/ci.yml': wf('retry') }, { retryRunnerLost: true });
  await p.push();
  const claim = async () => waitFor('a claim', async () => {
    const res = await rpc('/poll', { runnerId: r.runnerId, timeoutMs: 1000 });
    return res.status === 200 && res.body.assignment.job;
  });
  const first = await claim();
  const lease1 = { attempt: first.attempt, leaseToken: first.leaseToken };
  assert.equal((await rpc(`/jobs/${first.id}/ack`, lease1)).status, 200);
  assert.deepEqual(await appendLog(first.id, lease1, 0, 'from attempt one'), { stored: 1 });
  // No heartbeats: the lease lapses and the project retries the job as attempt 2.
  const second = await claim();
  assert.deepEqual([second.id, second.attempt], [first.id, 2]);
  const lease2 = { attempt: second.attempt, leaseToken: second.leaseToken };
  assert.equal((await rpc(`/jobs/${second.id}/ack`, lease2)).status, 200);
  assert.deepEqual(await appendLog(second.id, lease2, 0, 'from attempt two'), { stored: 1 });
  assert.equal((await rpc(`/jobs/${second.id}/finish`, { ...lease2, conclusion: 'success' })).status, 200);
  assert.equal((await h.api('GET', `/api/jobs/${first.id}/logs`)).text, 'from attempt one\n===== attempt 2 (the lines before are from attempt 1) =====\nfrom attempt two\n');
  const follow = await fetch(`${h.url}/api/jobs/${first.id}/logs?follow=1&after=${first.id}:1:0`, { headers: { authorization: `Bearer ${h.admin}` } });
  const events = await follow.text();
  assert.ok(!events.includes('from attempt one'), 'a stream resumed after a cursor starts after it');
  assert.match(events, /data: ===== attempt 2 \(the lines before are from attempt 1\) =====\ndata: from attempt two/);
});
