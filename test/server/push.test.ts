import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { git, gitAsync, newProject, settledRuns, waitFor, withServer, type Harness } from './harness.js';
import type { RunView } from '../../src/server/api-types.js';

const ci = `name: CI
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      version: \${{ steps.v.outputs.version }}
    steps:
      - id: v
        run: |
          echo "version=1.2.3" >> "$GITHUB_OUTPUT"
          test -f README.md && echo "checked out \${{ github.sha }}"
          echo "event ref \${{ github.event.ref }} created=\${{ github.event.created }}"
  unit-tests:
    needs: build
    runs-on: ubuntu-latest
    strategy:
      matrix:
        service: [frontend, backend]
    steps:
      - run: echo "testing \${{ matrix.service }} at \${{ needs.build.outputs.version }} with secret \${{ secrets.API_KEY }}"
`;
const tags = `name: Release
on:
  push:
    tags: ['v*']
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: echo "releasing \${{ github.ref_name }}"
`;
const branches = `name: Feature
on:
  push:
    branches-ignore: [main]
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: echo "lint \${{ github.ref_name }} commits=\${{ toJSON(github.event.commits[0].message) }}"
`;

let h: Harness;
before(async () => (h = await withServer()));
after(() => h.close());

test('a push to the hosted repository runs the matching workflows to green, with checks named as on GitHub', async () => {
  const p = await newProject(h, 'web', { 'README.md': 'hi\n', '.github/workflows/ci.yml': ci, '.github/workflows/release.yml': tags, '.github/workflows/feature.yml': branches });
  const secret = await h.api('PUT', '/api/projects/web/secrets/API_KEY', { value: 'sup3r-s3cret-value' });
  assert.equal(secret.status, 204);
  await p.push();
  const [run] = await settledRuns(h, 'web', 1);
  assert.deepEqual([run.workflowName, run.event, run.ref, run.conclusion], ['CI', 'push', 'refs/heads/main', 'success']);
  const sha = git(p.repo, 'rev-parse', 'HEAD');
  assert.equal(run.sha, sha);

  const checks = (await h.api('GET', `/api/projects/web/commits/${sha}/checks`)).body;
  assert.deepEqual(checks.check_runs.map((c: { name: string; conclusion: string | null }) => `${c.name}:${c.conclusion}`).sort(), ['build:success', 'unit-tests (backend):success', 'unit-tests (frontend):success']);

  const logs = (await h.api('GET', `/api/runs/${run.id}/logs`)).text;
  assert.match(logs, new RegExp(`\\[build\\] checked out ${sha}`));
  assert.match(logs, /event ref refs\/heads\/main created=true/);
  assert.match(logs, /\[unit-tests \(frontend\)\] testing frontend at 1\.2\.3 with secret \*\*\*/);
  assert.ok(!logs.includes('sup3r-s3cret-value'), 'the secret is masked');
});

test('branches, tags and deletions behave as on GitHub', async () => {
  const p = await newProject(h, 'flow', { 'README.md': 'x\n', '.github/workflows/ci.yml': ci, '.github/workflows/release.yml': tags, '.github/workflows/feature.yml': branches });
  await p.push();
  await settledRuns(h, 'flow', 1);
  git(p.repo, 'checkout', '-q', '-b', 'feature/x');
  p.commit({ 'a.txt': 'a\n' }, 'add a');
  await p.push('feature/x');
  const afterFeature = await settledRuns(h, 'flow', 2);
  const feature = afterFeature.find((r) => r.ref === 'refs/heads/feature/x');
  assert.equal(feature.workflowName, 'Feature', 'only the workflow whose branch filter matches runs');
  assert.match((await h.api('GET', `/api/runs/${feature.id}/logs`)).text, /lint feature\/x commits="add a"/);

  git(p.repo, 'tag', 'v1.0.0');
  await p.push('v1.0.0');
  const afterTag = await settledRuns(h, 'flow', 3);
  assert.equal(afterTag.find((r) => r.ref === 'refs/tags/v1.0.0')?.workflowName, 'Release');

  await p.push(':feature/x');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await settledRuns(h, 'flow', 3)).length, 3, 'deleting a branch starts no workflow');
  const refs = await waitFor('refs', async () => {
    const r = await h.api('GET', '/api/runs?project=flow');
    return r.body.runs;
  });
  assert.ok(refs.every((r: RunView) => r.conclusion === 'success'));
});

test('a push needs a developer token; a viewer may fetch but not push', async () => {
  const p = await newProject(h, 'guarded', { 'README.md': 'x\n' });
  const viewer = (await h.api('POST', '/api/tokens', { name: 'v', role: 'viewer' })).body.token;
  const url = h.url.replace('http://', `http://v:${viewer}@`) + '/git/guarded.git';
  await assert.rejects(gitAsync(p.repo, 'push', '-q', url, 'main'), /403|denied|cannot push|error/i);
  await p.push();
  const clone = `${h.dir}/clone-guarded`;
  await gitAsync(h.dir, 'clone', '-q', url, clone);
  assert.equal(git(clone, 'rev-parse', 'HEAD'), git(p.repo, 'rev-parse', 'HEAD'));
});

test('on a runner, actions/checkout fetches a ref, a path and full history from the server; an unknown ref fails clearly and no credential is printed', async () => {
  const checkout = `on: push
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          path: full
          fetch-depth: 0
      - run: echo "history $(git -C full log --format=%s | tr '\\n' ' ')"
      - uses: actions/checkout@v4
        with:
          ref: v1
          path: tagged
      - run: echo "tagged $(cat tagged/VERSION)"
      - id: missing
        continue-on-error: true
        uses: actions/checkout@v4
        with:
          ref: no-such-branch
          path: missing
`;
  const p = await newProject(h, 'fetcher', { VERSION: '1\n', '.github/workflows/ci.yml': 'on: workflow_dispatch\njobs:\n  noop:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n' });
  git(p.repo, 'tag', 'v1');
  p.commit({ VERSION: '2\n', '.github/workflows/ci.yml': checkout }, 'second');
  await p.push('main', 'v1');
  const [run] = await settledRuns(h, 'fetcher', 1);
  const logs = (await h.api('GET', `/api/runs/${run.id}/logs`)).text;
  assert.equal(run.conclusion, 'success', `${run.reason}\n${JSON.stringify((await h.api('GET', `/api/runs/${run.id}`)).body.jobs)}\n${logs}`);
  assert.match(logs, /history second initial/);
  assert.match(logs, /tagged 1/);
  assert.match(logs, /ref 'no-such-branch' is not a branch, tag or commit of /);
  assert.ok(!/Basic [A-Za-z0-9+/=]{8,}/.test(logs), 'the job credential is not in the log');
});
