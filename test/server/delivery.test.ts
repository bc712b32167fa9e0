import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeployDaemonClient } from '../../src/deploy/index.js';
import { runNexus } from '../helpers/cli.js';
import { serviceCommand } from '../deploy/helpers.js';
import { killHard, newProject, settledRuns, spawnNexus, waitFor, withServer, type Harness, type Proc } from './harness.js';

// Two runner hosts (their own work folders, told apart by label): the build stores an artifact and deploys
// on one; the job that needs the artifact runs on the other, so it can only have it through the server.
// The release installs \`dist\` as its artifact, so an old revision can start again after its job's
// workspace is gone.
const workflow = `name: Deliver
on: push
jobs:
  build:
    runs-on: box-one
    environment: staging
    steps:
      - uses: actions/cache@v4
        with:
          path: deps
          key: deps-one
      - run: mkdir -p deps && echo "deps built on host one" > deps/lib.txt
      - run: mkdir -p dist/assets && echo "bundle of \${{ github.sha }}" > dist/app.txt && echo css > dist/assets/site.css
      - uses: actions/upload-artifact@v4
        with:
          name: bundle
          path: dist/
      - uses: nexus/deploy@v1
        with:
          service: api
          environment: staging
          artifact: dist
          command: ${JSON.stringify(serviceCommand())}
          health-check: /health
          analysis-duration: 200ms
          rollback-window: 0s
          probe-interval: 100ms
  use:
    needs: build
    runs-on: box-two
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: bundle
          path: got
      - run: cat got/app.txt got/assets/site.css
      - id: deps
        uses: actions/cache/restore@v4
        with:
          path: deps
          key: deps-one
      - run: echo "cache-hit \${{ steps.deps.outputs.cache-hit }} $(cat deps/lib.txt)"
`;

let h: Harness;

async function approveWaiting(): Promise<void> {
  const pending = await waitFor('the release to wait for approval', async () => (await h.api('GET', '/api/projects/deliver/approvals')).body.approvals[0], 60_000);
  const review = await h.api('POST', `/api/approvals/${pending.id}`, { decision: 'approved', comment: 'go' });
  assert.equal(review.status, 200, review.text);
}
const runners: Proc[] = [];
const work = (n: number) => join(h.dir, `work-${n}`);

before(async () => {
  h = await withServer({ inProcessRunners: 0 });
  const token = (await h.api('POST', '/api/tokens', { role: 'runner' })).body.token;
  for (const n of [1, 2]) {
    const labels = n === 1 ? 'box-one' : 'box-two';
    runners.push(spawnNexus(['runner', '--server', h.url, '--token', token, '--name', `host-${n}`, '--labels', labels, '--work', work(n)]));
  }
});

after(async () => {
  await (await DeployDaemonClient.find(join(work(1), '_data')))?.shutdown(true);
  await Promise.all(runners.map(killHard));
  await h.close();
});

test('artifacts reach a job on another runner host through the server and download as a zip; deployments made on a runner are reported to the server with their history and what is live', async () => {
  const p = await newProject(h, 'deliver', { '.github/workflows/deliver.yml': workflow, '.nexus/environments.yml': 'environments:\n  staging:\n    url: http://127.0.0.1:9/staging\n    reviewers: [admin]\n' });
  await p.push();
  await approveWaiting();
  const [run] = await settledRuns(h, 'deliver', 1, 120_000);
  const detail = (await h.api('GET', `/api/runs/${run.id}`)).body;
  const log = async (key: string) => (await h.api('GET', `/api/jobs/${detail.jobs.find((j: { key: string }) => j.key === key).id}/logs`)).text;
  assert.equal(run.conclusion, 'success', `${JSON.stringify(detail.jobs.map((j: { key: string; reason: string }) => [j.key, j.reason]))}\n${await log('build')}\n${await log('use')}`);
  assert.match(await log('use'), /Fetched the run's artifacts from the server: bundle/);
  assert.match(await log('use'), new RegExp(`bundle of ${run.sha}\\s+css`), 'the other host had the files');
  assert.match(await log('build'), /Cache deps-one stored in the server's shared cache/);
  assert.match(await log('use'), /cache-hit true deps built on host one/, 'the other host restored the cache through the server');
  const { caches } = (await h.api('GET', '/api/projects/deliver/caches')).body;
  assert.deepEqual(caches.map((e: { key: string; scope: string }) => [e.key, e.scope]), [['deps-one', 'refs/heads/main']]);

  const { artifacts } = (await h.api('GET', `/api/runs/${run.id}/artifacts`)).body;
  assert.deepEqual(artifacts.map((a: { name: string; files: number }) => [a.name, a.files]), [['bundle', 2]]);
  assert.ok(artifacts[0].size > 0 && artifacts[0].expiresAt > Date.now());
  const zip = await fetch(`${h.url}/api/runs/${run.id}/artifacts/bundle`, { headers: { authorization: `Bearer ${h.admin}` } });
  assert.equal(zip.status, 200);
  assert.match(zip.headers.get('content-disposition') ?? '', /bundle\.zip/);
  const file = join(h.dir, 'bundle.zip');
  writeFileSync(file, Buffer.from(await zip.arrayBuffer()));
  const listing = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(sorted(z.namelist())); print(z.read("app.txt").decode().strip())', file], { encoding: 'utf8' });
  assert.equal(listing, `['app.txt', 'assets/site.css']\nbundle of ${run.sha}\n`);
  assert.equal((await h.api('GET', `/api/runs/${run.id}/artifacts/nothing-here`)).status, 404);
  assert.equal((await h.api('GET', `/api/runs/${run.id}/artifacts`, undefined, null)).status, 401);

  const first = (await h.api('GET', '/api/projects/deliver/deployments')).body.deployments;
  assert.equal(first.length, 1);
  assert.deepEqual([first[0].environment, first[0].service, first[0].revision, first[0].kind, first[0].commit, first[0].runId], ['staging', 'api', 1, 'deploy', run.sha, String(run.id)]);
  assert.equal(first[0].approver, 'admin', 'the server adds who approved the environment');
  assert.deepEqual(first[0].statuses.map((s: { state: string }) => s.state).slice(-1), ['success']);

  // A second release, then a manual rollback on the runner's host: the reporter sends the changed records.
  p.commit({ 'README.md': 'second\n' });
  await p.push();
  await approveWaiting();
  await settledRuns(h, 'deliver', 2, 120_000);
  const out = await runNexus(['rollback', 'api', '--env', 'staging', '--to', '1', '--yes', '--as', 'carol', '--data', join(work(1), '_data')]);
  assert.equal(out.code, 0, out.stderr);
  // The rollback record and the undone deployment's new status are two writes: a report may fall between.
  const history = await waitFor('the rollback and the undone deployment to be reported', async () => {
    const list = (await h.api('GET', '/api/projects/deliver/deployments?environment=staging')).body.deployments;
    return list.length === 3 && list[0].kind === 'rollback' && list[1].statuses.at(-1).state === 'rolled_back' ? list : undefined;
  }, 15_000);
  const [rollback, second, original] = history;
  assert.deepEqual([rollback.revision, rollback.creator, rollback.rollbackOf], [1, 'carol', second.id], 'the rollback names the server id of the deployment it undoes');
  assert.deepEqual([second.revision, original.revision], [2, 1]);
  const { environments } = (await h.api('GET', '/api/projects/deliver/environments')).body;
  const staging = environments.find((e: { name: string }) => e.name === 'staging');
  assert.deepEqual(staging.live.map((d: { service: string; revision: number; id: number }) => [d.service, d.revision, d.id]), [['api', 1, rollback.id]]);
  assert.equal((await h.api('GET', '/api/projects/nope/deployments')).status, 404);

  // The CLI reads the same history from the server.
  const listed = await runNexus(['deployments', '--server', h.url, '--token', h.admin, '--project', 'deliver', '--env', 'staging']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`#${rollback.id}\\s+staging\\s+api\\s+1\\s+rollback\\s+success`));
  assert.match(listed.stdout, new RegExp(`#${second.id}\\s+staging\\s+api\\s+2\\s+deploy\\s+rolled_back`));
  const one = await runNexus(['deployments', '--server', h.url, '--token', h.admin, '--project', 'deliver', '--show', String(original.id)]);
  assert.match(one.stdout, /created by admin at .*, approved by admin/);
  const noProject = await runNexus(['deployments', '--server', h.url, '--token', h.admin]);
  assert.deepEqual([noProject.code, noProject.stderr.trim()], [2, 'nexus deployments: --project NAME is required with --server']);
});

test('the shared cache is scoped by ref as on GitHub: a branch restores what main saved, main never sees a branch\'s entry', async () => {
  const job = (host: string, key: string, restore: string) => `  on-${host}:
    runs-on: ${host}
    steps:
      - id: c
        uses: actions/cache@v4
        with:
          path: deps
          key: ${key}
          restore-keys: ${restore}
      - run: echo "matched=[\${{ steps.c.outputs.cache-matched-key }}] $(cat deps/from 2>/dev/null)"; mkdir -p deps; echo "\${{ github.ref_name }}" > deps/from
`;
  const p = await newProject(h, 'scoped', { '.github/workflows/c.yml': `on: push\njobs:\n${job('box-one', 'deps-${{ github.ref_name }}', 'deps-')}` });
  await p.push();
  await settledRuns(h, 'scoped', 1, 60_000);
  p.commit({ '.github/workflows/c.yml': `on: push\njobs:\n${job('box-two', 'deps-${{ github.ref_name }}-2', 'deps-')}` });
  await p.push('HEAD:refs/heads/feature');
  const feature = (await settledRuns(h, 'scoped', 2, 60_000)).find((r: { ref: string }) => r.ref === 'refs/heads/feature');
  assert.match((await h.api('GET', `/api/runs/${feature.id}/logs`)).text, /matched=\[deps-main\] main/, 'the branch restored main\'s entry on another host');
  p.commit({ '.github/workflows/c.yml': `on: push\njobs:\n${job('box-two', 'deps-main-3', 'deps-feature')}` });
  await p.push('HEAD:refs/heads/main');
  const [latest] = await settledRuns(h, 'scoped', 3, 60_000);
  assert.match((await h.api('GET', `/api/runs/${latest.id}/logs`)).text, /matched=\[\] \n|matched=\[\] $/m, 'main does not restore the branch\'s entry');
  const { caches } = (await h.api('GET', '/api/projects/scoped/caches')).body;
  assert.deepEqual(caches.map((e: { key: string; scope: string }) => `${e.scope} ${e.key}`).sort(), ['refs/heads/feature deps-feature-2', 'refs/heads/main deps-main', 'refs/heads/main deps-main-3']);

  // Deleting by key (and ref, as GitHub's API takes them) removes the entry from the listing and from the lookups.
  const removed = await h.api('DELETE', '/api/projects/scoped/caches?key=deps-main&ref=refs/heads/main');
  assert.deepEqual([removed.status, removed.body], [200, { deleted: 1 }]);
  const after = (await h.api('GET', '/api/projects/scoped/caches')).body.caches;
  assert.deepEqual(after.map((e: { key: string; scope: string }) => `${e.scope} ${e.key}`).sort(), ['refs/heads/feature deps-feature-2', 'refs/heads/main deps-main-3']);
  const again = await h.api('DELETE', '/api/projects/scoped/caches?key=deps-main&ref=refs/heads/main');
  assert.equal(again.status, 404);
  assert.equal((await h.api('DELETE', '/api/projects/scoped/caches')).status, 400, 'a key is required');
  p.commit({ '.github/workflows/c.yml': `on: push\njobs:\n${job('box-one', 'deps-main', 'nothing-')}` });
  await p.push('HEAD:refs/heads/main');
  const [fourth] = await settledRuns(h, 'scoped', 4, 60_000);
  // Not the deleted entry, on the host that saved it either: the newest entry the key prefixes, as GitHub matches keys.
  assert.match((await h.api('GET', `/api/runs/${fourth.id}/logs`)).text, /matched=\[deps-main-3\] main/);
});
