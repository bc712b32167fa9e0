import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { FAST, QUICK, openSupervisor, releaseRequest, requestLoop, serviceCommand, withLiveService } from './helpers.js';
import { currentState } from '../../src/deploy/records.js';
import { LocalSupervisor } from '../../src/deploy/local-supervisor.js';
import { tempDir } from '../helpers/cli.js';
import { isAlive } from '../../src/deploy/supervisor.js';

test('blue/green switch under a continuous request loop drops no request', async () => {
  const { supervisor, dataDir, cleanup } = await openSupervisor();
  try {
    const first = await supervisor.releases.deploy(releaseRequest(dataDir, { analysis: { ...FAST, durationMs: 100, rollbackWindowMs: 0 } }));
    assert.equal(first.conclusion, 'success');
    const oldPid = (await supervisor.target.listRevisions({ environment: 'staging', service: 'web' })).find((r) => r.spec.revision === 1);
    assert.equal(oldPid?.state, 'live');
    const loop = requestLoop(first.serviceUrl, 4);
    await sleep(300);
    const second = await supervisor.releases.deploy(releaseRequest(dataDir));
    await sleep(200);
    const load = await loop.stop();
    assert.equal(second.conclusion, 'success', second.deployment.statuses.map((s) => s.reason).join('; '));
    assert.equal(load.failed, 0, `failed requests: ${load.failures.slice(0, 5).join(', ')}`);
    assert.ok((load.byRevision.get('1') ?? 0) > 10 && (load.byRevision.get('2') ?? 0) > 10, `both revisions served: ${[...load.byRevision]}`);
    const firstTwo = load.sequence.indexOf('2');
    assert.ok(load.sequence.slice(firstTwo + 8).every((r) => r === '2'), 'after the switch (and in-flight requests) only revision 2 answers');
    const revisions = await supervisor.target.listRevisions({ environment: 'staging', service: 'web' });
    assert.equal(revisions.find((r) => r.spec.revision === 1)?.state, 'stopped', 'old revision stopped after the rollback window');
    assert.equal(second.deployment.analysis?.verdict, 'passed');
    assert.equal(currentState((await supervisor.repo.get(first.deployment.id))!), 'inactive');
  } finally {
    await cleanup();
  }
});

test('a revision that never passes its health check never gets traffic', async () => {
  await withLiveService(async ({ supervisor, dataDir, first }) => {
    const loop = requestLoop(first.serviceUrl, 2);
    const bad = await supervisor.releases.deploy(releaseRequest(dataDir, { command: `HEALTH=fail ${serviceCommand()}`, startupTimeoutMs: 800 }));
    const load = await loop.stop();
    assert.equal(bad.conclusion, 'failure');
    assert.equal(currentState(bad.deployment), 'failure');
    assert.match(bad.deployment.statuses.at(-1)!.reason, /never became healthy .*revision 1 keeps serving/);
    assert.match(bad.deployment.statuses.at(-1)!.reason, /output in \S+\/deploy\/logs\/staging\/web-2\.log/, 'the reason points at the service output');
    assert.deepEqual([...load.byRevision.keys()], ['1']);
    assert.equal(load.failed, 0);
    const revisions = await supervisor.target.listRevisions({ environment: 'staging', service: 'web' });
    assert.deepEqual(revisions.map((r) => [r.spec.revision, r.state]), [[2, 'stopped'], [1, 'live']]);
  });
});

test('an artifact that cannot be installed fails the deployment instead of leaving it in progress', async () => {
  await withLiveService(async ({ supervisor, dataDir }) => {
    writeFileSync(join(dataDir, 'broken.tgz'), 'not a tar archive');
    const broken = await supervisor.releases.deploy(releaseRequest(dataDir, { artifact: join(dataDir, 'broken.tgz') }));
    assert.equal(broken.conclusion, 'failure');
    assert.match(broken.deployment.statuses.at(-1)!.reason, /^stopped by an error: .*tar/);
    assert.equal(broken.deployment.artifactDigest, `sha256:${createHash('sha256').update('not a tar archive').digest('hex')}`);
    assert.equal(broken.liveRevision, 1);
  });
});

test('a failing smoke test keeps the new revision away from traffic', async () => {
  await withLiveService(async ({ supervisor, dataDir }) => {
    const smoked = await supervisor.releases.deploy(releaseRequest(dataDir, { smokeTest: `node -e "fetch(process.env.NEXUS_TARGET_URL).then((r) => r.text()).then((t) => { console.log('got', t.trim()); process.exit(t.includes('welcome') ? 0 : 3); })"` }));
    assert.equal(smoked.conclusion, 'failure');
    assert.match(smoked.deployment.statuses.at(-1)!.reason, /smoke test failed against revision 2 \(smoke test exited with 3: got revision 2 200\)/);
    assert.equal(smoked.liveRevision, 1);
  });
});

async function releaseUnderLoad(newCommand: string, analysis = FAST) {
  const env = await openSupervisor();
  const first = await env.supervisor.releases.deploy(releaseRequest(env.dataDir, { analysis: QUICK }));
  const loop = requestLoop(first.serviceUrl, 4);
  const outcome = await env.supervisor.releases.deploy(releaseRequest(env.dataDir, { command: newCommand, analysis }));
  await sleep(100);
  const load = await loop.stop();
  return { ...env, outcome, load };
}

test('a revision answering 20% 500s is rolled back automatically', async () => {
  const { supervisor, outcome, load, cleanup } = await releaseUnderLoad(serviceCommand('--fail-every 5'), { ...FAST, durationMs: 5000 });
  try {
    assert.equal(outcome.conclusion, 'failure');
    const record = (await supervisor.repo.get(outcome.deployment.id))!;
    assert.equal(currentState(record), 'rolled_back');
    assert.equal(record.analysis?.rule, 'error-rate');
    assert.ok(record.analysis!.figures.errorRate > 0.05 && record.analysis!.figures.requests >= FAST.minRequests);
    assert.ok(record.analysis!.figures.errorRate > 0.15 && record.analysis!.figures.errorRate < 0.25, `rate ${record.analysis!.figures.errorRate}`);
    assert.match(record.statuses.at(-1)!.reason, /automatic rollback at .*\(error-rate\): error rate \d+(\.\d+)?% \(\d+ of \d+ requests\)/);
    assert.equal(outcome.rollback?.kind, 'rollback');
    assert.equal(outcome.rollback?.revision, 1);
    assert.equal(outcome.rollback?.rollbackOf, record.id);
    assert.equal(outcome.liveRevision, 1);
    assert.equal(load.sequence.at(-1), '1', 'traffic is back on revision 1');
  } finally {
    await cleanup();
  }
});

test('a revision whose p95 exceeds the threshold is rolled back', async () => {
  const { supervisor, outcome, cleanup } = await releaseUnderLoad(serviceCommand('--delay-ms 120'), { ...FAST, durationMs: 5000, maxP95Ms: 60, minRequests: 10 });
  try {
    const record = (await supervisor.repo.get(outcome.deployment.id))!;
    assert.equal(currentState(record), 'rolled_back');
    assert.equal(record.analysis?.rule, 'latency');
    assert.ok(record.analysis!.figures.p95Ms > 60, `p95 ${record.analysis!.figures.p95Ms}`);
  } finally {
    await cleanup();
  }
});

test('three consecutive failed health probes roll back', async () => {
  const { supervisor, outcome, cleanup } = await releaseUnderLoad(serviceCommand('--healthy-probes 3'), { ...FAST, durationMs: 5000 });
  try {
    const record = (await supervisor.repo.get(outcome.deployment.id))!;
    assert.equal(currentState(record), 'rolled_back');
    assert.equal(record.analysis?.rule, 'health');
    assert.equal(record.analysis?.figures.consecutiveProbeFailures, 3);
    assert.ok(Date.parse(record.statuses.at(-1)!.at) < Date.parse(record.analysis!.endsAt), 'rolled back within the analysis window');
  } finally {
    await cleanup();
  }
});

test('the recorded measurements span the whole analysis, however long, in a bounded number of samples', async () => {
  await withLiveService(async ({ supervisor, dataDir, first }) => {
    const load = requestLoop(first.serviceUrl, 2);
    // Up to 800 evaluations (4 s at 5 ms) are more than 300 samples: they thin out to cover it all, not just the end.
    // (One a second, as before, would be 5; a loaded machine evaluates less often than every 5 ms.)
    const release = await supervisor.releases.deploy(releaseRequest(dataDir, { analysis: { ...FAST, durationMs: 4000, rollbackWindowMs: 0, evaluateEveryMs: 5 } }));
    await load.stop();
    const a = release.deployment.analysis!;
    assert.equal(a.verdict, 'passed');
    assert.ok(a.measurements.length >= 100 && a.measurements.length <= 302, `${a.measurements.length} samples`);
    assert.ok(Date.parse(a.measurements[0].at) - Date.parse(a.startedAt) < 200, 'from the switch');
    assert.ok(Date.parse(a.endsAt) - Date.parse(a.measurements.at(-1)!.at) < 200, 'to the end');
    assert.equal(a.measurements.at(-1)!.requests, a.figures.requests, 'the last sample is the concluding figures');
  });
});

test('no traffic leaves the analysis inconclusive and does not roll back', async () => {
  await withLiveService(async ({ supervisor, dataDir }) => {
    const quiet = await supervisor.releases.deploy(releaseRequest(dataDir, { command: serviceCommand('--fail-every 2') }));
    assert.equal(quiet.conclusion, 'success');
    assert.equal(currentState(quiet.deployment), 'success');
    assert.equal(quiet.deployment.analysis?.verdict, 'inconclusive');
    assert.match(quiet.deployment.statuses.at(-1)!.reason, /never held the minimum of 20 requests/);
    assert.equal(quiet.liveRevision, 2);
  });
});

test('a newer release supersedes one still in analysis: the analysis ends early, the newer one goes ahead, a rollback still waits', async () => {
  await withLiveService(async ({ supervisor, dataDir }) => {
    // Revision 2 would analyse for a minute with a no-traffic policy of fail; revision 3 arrives meanwhile.
    let switched!: () => void;
    const atSwitch = new Promise<void>((r) => (switched = r));
    const slow = supervisor.releases.deploy(releaseRequest(dataDir, { analysis: { ...FAST, durationMs: 60_000, noTraffic: 'fail' } }), { onSwitched: () => switched() });
    await atSwitch;
    await assert.rejects(supervisor.releases.rollback({ environment: 'staging', service: 'web' }, 1, 'tester', { notifications: [], startupTimeoutMs: 10_000, probeTimeoutMs: 500 }), /busy: deployment #2 is analysing revision 2/);
    const started = Date.now();
    const newer = await supervisor.releases.deploy(releaseRequest(dataDir, { analysis: QUICK }));
    assert.ok(Date.now() - started < 20_000, 'the newer release did not wait out the minute');
    const cut = await slow;
    assert.equal(cut.conclusion, 'success', 'cut short, not failed: the no-traffic policy does not apply to an analysis a newer release ended');
    assert.equal(cut.deployment.analysis?.verdict, 'inconclusive');
    assert.match(cut.deployment.statuses.at(-1)!.reason, /a newer release ended the analysis/);
    assert.deepEqual([newer.conclusion, newer.liveRevision], ['success', 3]);
    assert.equal(currentState((await supervisor.repo.get(cut.deployment.id))!), 'inactive', 'superseded by the newer release');
  });
});

test('the no-traffic policy can be set to fail, which rolls back', async () => {
  await withLiveService(async ({ supervisor, dataDir }) => {
    const quiet = await supervisor.releases.deploy(releaseRequest(dataDir, { analysis: { ...FAST, durationMs: 200, noTraffic: 'fail' } }));
    assert.equal(currentState((await supervisor.repo.get(quiet.deployment.id))!), 'rolled_back');
    assert.equal((await supervisor.repo.get(quiet.deployment.id))!.analysis?.rule, 'no-traffic');
  });
});

test('manual rollback to an older revision is previewed, then recorded as a deployment', async () => {
  const { supervisor, dataDir, cleanup } = await openSupervisor();
  const quick = QUICK;
  try {
    for (const commit of ['aaa111', 'bbb222', 'ccc333']) await supervisor.releases.deploy(releaseRequest(dataDir, { commit, analysis: quick }));
    const key = { environment: 'staging', service: 'web' };
    const plan = await supervisor.releases.planRollback(key, 1);
    assert.equal(plan.from?.revision, 3);
    assert.equal(plan.to.revision, 1);
    assert.equal(plan.to.warm, false);
    assert.ok(plan.changes.includes('commit: ccc333 -> aaa111'));
    const pidsBefore = (await supervisor.target.listRevisions(key)).filter((r) => r.state !== 'stopped').length;
    assert.equal(pidsBefore, 1, 'a preview changes nothing');
    const outcome = await supervisor.releases.rollback(key, 1, 'alice', { notifications: [], startupTimeoutMs: 10_000, probeTimeoutMs: 500 });
    assert.equal(outcome.conclusion, 'success');
    assert.equal(outcome.deployment.kind, 'rollback');
    assert.equal(outcome.deployment.revision, 1);
    assert.equal(outcome.deployment.commit, 'aaa111');
    assert.equal(outcome.deployment.creator, 'alice');
    assert.equal(outcome.deployment.rollbackOf, 3);
    assert.equal(currentState((await supervisor.repo.get(3))!), 'rolled_back');
    const res = await fetch(outcome.serviceUrl);
    assert.equal(res.headers.get('x-nexus-revision'), '1');
    const defaultPlan = await supervisor.releases.planRollback(key);
    assert.equal(defaultPlan.to.revision, 3, 'without --to: the newest other revision that succeeded');
    const revisions = await supervisor.target.listRevisions(key);
    assert.ok(revisions.filter((r) => r.state !== 'stopped').every((r) => r.spec.revision === 1));
    assert.equal((await supervisor.repo.list(key)).length, 4);
  } finally {
    await cleanup();
  }
});

test('stopped revisions leave no process behind', async () => {
  const { supervisor, dataDir, cleanup } = await openSupervisor();
  await supervisor.releases.deploy(releaseRequest(dataDir, { analysis: QUICK }));
  const state = JSON.parse(readFileSync(`${dataDir}/deploy/local-target.json`, 'utf8'));
  const pid = state.services[0].revisions[0].pid as number;
  assert.ok(isAlive(pid));
  await cleanup();
  await sleep(50);
  assert.equal(isAlive(pid), false);
});

test('a live revision that exits on its own is restarted on its port', async () => {
  const { supervisor, dataDir, cleanup } = await openSupervisor();
  try {
    const first = await supervisor.releases.deploy(releaseRequest(dataDir, { analysis: QUICK }));
    const statePath = `${dataDir}/deploy/local-target.json`;
    const pid = () => JSON.parse(readFileSync(statePath, 'utf8')).services[0].revisions[0].pid as number;
    const before = pid();
    process.kill(before, 'SIGKILL');
    const deadline = Date.now() + 5000;
    while (pid() === before && Date.now() < deadline) await sleep(50);
    assert.notEqual(pid(), before, 'a new process took over');
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await fetch(first.serviceUrl).catch(() => ({ status: 0 }))).status;
      if (status !== 200) await sleep(50);
    }
    assert.equal(status, 200, 'the stable URL serves again');
  } finally {
    await cleanup();
  }
});

test('a directory artifact is installed per revision, so a rollback restarts the old code', async () => {
  const { supervisor, dataDir, cleanup } = await openSupervisor();
  const app = join(dataDir, 'app');
  const server = (text: string) => `require('http').createServer((q, s) => s.end('${text}')).listen(process.env.PORT, '127.0.0.1');\n`;
  try {
    mkdirSync(app);
    writeFileSync(join(app, 'server.js'), server('v1'));
    const first = await supervisor.releases.deploy(releaseRequest(dataDir, { artifact: app, command: 'exec node server.js', healthPath: '/', analysis: QUICK }));
    assert.equal(await (await fetch(first.serviceUrl)).text(), 'v1');
    writeFileSync(join(app, 'server.js'), server('v2'));
    const second = await supervisor.releases.deploy(releaseRequest(dataDir, { artifact: app, command: 'exec node server.js', healthPath: '/', analysis: QUICK }));
    assert.equal(await (await fetch(second.serviceUrl)).text(), 'v2');
    assert.notEqual(first.deployment.artifactDigest, second.deployment.artifactDigest);
    const back = await supervisor.releases.rollback({ environment: 'staging', service: 'web' }, 1, 'alice', { notifications: [], startupTimeoutMs: 10_000, probeTimeoutMs: 500 });
    assert.equal(back.conclusion, 'success');
    assert.equal(back.deployment.artifactDigest, first.deployment.artifactDigest);
    assert.equal(await (await fetch(back.serviceUrl)).text(), 'v1', 'revision 1 runs from its own installed copy');
  } finally {
    await cleanup();
  }
});

test('a revision whose folder is gone is marked stopped with the reason; neither supervision nor the next supervisor falls over', async () => {
  const { dir: dataDir, cleanup } = tempDir('nexus-deploy-');
  const workspaces = [tempDir('nexus-gone-'), tempDir('nexus-gone-')];
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const pidOf = (revision: number) => JSON.parse(readFileSync(join(dataDir, 'deploy/local-target.json'), 'utf8')).services[0].revisions.find((r: { spec: { revision: number } }) => r.spec.revision === revision).pid as number;
  let supervisor = await LocalSupervisor.open(dataDir, { log });
  try {
    assert.equal((await supervisor.releases.deploy(releaseRequest(workspaces[0].dir, { analysis: QUICK }))).conclusion, 'success');
    await supervisor.close(false);
    // Revision 1 ran in a job workspace that its run removed, then died while no supervisor watched.
    workspaces[0].cleanup();
    process.kill(-pidOf(1), 'SIGKILL');
    supervisor = await LocalSupervisor.open(dataDir, { log });
    assert.match(lines.join('\n'), /cannot restart web \(staging\) revision 1: revision 1 of web cannot start: its folder \S+ is gone \(deploy with an artifact to keep a revision restartable\)/);
    const second = await supervisor.releases.deploy(releaseRequest(workspaces[1].dir, { analysis: QUICK }));
    assert.equal(second.conclusion, 'success', 'the next supervisor works');

    workspaces[1].cleanup();
    process.kill(-pidOf(2), 'SIGKILL');
    for (let i = 0; i < 60 && !lines.some((l) => /revision 2: it exited, and/.test(l)); i++) await sleep(100);
    assert.ok(lines.some((l) => /cannot restart web \(staging\) revision 2: it exited, and revision 2 of web cannot start: its folder/.test(l)), lines.join('\n'));
    const revisions = await supervisor.target.listRevisions({ environment: 'staging', service: 'web' });
    assert.deepEqual(revisions.map((r) => [r.spec.revision, r.state]), [[2, 'stopped'], [1, 'stopped']]);
  } finally {
    await supervisor.close(true);
    for (const w of workspaces) w.cleanup();
    cleanup();
  }
});
