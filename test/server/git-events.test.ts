/** Pushes over git's smart HTTP: GitHub's create/delete events, the job checkout credential, and pushes git accepted surviving a crash. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { call, git, gitAsync, gitUrl, killHard, newProject, settledRuns, spawnServe, waitFor, withServer, type Harness } from './harness.js';
import { gitRepo, tempDir } from '../helpers/cli.js';

let h: Harness;
before(async () => (h = await withServer()));
after(() => h.close());

const events = `name: Events
on: [create, delete]
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event_name }} ref=\${{ github.event.ref }} type=\${{ github.event.ref_type }} at=\${{ github.ref }} by=\${{ github.event.pusher_type }} default=\${{ github.event.master_branch }}"
`;
const onPush = `name: Push
on: push
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - run: echo "push \${{ github.ref }} \${{ github.event.before }}..\${{ github.event.after }} created=\${{ github.event.created }}"
`;

const logOf = async (run: { id: number }) => (await h.api('GET', `/api/runs/${run.id}/logs`)).text;

test('a new branch or tag fires create and then push; a deleted branch fires delete on the default branch', async () => {
  const p = await newProject(h, 'events', { 'README.md': 'x\n', '.github/workflows/events.yml': events, '.github/workflows/push.yml': onPush });
  await p.push();
  await settledRuns(h, 'events', 2);
  git(p.repo, 'checkout', '-q', '-b', 'feature');
  const featureSha = p.commit({ 'a.txt': 'a\n' });
  await p.push('feature');
  let runs = await settledRuns(h, 'events', 4);
  const created = runs.find((r) => r.event === 'create' && r.ref === 'refs/heads/feature');
  assert.ok(created, JSON.stringify(runs.map((r) => [r.event, r.ref])));
  assert.equal(created.sha, featureSha);
  assert.match(await logOf(created), /create ref=feature type=branch at=refs\/heads\/feature by=user default=main/);
  const pushed = runs.find((r) => r.event === 'push' && r.ref === 'refs/heads/feature');
  assert.match(await logOf(pushed), new RegExp(`push refs/heads/feature 0{40}\\.\\.${featureSha} created=true`));
  assert.ok(created.id < pushed.id, 'create comes before push, as on GitHub');

  git(p.repo, 'tag', 'v1');
  await p.push('v1');
  runs = await settledRuns(h, 'events', 6);
  const tag = runs.find((r) => r.event === 'create' && r.ref === 'refs/tags/v1');
  assert.match(await logOf(tag), /create ref=v1 type=tag at=refs\/tags\/v1/);

  await p.push(':feature');
  runs = await settledRuns(h, 'events', 7);
  const deleted = runs.find((r) => r.event === 'delete');
  assert.deepEqual([deleted.ref, deleted.sha], ['refs/heads/main', git(p.repo, 'rev-parse', 'main')], 'delete runs on the default branch');
  assert.match(await logOf(deleted), /delete ref=feature type=branch at=refs\/heads\/main by=user/);
  assert.equal(runs.filter((r) => r.event === 'push' && r.ref === 'refs/heads/feature').length, 1, 'a deletion fires no push workflow');
  assert.ok(runs.every((r) => r.conclusion === 'success'));
});

test('pushes to two branches at once each carry their own before and after', async () => {
  const p = await newProject(h, 'parallel', { 'README.md': 'x\n', '.github/workflows/push.yml': onPush });
  await p.push();
  const main = git(p.repo, 'rev-parse', 'HEAD');
  const shas: Record<string, string> = {};
  for (const b of ['left', 'right']) {
    git(p.repo, 'checkout', '-q', '-b', b, 'main');
    shas[b] = p.commit({ [`${b}.txt`]: `${b}\n` });
  }
  await Promise.all([p.push('left'), p.push('right')]);
  const runs = await settledRuns(h, 'parallel', 3);
  for (const b of ['left', 'right']) {
    const run = runs.find((r) => r.ref === `refs/heads/${b}`);
    assert.match(await logOf(run), new RegExp(`push refs/heads/${b} 0{40}\\.\\.${shas[b]} created=true`));
  }
  git(p.repo, 'checkout', '-q', 'main');
  const next = p.commit({ 'README.md': 'y\n' });
  await p.push('main');
  const again = await settledRuns(h, 'parallel', 4);
  assert.match(await logOf(again.find((r) => r.sha === next)), new RegExp(`push refs/heads/main ${main}\\.\\.${next} created=false`));
});

test('a job\'s checkout credential fetches only its own project\'s repository, only while its lease lasts; a guessed one is refused', async () => {
  const s = await withServer({ inProcessRunners: 0, heartbeatMs: 500 });
  try {
    const runner = (await s.api('POST', '/api/tokens', { role: 'runner' })).body.token;
    const rpc = (path: string, body: unknown) => call(s.url, 'POST', `/api/runner/v1${path}`, body, runner);
    const mine = await newProject(s, 'mine', { 'SECRET.txt': 'source of mine\n', '.github/workflows/ci.yml': 'on: push\njobs:\n  j:\n    runs-on: [cred]\n    steps:\n      - run: "true"\n' });
    const other = await newProject(s, 'other', { 'OTHER.txt': 'source of other\n' });
    await other.push();
    await mine.push();
    const { runnerId } = (await rpc('/register', { labels: ['cred'] })).body;
    const a = await waitFor('a claim', async () => {
      const r = await rpc('/poll', { runnerId, timeoutMs: 1000 });
      return r.status === 200 && r.body.assignment;
    });
    const { username, password } = a.repository;
    assert.equal(username, 'x-nexus-job');
    const lease = { attempt: a.job.attempt, leaseToken: a.job.leaseToken };
    const cred = (user: string, pass: string, project: string) => s.url.replace('http://', `http://${user}:${encodeURIComponent(pass)}@`) + `/git/${project}.git`;
    const clone = (url: string, to: string) => gitAsync(s.dir, 'clone', '-q', url, join(s.dir, to));
    const guessed = `${a.job.id}.${a.job.attempt}.${a.job.leaseToken}`;
    await assert.rejects(clone(cred(username, guessed, 'mine'), 'guess'), /403/, 'the lease numbers alone are no credential');
    await assert.rejects(clone(cred(username, `${guessed}.${'A'.repeat(43)}`, 'mine'), 'forged'), /403/);
    await clone(cred(username, password, 'mine'), 'assigned');
    assert.equal(readFileSync(join(s.dir, 'assigned', 'SECRET.txt'), 'utf8'), 'source of mine\n', 'the real credential works while the claim stands');
    await assert.rejects(clone(cred(username, password, 'other'), 'elsewhere'), /403/, 'not for another project\'s repository');
    const work = join(s.dir, 'assigned');
    git(work, 'commit', '-q', '--allow-empty', '-m', 'x');
    await assert.rejects(gitAsync(work, 'push', '-q', cred(username, password, 'mine'), 'HEAD:refs/heads/evil'), /403/, 'read-only');
    assert.equal((await rpc(`/jobs/${a.job.id}/ack`, lease)).status, 200);
    await clone(cred(username, password, 'mine'), 'running');
    assert.equal((await rpc(`/jobs/${a.job.id}/finish`, { ...lease, conclusion: 'success' })).status, 200);
    await assert.rejects(clone(cred(username, password, 'mine'), 'finished'), /403/, 'dead with the lease');
  } finally {
    await s.close();
  }
});

test('pushes git accepted are run even when the server is killed while taking them', async () => {
  const { dir, cleanup } = tempDir('nexus-push-crash-');
  const data = join(dir, 'data');
  let serve = await spawnServe(data, ['--runners', '0']);
  try {
    const admin = readFileSync(join(data, 'admin.token'), 'utf8').trim();
    assert.equal((await call(serve.url, 'POST', '/api/projects', { name: 'crash' }, admin)).status, 201);
    const repo = join(dir, 'repo');
    gitRepo(repo, { '.github/workflows/ci.yml': 'on: push\njobs:\n  j:\n    runs-on: [nobody]\n    steps:\n      - run: "true"\n' });
    await gitAsync(repo, 'push', '-q', gitUrl(serve.url, 'crash', admin), 'main');
    const branches = Array.from({ length: 8 }, (_, i) => `b${i}`);
    for (const b of branches) git(repo, 'branch', b);
    // Eight pushes at once; the server dies as soon as the first is answered.
    const url = gitUrl(serve.url, 'crash', admin);
    const pushes = branches.map((b) => gitAsync(repo, 'push', '-q', url, b).then(() => b, () => undefined));
    await Promise.race(pushes);
    await killHard(serve);
    const acknowledged = (await Promise.all(pushes)).filter((b): b is string => !!b);
    assert.ok(acknowledged.length >= 1);
    serve = await spawnServe(data, ['--runners', '0']);
    const refs = await waitFor('a run for every push git acknowledged', async () => {
      const runs = (await call(serve.url, 'GET', '/api/runs?project=crash&limit=100', undefined, admin)).body.runs as { ref: string }[];
      const have = new Set(runs.map((r) => r.ref));
      return acknowledged.every((b) => have.has(`refs/heads/${b}`)) && runs;
    }, 60_000, 250);
    const perRef = new Map<string, number>();
    for (const r of refs) perRef.set(r.ref, (perRef.get(r.ref) ?? 0) + 1);
    assert.ok([...perRef.values()].every((n) => n === 1), `one run per pushed ref: ${JSON.stringify([...perRef])}`);
  } finally {
    await killHard(serve);
    cleanup();
  }
});
