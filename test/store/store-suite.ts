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
    const { run } = await store.createRun({
      projectId: project.id, workflowPath: '.github/workflows/ci.yml', workflowName: 'CI', event: 'push', ref: 'refs/heads/main',
      sha: 'a'.repeat(40), payload: {}, inputs: {}, actor: 'test', status: 'in_progress', plan: {}, jobs,
    });
    return { project, run };
  }
  const runner = { id: 1, labels: [] as string[], tokenId: 1, projects: null as string[] | null };
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
    const { run: second } = await store.createRun({ ...run, projectId: project.id, status: 'in_progress', jobs: [] });
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
    const lease = { jobId: claimed.id, attempt: claimed.attempt, leaseToken: claimed.leaseToken, owner: 1 };
    await assert.rejects(store.heartbeat(lease, 1000), /STALE|assigned/i, 'no heartbeat before the acknowledgement');
    await assert.rejects(store.ackJob({ ...lease, leaseToken: lease.leaseToken - 1 }, 1000), (e: { code?: string }) => e.code === 'STALE_LEASE');
    const running = await store.ackJob(lease, 1000);
    assert.equal(running.status, 'running');
    assert.equal((await store.ackJob(lease, 1000)).status, 'running', 'a repeated ack is harmless');
    assert.equal((await store.heartbeat(lease, 1000)).cancelRequested, false);
    await store.updateJob(lease.jobId, { cancelRequested: true }, ['running']);
    assert.equal((await store.heartbeat(lease, 1000)).cancelRequested, true, 'cancellation rides on the heartbeat');
    const done = await store.finishJob(lease, { conclusion: 'success', outputs: { v: '1' } });
    assert.deepEqual([done.status, done.conclusion, done.outputs, done.billableMinutes], ['completed', 'success', { v: '1' }, 1]);
    assert.equal((await store.finishJob(lease, { conclusion: 'failure' })).conclusion, 'success', 'a retried finish changes nothing');
    await assert.rejects(store.heartbeat(lease, 1000), (e: { code?: string }) => e.code === 'STALE_LEASE');
    await store.close();
  });

  test('log chunks are stored once, in order, and a gap is not written', async () => {
    const store = await fixture().open();
    await withRun(store, [job('logs')]);
    const c = (await store.claimJob(runner, 5000))!;
    const lease = { jobId: c.id, attempt: c.attempt, leaseToken: c.leaseToken, owner: 1 };
    await store.ackJob(lease, 5000);
    assert.equal(await store.appendLog(lease, 0, 'line 0'), 1);
    assert.equal(await store.appendLog(lease, 0, 'line 0'), 1, 'a retried chunk is not duplicated');
    assert.equal(await store.appendLog(lease, 2, 'line 2'), 1, 'a gap is refused with the stored count');
    assert.equal(await store.appendLog(lease, 1, 'line 1'), 2);
    assert.deepEqual((await store.readLogs(c.id)).map((l) => l.data), ['line 0', 'line 1']);
    assert.deepEqual((await store.readLogs(c.id, { attempt: 1, seq: 0 })).map((l) => l.data), ['line 1']);
    await assert.rejects(store.appendLog({ ...lease, leaseToken: 99 }, 2, 'x'), (e: { code?: string }) => e.code === 'STALE_LEASE');
    await store.close();
  });

  test('an unacknowledged claim is re-queued; a silent runner fails its job, or retries it when the project opts in', async () => {
    const store = await fixture().open();
    const { run, project } = await withRun(store, [job('a')]);
    const first = (await store.claimJob(runner, 10))!;
    await new Promise((r) => setTimeout(r, 20));
    const expired = await store.expireLeases();
    assert.deepEqual(expired.filter((e) => e.job.runId === run.id).map((e) => [e.outcome, e.job.status]), [['requeued', 'queued']]);
    await assert.rejects(store.ackJob({ jobId: first.id, attempt: 1, leaseToken: first.leaseToken, owner: 1 }, 10), (e: { code?: string }) => e.code === 'STALE_LEASE');
    const again = (await store.claimJob(runner, 1000))!;
    assert.equal(again.id, first.id);
    await store.ackJob({ jobId: again.id, attempt: 1, leaseToken: again.leaseToken, owner: 1 }, 10);
    await new Promise((r) => setTimeout(r, 20));
    const lost = (await store.expireLeases()).find((e) => e.job.id === again.id)!;
    assert.deepEqual([lost.outcome, lost.job.conclusion, lost.job.reason], ['failed', 'failure', 'runner lost']);

    await store.updateProject(project.id, { retryRunnerLost: true });
    const { run: run2 } = await withRun(store, [job('b')]);
    await store.updateProject((await store.getRun(run2.id))!.projectId, { retryRunnerLost: true });
    const c = (await store.claimJob(runner, 1000))!;
    await store.ackJob({ jobId: c.id, attempt: 1, leaseToken: c.leaseToken, owner: 1 }, 10);
    await new Promise((r) => setTimeout(r, 20));
    const retried = (await store.expireLeases()).find((e) => e.job.id === c.id)!;
    assert.deepEqual([retried.outcome, retried.job.status, retried.job.attempt], ['retried', 'queued', 2]);
    await store.close();
  });

  test('a job past its timeout fails even when its runner is gone', async () => {
    const store = await fixture().open();
    await withRun(store, [job('slow', { timeoutMs: 10 })]);
    const c = (await store.claimJob(runner, 1000))!;
    await store.ackJob({ jobId: c.id, attempt: 1, leaseToken: c.leaseToken, owner: 1 }, 60_000);
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
    const lease = { jobId: claimed.id, attempt: claimed.attempt, leaseToken: claimed.leaseToken, owner: 1 };
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

  test('a job behind hundreds of jobs no runner of these labels can take is claimed at once, matched in SQL', async () => {
    const store = await fixture().open();
    const { run } = await withRun(store, [...Array.from({ length: 250 }, (_, i) => job(`mac-${i}`, { runsOn: [label, 'macos'] })), job('linux', { runsOn: [label.toUpperCase()] })]);
    const claimed = await store.claimJob(runner, 5000);
    assert.equal(claimed?.key, 'linux', 'labels match regardless of case, past the 250 older jobs');
    assert.equal(await store.hasClaimable(runner), false);
    assert.equal(await store.claimJob(runner, 5000), undefined);
    assert.equal(await store.hasClaimable({ ...runner, labels: [label, 'macos'] }), true);
    assert.equal((await store.listJobs(run.id)).filter((j) => j.status === 'queued').length, 250);
    await store.close();
  });

  test('simultaneous claims with enough queued jobs each get a different one', async () => {
    const fx = fixture();
    const stores = await Promise.all([fx.open(), fx.open(), fx.open(), fx.open()]);
    await withRun(stores[0], Array.from({ length: 10 }, (_, i) => job(`j${i}`)));
    const claimAll = () => Promise.all(stores.flatMap((st, i) => [st.claimJob({ ...runner, id: i + 1 }, 5000), st.claimJob({ ...runner, id: i + 11 }, 5000)]));
    const first = (await claimAll()).map((c) => c?.id);
    assert.ok(first.every((id) => id !== undefined), `8 claims of 10 queued jobs all got one (${JSON.stringify(first)})`);
    const rest = (await claimAll()).map((c) => c?.id).filter((id) => id !== undefined);
    assert.equal(rest.length, 2, 'the 2 jobs left go to 2 of the next 8 claims');
    assert.equal(new Set([...first, ...rest]).size, 10, 'no job was given twice');
    await Promise.all(stores.map((st) => st.close()));
  });

  test('a runner token limited to projects claims only their jobs, and a lease is held only by the token that claimed it', async () => {
    const store = await fixture().open();
    const { run: other } = await withRun(store, [job('theirs')]);
    const { project, run: mine } = await withRun(store, [job('mine')]);
    const scoped = { ...runner, tokenId: 7, projects: [project.name] };
    const claimed = (await store.claimJob(scoped, 5000))!;
    assert.equal(claimed.runId, mine.id);
    assert.equal(await store.claimJob(scoped, 5000), undefined, 'the other project\'s job is not for this token');
    assert.equal((await store.listJobs(other.id))[0].status, 'queued');
    const lease = { jobId: claimed.id, attempt: claimed.attempt, leaseToken: claimed.leaseToken, owner: 7 };
    await assert.rejects(store.ackJob({ ...lease, owner: 1 }, 5000), (e: { code?: string }) => e.code === 'STALE_LEASE', 'another token cannot acknowledge it');
    await store.ackJob(lease, 5000);
    await assert.rejects(store.heartbeat({ ...lease, owner: 1 }, 5000), (e: { code?: string }) => e.code === 'STALE_LEASE');
    await assert.rejects(store.appendLog({ ...lease, owner: 1 }, 0, 'x'), (e: { code?: string }) => e.code === 'STALE_LEASE');
    await assert.rejects(store.heldJob({ ...lease, owner: 1 }), (e: { code?: string }) => e.code === 'STALE_LEASE');
    await assert.rejects(store.finishJob({ ...lease, owner: 1 }, { conclusion: 'success' }), (e: { code?: string }) => e.code === 'STALE_LEASE');
    assert.equal((await store.finishJob(lease, { conclusion: 'success' })).conclusion, 'success');
    const token = await store.createToken('r', 'runner', [project.name]);
    assert.deepEqual((await store.verifyToken(token))?.projects, [project.name]);
    await store.close();
  });

  test('a run is created once per trigger key, and takes its place in its concurrency group atomically', async () => {
    const fx = fixture();
    const [a, b] = await Promise.all([fx.open(), fx.open()]);
    const { project, run } = await withRun(a, []);
    const base = { ...run, projectId: project.id, status: 'in_progress' as const, jobs: [job('x', { status: 'pending' })] };
    const keyed = await Promise.all([a.createRun({ ...base, triggerKey: 'push:1:ci.yml' }), b.createRun({ ...base, triggerKey: 'push:1:ci.yml' })]);
    assert.equal(keyed[0].run.id, keyed[1].run.id, 'one run for one trigger key');
    assert.deepEqual(keyed.map((k) => k.created).sort(), [false, true]);
    const grouped = { ...base, concurrencyGroup: 'deploy', cancelInProgress: false };
    const racing = await Promise.all([a.createRun(grouped), b.createRun(grouped)]);
    assert.deepEqual(racing.map((r) => r.run.status).sort(), ['in_progress', 'waiting'], 'two replicas creating runs of one group at once: one starts, one waits');
    const [first, second] = racing.sort((x, y) => x.run.id - y.run.id).map((r) => r.run);
    const third = (await a.createRun(grouped)).run;
    assert.equal(third.status, 'waiting');
    const replaced = (await a.getRun(second.id))!;
    assert.deepEqual([replaced.status, replaced.conclusion], ['completed', 'cancelled'], 'a newer waiting run replaces the older');
    assert.match(replaced.reason!, /replaced by a newer run/);
    assert.deepEqual((await a.listJobs(second.id)).map((j) => [j.status, j.conclusion]), [['completed', 'cancelled']]);
    const otherProject = await withRun(b, []);
    assert.equal((await b.createRun({ ...grouped, projectId: otherProject.project.id })).run.status, 'in_progress', 'groups are per project');
    const cancelling = await a.createRun({ ...grouped, cancelInProgress: true });
    assert.equal(cancelling.run.status, 'in_progress');
    assert.deepEqual(cancelling.cancel, [first.id], 'cancel-in-progress returns the runs to cancel');
    assert.equal((await a.getRun(third.id))!.conclusion, 'cancelled');
    assert.deepEqual(await a.concludeRun(first.id, 'cancelled'), { won: true, promoted: null });
    assert.deepEqual(await b.concludeRun(first.id, 'cancelled'), { won: false, promoted: null }, 'a run concludes once');
    const waiter = (await a.createRun(grouped)).run;
    assert.equal(waiter.status, 'waiting');
    assert.deepEqual(await a.concludeRun(cancelling.run.id, 'success'), { won: true, promoted: waiter.id }, 'the run waiting in the group starts as the group frees');
    assert.equal((await b.getRun(waiter.id))!.status, 'in_progress');
    await Promise.all([a.close(), b.close()]);
  });

  test('a job-level concurrency group holds one job and replaces an older held one, within its project only', async () => {
    const fx = fixture();
    const [a, b] = await Promise.all([fx.open(), fx.open()]);
    const pending = (k: string) => job(k, { status: 'pending', concurrencyGroup: 'deploy' });
    const { run } = await withRun(a, [pending('j1'), pending('j2'), pending('j3')]);
    const { run: elsewhere } = await withRun(a, [pending('k1')]);
    const [j1, j2, j3] = await a.listJobs(run.id);
    const group = { name: 'deploy', cancelInProgress: false, heldReason: 'waiting for concurrency group "deploy"' };
    const racing = await Promise.all([a.queueJob(j1.id, group), b.queueJob(j2.id, group)]);
    assert.deepEqual(racing.map((r) => r.queued).sort(), [false, true], 'two replicas at once: one job queued, one held');
    const held = racing[0].queued ? j2 : j1;
    assert.equal((await a.getJob(held.id))!.reason, group.heldReason);
    const third = await a.queueJob(j3.id, group);
    assert.deepEqual(third, { queued: false, replaced: [held.id], superseded: [] }, 'the newer job replaces the held one');
    assert.equal((await a.queueJob((await a.listJobs(elsewhere.id))[0].id, group)).queued, true, 'another project\'s group of the same name is another group');
    const running = racing[0].queued ? j1 : j2;
    assert.deepEqual(await b.queueJob(held.id, { ...group, cancelInProgress: true }), { queued: true, replaced: [j3.id], superseded: [running.id] });
    assert.deepEqual((await a.listGroupJobs(run.projectId, 'deploy', ['queued'])).map((j) => j.id).sort(), [j1.id, j2.id].sort());
    await Promise.all([a.close(), b.close()]);
  });

  test('ref updates are recorded once per source and processed by one taker; variables list and delete; deliveries are capped', async () => {
    const fx = fixture();
    const [a, b] = await Promise.all([fx.open(), fx.open()]);
    const { project } = await withRun(a, []);
    const update = { projectId: project.id, source: `push-${label}:refs/heads/main`, ref: 'refs/heads/main', before: '0'.repeat(40), after: 'b'.repeat(40), refsBefore: { 'refs/heads/dev': 'c'.repeat(40) }, pusher: 'alice' };
    const [ids, again] = await Promise.all([a.recordRefUpdates([update]), b.recordRefUpdates([update])]);
    assert.deepEqual(ids, again);
    assert.equal(ids.length, 1);
    assert.ok((await a.pendingRefUpdates()).includes(ids[0]));
    const taken = await Promise.all([a.takeRefUpdate(ids[0], 60_000), b.takeRefUpdate(ids[0], 60_000)]);
    assert.equal(taken.filter(Boolean).length, 1, 'one replica takes it');
    assert.deepEqual(taken.find(Boolean)!.refsBefore, update.refsBefore);
    await a.finishRefUpdate(ids[0]);
    assert.ok(!(await b.pendingRefUpdates()).includes(ids[0]));
    assert.deepEqual(await b.recordRefUpdates([update]), [], 'a processed update recorded again is not processed again');

    await a.setVariable(project.id, '', 'COLOUR', 'blue');
    await a.setVariable(project.id, 'production', 'COLOUR', 'red');
    assert.deepEqual((await b.listVariables(project.id)).map((v) => [v.environment, v.name, v.value]), [['', 'COLOUR', 'blue'], ['production', 'COLOUR', 'red']]);
    assert.equal(await b.deleteVariable(project.id, 'production', 'COLOUR'), true);
    assert.equal(await b.deleteVariable(project.id, 'production', 'COLOUR'), false);
    assert.deepEqual(await a.variablesFor(project.id, 'production'), { COLOUR: 'blue' });

    for (let i = 0; i < 8; i++) await a.recordDelivery({ source: 'github', event: 'push', delivery: `d${i}`, status: 401, outcome: 'refused' }, 5);
    assert.deepEqual((await b.listDeliveries()).map((d) => d.delivery), ['d7', 'd6', 'd5', 'd4', 'd3']);
    await Promise.all([a.close(), b.close()]);
  });
}
