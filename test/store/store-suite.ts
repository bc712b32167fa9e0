/** The store's conformance suite: every driver runs exactly these tests. */
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/store.js';
import type { NewJob } from '../../src/store/types.js';

export interface StoreFixture {
  /** Opens another store on the same database (as a second replica would). */
  open(): Promise<Store>;
  /** Every byte the database holds for secrets, as text. */
  rawSecrets(): Promise<string>;
}

/** Each test queues jobs under its own label, so the suite's tests never claim each other's jobs. */
let label = '';
const job = (key: string, extra: Partial<NewJob> = {}): NewJob => ({
  key, jobId: key, name: key, needs: [], runsOn: [label], plan: {}, status: 'queued', timeoutMs: 60_000, ...extra,
});

export function storeSuite(fixture: () => StoreFixture): void {
  let n = 0;
  async function withRun(store: Store, jobs: NewJob[]) {
    const project = await store.createProject(`p${++n}-${Math.random().toString(36).slice(2, 8)}`);
    const run = await store.createRun({
      projectId: project.id, workflowPath: '.github/workflows/ci.yml', workflowName: 'CI', event: 'push', ref: 'refs/heads/main',
      sha: 'a'.repeat(40), payload: {}, inputs: {}, actor: 'test', status: 'in_progress', plan: {}, jobs,
    });
    return { project, run };
  }
  const runner = { id: 1, labels: [] as string[] };
  beforeEach(() => {
    label = `l${Math.random().toString(36).slice(2)}`;
    runner.labels = [label, 'linux'];
  });

  test('migrations run once even when two replicas start together', async () => {
    const [a, b] = await Promise.all([fixture().open(), fixture().open()]);
    const p = await a.createProject('migrated');
    assert.equal((await b.getProject('migrated'))?.id, p.id);
    await Promise.all([a.close(), b.close()]);
  });

  test('runs are numbered per project and keep their jobs', async () => {
    const store = await fixture().open();
    const { project, run } = await withRun(store, [job('build'), job('test', { needs: ['build'], status: 'pending' })]);
    const second = await store.createRun({ ...run, projectId: project.id, status: 'in_progress', jobs: [] });
    assert.deepEqual([run.number, second.number], [1, 2]);
    const jobs = await store.listJobs(run.id);
    assert.deepEqual(jobs.map((j) => [j.key, j.status, j.needs]), [['build', 'queued', []], ['test', 'pending', ['build']]]);
    assert.equal(await store.updateJob(jobs[1].id, { status: 'queued' }, ['pending']), true);
    assert.equal(await store.updateJob(jobs[1].id, { status: 'queued' }, ['pending']), false, 'a transition applies once');
    await store.close();
  });

  test('a claim needs every runs-on label and two racing runners get the job exactly once', async () => {
    const fx = fixture();
    const [a, b] = await Promise.all([fx.open(), fx.open()]);
    const { run } = await withRun(a, [job('gpu', { runsOn: [label, 'gpu'] }), job('one')]);
    const claims = await Promise.all([a.claimJob(runner, 5000), b.claimJob({ ...runner, id: 2 }, 5000), a.claimJob(runner, 5000), b.claimJob(runner, 5000)]);
    const won = claims.filter((c) => c && c.runId === run.id);
    assert.equal(won.length, 1);
    assert.equal(won[0]!.key, 'one');
    assert.equal((await a.listJobs(run.id)).find((j) => j.key === 'gpu')!.status, 'queued');
    await Promise.all([a.close(), b.close()]);
  });

  test('every call needs the current lease; stale tokens are refused', async () => {
    const store = await fixture().open();
    const { run } = await withRun(store, [job('j')]);
    const claimed = (await store.claimJob(runner, 5000))!;
    assert.equal(claimed.runId, run.id);
    const lease = { jobId: claimed.id, attempt: claimed.attempt, leaseToken: claimed.leaseToken };
    await assert.rejects(store.heartbeat(lease, 1000), /STALE|assigned/i, 'no heartbeat before the acknowledgement');
    await assert.rejects(store.ackJob({ ...lease, leaseToken: lease.leaseToken - 1 }, 1000), (e: any) => e.code === 'STALE_LEASE');
    const running = await store.ackJob(lease, 1000);
    assert.equal(running.status, 'running');
    assert.equal((await store.ackJob(lease, 1000)).status, 'running', 'a repeated ack is harmless');
    assert.equal((await store.heartbeat(lease, 1000)).cancelRequested, false);
    await store.updateJob(lease.jobId, { cancelRequested: true }, ['running']);
    assert.equal((await store.heartbeat(lease, 1000)).cancelRequested, true, 'cancellation rides on the heartbeat');
    const done = await store.finishJob(lease, { conclusion: 'success', outputs: { v: '1' } });
    assert.deepEqual([done.status, done.conclusion, done.outputs, done.billableMinutes], ['completed', 'success', { v: '1' }, 1]);
    assert.equal((await store.finishJob(lease, { conclusion: 'failure' })).conclusion, 'success', 'a retried finish changes nothing');
    await assert.rejects(store.heartbeat(lease, 1000), (e: any) => e.code === 'STALE_LEASE');
    await store.close();
  });

  test('log chunks are stored once, in order, and a gap is not written', async () => {
    const store = await fixture().open();
    await withRun(store, [job('logs')]);
    const c = (await store.claimJob(runner, 5000))!;
    const lease = { jobId: c.id, attempt: c.attempt, leaseToken: c.leaseToken };
    await store.ackJob(lease, 5000);
    assert.equal(await store.appendLog(lease, 0, 'line 0'), 1);
    assert.equal(await store.appendLog(lease, 0, 'line 0'), 1, 'a retried chunk is not duplicated');
    assert.equal(await store.appendLog(lease, 2, 'line 2'), 1, 'a gap is refused with the stored count');
    assert.equal(await store.appendLog(lease, 1, 'line 1'), 2);
    assert.deepEqual((await store.readLogs(c.id)).map((l) => l.data), ['line 0', 'line 1']);
    assert.deepEqual((await store.readLogs(c.id, { attempt: 1, seq: 0 })).map((l) => l.data), ['line 1']);
    await assert.rejects(store.appendLog({ ...lease, leaseToken: 99 }, 2, 'x'), (e: any) => e.code === 'STALE_LEASE');
    await store.close();
  });

  test('an unacknowledged claim is re-queued; a silent runner fails its job, or retries it when the project opts in', async () => {
    const store = await fixture().open();
    const { run, project } = await withRun(store, [job('a')]);
    const first = (await store.claimJob(runner, 10))!;
    await new Promise((r) => setTimeout(r, 20));
    const expired = await store.expireLeases();
    assert.deepEqual(expired.filter((e) => e.job.runId === run.id).map((e) => [e.outcome, e.job.status]), [['requeued', 'queued']]);
    await assert.rejects(store.ackJob({ jobId: first.id, attempt: 1, leaseToken: first.leaseToken }, 10), (e: any) => e.code === 'STALE_LEASE');
    const again = (await store.claimJob(runner, 1000))!;
    assert.equal(again.id, first.id);
    await store.ackJob({ jobId: again.id, attempt: 1, leaseToken: again.leaseToken }, 10);
    await new Promise((r) => setTimeout(r, 20));
    const lost = (await store.expireLeases()).find((e) => e.job.id === again.id)!;
    assert.deepEqual([lost.outcome, lost.job.conclusion, lost.job.reason], ['failed', 'failure', 'runner lost']);

    await store.updateProject(project.id, { retryRunnerLost: true });
    const { run: run2 } = await withRun(store, [job('b')]);
    await store.updateProject((await store.getRun(run2.id))!.projectId, { retryRunnerLost: true });
    const c = (await store.claimJob(runner, 1000))!;
    await store.ackJob({ jobId: c.id, attempt: 1, leaseToken: c.leaseToken }, 10);
    await new Promise((r) => setTimeout(r, 20));
    const retried = (await store.expireLeases()).find((e) => e.job.id === c.id)!;
    assert.deepEqual([retried.outcome, retried.job.status, retried.job.attempt], ['retried', 'queued', 2]);
    await store.close();
  });

  test('a job past its timeout fails even when its runner is gone', async () => {
    const store = await fixture().open();
    await withRun(store, [job('slow', { timeoutMs: 10 })]);
    const c = (await store.claimJob(runner, 1000))!;
    await store.ackJob({ jobId: c.id, attempt: 1, leaseToken: c.leaseToken }, 60_000);
    await new Promise((r) => setTimeout(r, 20));
    const timedOut = (await store.expireDeadlines()).find((j) => j.id === c.id)!;
    assert.equal(timedOut.conclusion, 'failure');
    assert.match(timedOut.reason!, /timed out/);
    await store.close();
  });

  test('queueing a job wakes waiting pollers in another replica', async () => {
    const fx = fixture();
    const [a, b] = await Promise.all([fx.open(), fx.open()]);
    const woken = new Promise<void>((resolve) => {
      const off = b.onQueued(() => (off(), resolve()));
    });
    await new Promise((r) => setTimeout(r, 100)); // let a LISTEN connection come up
    await withRun(a, [job('wake')]);
    await Promise.race([woken, new Promise((_, reject) => setTimeout(() => reject(new Error('not woken')), 3000))]);
    await Promise.all([a.close(), b.close()]);
  });

  test('secrets are sealed at rest, overlaid per environment, and tokens are stored hashed', async () => {
    const fx = fixture();
    const store = await fx.open();
    const { project } = await withRun(store, []);
    await store.setSecret(project.id, '', 'API_KEY', 'plain-project-value');
    await store.setSecret(project.id, 'production', 'API_KEY', 'plain-prod-value');
    assert.deepEqual(await store.secretsFor(project.id), { API_KEY: 'plain-project-value' });
    assert.deepEqual(await store.secretsFor(project.id, 'production'), { API_KEY: 'plain-prod-value' });
    assert.deepEqual((await store.listSecretNames(project.id)).map((s) => `${s.environment}/${s.name}`), ['/API_KEY', 'production/API_KEY']);
    const raw = await fx.rawSecrets();
    assert.ok(!raw.includes('plain-project-value') && !raw.includes('plain-prod-value'), 'no plaintext in the database');
    const token = await store.createToken('ci', 'developer');
    assert.deepEqual((await store.verifyToken(token))?.role, 'developer');
    assert.equal(await store.verifyToken(token + 'x'), undefined);
    await store.close();
  });

  test('a schedule tick is taken by one replica only', async () => {
    const fx = fixture();
    const [a, b] = await Promise.all([fx.open(), fx.open()]);
    const { project } = await withRun(a, []);
    await a.replaceSchedules(project.id, [{ workflowPath: 'w.yml', cron: '0 * * * *', nextAt: 1000 }]);
    const due = (await a.dueSchedules(2000)).filter((d) => d.projectId === project.id);
    assert.equal(due.length, 1);
    const wins = await Promise.all([a.advanceSchedule(due[0], 1000, 5000), b.advanceSchedule(due[0], 1000, 5000)]);
    assert.deepEqual(wins.sort(), [false, true]);
    await Promise.all([a.close(), b.close()]);
  });

  test('an approval is requested once per job, listed per project, decided once by one review, and a finished job keeps its summary', async () => {
    const fx = fixture();
    const [a, b] = await Promise.all([fx.open(), fx.open()]);
    const { project, run } = await withRun(a, [job('deploy', { status: 'pending' })]);
    const [deploy] = await a.listJobs(run.id);
    const [first, racing] = await Promise.all([a.requestApproval(deploy.id, 'production'), b.requestApproval(deploy.id, 'production')]);
    assert.equal(racing.id, first.id, 'two replicas asking at once get one request');
    assert.equal((await b.requestApproval(deploy.id, 'production')).id, first.id, 'asking again returns the same request');
    assert.deepEqual((await b.listApprovals({ projectId: project.id, status: ['pending'] })).map((x) => x.id), [first.id]);
    const decided = await Promise.all([
      a.decideApproval(first.id, { status: 'approved', reviewer: 'alice', comment: 'ship it' }),
      b.decideApproval(first.id, { status: 'rejected', reviewer: 'bob', comment: null }),
    ]);
    assert.deepEqual(decided.filter(Boolean).length, 1, 'exactly one review decides');
    const after = (await a.getApproval(first.id))!;
    assert.ok(after.status === 'approved' ? after.reviewer === 'alice' && after.comment === 'ship it' : after.reviewer === 'bob');
    assert.ok(after.decidedAt !== null && after.decidedAt >= after.createdAt);
    assert.deepEqual(await a.listApprovals({ projectId: project.id, status: ['pending'] }), []);

    assert.equal(await a.updateJob(deploy.id, { status: 'queued' }, ['pending']), true);
    const claimed = (await a.claimJob(runner, 10_000))!;
    const lease = { jobId: claimed.id, attempt: claimed.attempt, leaseToken: claimed.leaseToken };
    await a.ackJob(lease, 10_000);
    await a.finishJob(lease, { conclusion: 'success', summary: '## Done\n<script>x</script>' });
    assert.equal((await b.getJob(deploy.id))?.summary, '## Done\n<script>x</script>');
    await Promise.all([a.close(), b.close()]);
  });

  test('deployment records are kept once per origin and local id, newest first, and artifacts are replaced by name and leave when they expire', async () => {
    const fx = fixture();
    const [a, b] = await Promise.all([fx.open(), fx.open()]);
    const { project, run } = await withRun(a, []);
    const record = (state: string) => JSON.stringify({ id: 1, statuses: [{ state }] });
    const base = { projectId: project.id, origin: `o-${n}`, environment: 'staging', service: 'api' };
    const id = await a.saveDeployment({ ...base, localId: 1, record: record('in_progress'), createdAt: 1000 });
    assert.equal(await b.saveDeployment({ ...base, localId: 1, record: record('success'), createdAt: 1000 }), id, 'a newer version replaces the record');
    const other = await a.saveDeployment({ ...base, localId: 2, service: 'web', record: record('queued'), createdAt: 2000 });
    assert.deepEqual((await b.listDeployments({ projectId: project.id })).map((d) => d.id), [other, id]);
    assert.deepEqual((await b.listDeployments({ projectId: project.id, service: 'api' })).map((d) => [d.id, JSON.parse(d.record).statuses[0].state]), [[id, 'success']]);
    assert.deepEqual(await b.listDeployments({ projectId: project.id, environment: 'production' }), []);
    assert.equal((await a.findDeployment(base.origin, 2))?.id, other);
    assert.equal(await a.findDeployment('elsewhere', 2), undefined);

    const now = Date.now();
    const artifact = { runId: run.id, name: 'bundle', files: 1, size: 10, path: '/x', createdAt: now, expiresAt: now + 60_000 };
    await a.saveArtifact(artifact);
    await b.saveArtifact({ ...artifact, files: 2, size: 20 });
    await a.saveArtifact({ ...artifact, name: 'old', expiresAt: now - 1 });
    assert.deepEqual((await b.listArtifacts(run.id)).map((x) => [x.name, x.files, x.size]), [['bundle', 2, 20]]);
    await Promise.all([a.close(), b.close()]);
  });
}
