/** `nexus run` as a user drives it: listing, dry runs, -j, inputs, event filters and bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gitRepo, repoRoot, runNexus, tempDir } from '../helpers/cli.js';
import { runWorkflow } from '../engine/workflow-run.js';

const spec = (name: string) => readFileSync(join(repoRoot, 'test/fixtures/spec', name), 'utf8');

test("-l lists the spec's ci.yml as 14 jobs, stage by stage, with GitHub's names; -n walks it without running steps", async () => {
  const { dir, cleanup } = tempDir();
  try {
    gitRepo(dir, { '.github/workflows/ci.yml': spec('ci.yml'), '.github/workflows/security-scan.yml': spec('security-scan.yml') });
    const listed = await runNexus(['run', '-l', '-W', '.github/workflows/ci.yml'], { cwd: dir });
    assert.equal(listed.code, 0, listed.stderr);
    const rows = listed.stdout.split('\n').filter((l) => /^\d\s/.test(l)).map((l) => l.split(/\s{2,}/).slice(0, 2).join(' | '));
    assert.deepEqual(rows, [
      '1 | lint-and-typecheck', '1 | unit-tests (frontend)', '1 | unit-tests (orchestration)', '1 | unit-tests (execution)',
      '1 | python-tests (bmad)', '1 | python-tests (voice)',
      '2 | build-docker-images (frontend)', '2 | build-docker-images (orchestration)', '2 | build-docker-images (bmad)',
      '2 | build-docker-images (execution)', '2 | build-docker-images (voice)',
      '3 | deploy-staging', '4 | e2e-tests', '5 | deploy-production',
    ]);
    assert.match(listed.stdout, /Unit Tests \(frontend\)/);
    assert.match(listed.stdout, /14 jobs in 5 stages/);

    const dry = await runNexus(['run', '-n', '-W', '.github/workflows/ci.yml', '--json', 'r.json'], { cwd: dir });
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    assert.equal(report.jobs.length, 14);
    // The report lists jobs as the plan does: matrix instances in matrix order, not as they finished.
    assert.deepEqual(report.jobs.map((j: { key: string }) => j.key), rows.map((r) => r.split(' | ')[1]));
    assert.ok(report.jobs.every((j: { conclusion: string }) => j.conclusion === 'success'));
    assert.match(dry.stdout, /dry run: not executed/);
    assert.doesNotMatch(dry.stdout, /^\S+ {3}\$ /m, 'no script was started');
  } finally {
    cleanup();
  }
});

test('-j runs the job with the jobs it needs, and nothing else', async () => {
  const run = await runWorkflow({
    args: ['-j', 'c'],
    workflow: `
on: push
jobs:
  a: { runs-on: ubuntu-latest, steps: [ { run: echo a } ] }
  b: { runs-on: ubuntu-latest, needs: a, steps: [ { run: echo b } ] }
  c: { runs-on: ubuntu-latest, needs: b, steps: [ { run: echo c } ] }
  other: { runs-on: ubuntu-latest, steps: [ { run: echo other } ] }
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.report.jobs.map((j) => j.key), ['a', 'b', 'c']);
});

test('workflow_dispatch inputs are typed, defaulted and checked', async () => {
  const workflow = `
on:
  workflow_dispatch:
    inputs:
      level:
        type: choice
        options: [low, high]
        default: low
      dry:
        type: boolean
        default: true
      count:
        type: number
        default: 3
      note:
        type: string
        required: false
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - id: s
        run: |
          echo "level=\${{ inputs.level }}" >> "$GITHUB_OUTPUT"
          echo "dry=\${{ inputs.dry && 'yes' || 'no' }}" >> "$GITHUB_OUTPUT"
          echo "count=\${{ inputs.count }},\${{ inputs.count > 5 }}" >> "$GITHUB_OUTPUT"
          echo "event=\${{ github.event.inputs.level }}" >> "$GITHUB_OUTPUT"
`;
  const defaults = await runWorkflow({ workflow, args: ['workflow_dispatch'] });
  assert.equal(defaults.code, 0, defaults.stdout + defaults.stderr);
  assert.deepEqual(defaults.step('show', 's').outputs, { level: 'low', dry: 'yes', count: '3,false', event: 'low' });

  const given = await runWorkflow({ workflow, args: ['workflow_dispatch', '--input', 'level=high', '--input', 'dry=false', '--input', 'count=9'] });
  assert.equal(given.code, 0, given.stdout + given.stderr);
  assert.deepEqual(given.step('show', 's').outputs, { level: 'high', dry: 'no', count: '9,true', event: 'high' });

  for (const [arg, message] of [['level=medium', /must be one of low, high/], ['dry=yes', /must be true or false/], ['count=many', /must be a number/], ['nope=1', /declares no input 'nope'/]] as const) {
    const bad = await runWorkflow({ workflow, args: ['workflow_dispatch', '--input', arg] });
    assert.equal(bad.code, 2, arg);
    assert.match(bad.stderr, message);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  }

  // An event file's inputs count, as the payload GitHub sends carries them; --input overrides them.
  const files = { 'ev.json': JSON.stringify({ inputs: { level: 'high', count: 7, dry: false } }), 'bad.json': JSON.stringify({ inputs: { count: 'lots' } }) };
  const fromFile = await runWorkflow({ workflow, files, args: ['workflow_dispatch', '-e', 'ev.json'] });
  assert.equal(fromFile.code, 0, fromFile.stdout + fromFile.stderr);
  assert.deepEqual(fromFile.step('show', 's').outputs, { level: 'high', dry: 'no', count: '7,true', event: 'high' });
  const overridden = await runWorkflow({ workflow, files, args: ['workflow_dispatch', '-e', 'ev.json', '--input', 'level=low'] });
  assert.equal(overridden.code, 0, overridden.stdout + overridden.stderr);
  assert.deepEqual(overridden.step('show', 's').outputs, { level: 'low', dry: 'no', count: '7,true', event: 'low' });
  const badFile = await runWorkflow({ workflow, files, args: ['workflow_dispatch', '-e', 'bad.json'] });
  assert.equal(badFile.code, 2, badFile.stdout + badFile.stderr);
  assert.match(badFile.stderr, /--eventpath bad\.json: inputs\.count=lots: must be a number/);

  // Inputs belong to workflow_dispatch: for another event --input is a mistake, not something to drop.
  const pushed = await runWorkflow({ workflow: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n', args: ['--input', 'level=high'] });
  assert.equal(pushed.code, 2, pushed.stdout + pushed.stderr);
  assert.match(pushed.stderr, /^nexus run: --input: inputs are given to workflow_dispatch runs only, and this run's event is 'push'$/m);
});

test("github.ref_name of a pull request is '<number>/merge', for the local event and for an event file", async () => {
  const workflow = `
on: pull_request
jobs:
  pr:
    runs-on: ubuntu-latest
    steps:
      - id: r
        run: echo "names=\${{ github.ref_name }},$GITHUB_REF_NAME,$GITHUB_REF" >> "$GITHUB_OUTPUT"
`;
  const local = await runWorkflow({ workflow, args: ['pull_request'] });
  assert.equal(local.code, 0, local.stdout + local.stderr);
  assert.deepEqual(local.step('pr', 'r').outputs, { names: '1/merge,1/merge,refs/pull/1/merge' });
  const fromFile = await runWorkflow({ workflow, files: { 'pr.json': JSON.stringify({ number: 7, pull_request: { number: 7, head: { ref: 'feature' }, base: { ref: 'main' } } }) }, args: ['pull_request', '-e', 'pr.json'] });
  assert.equal(fromFile.code, 0, fromFile.stdout + fromFile.stderr);
  assert.deepEqual(fromFile.step('pr', 'r').outputs, { names: '7/merge,7/merge,refs/pull/7/merge' });
});

test('a run leaves no workspace behind in the data folder', async () => {
  let left: string[] = [];
  const run = await runWorkflow({
    workflow: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "ws=$GITHUB_WORKSPACE"\n',
    inspect: (dir) => (left = readdirSync(join(dir, '.nexus', 'work'))),
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /ws=\S*\/\.nexus\/work\/1\//);
  assert.deepEqual(left, []);
});

test('push and pull_request filters: branches, branches-ignore, tags, paths, paths-ignore', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const wf = (on: string) => `on:\n${on}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ran\n`;
    gitRepo(dir, {
      '.github/workflows/main-only.yml': wf('  push:\n    branches: [main]'),
      '.github/workflows/not-main.yml': wf("  push:\n    branches-ignore: ['main']"),
      '.github/workflows/release-tags.yml': wf("  push:\n    tags: ['v*.*']"),
      '.github/workflows/docs-paths.yml': wf("  push:\n    paths: ['docs/**']"),
      '.github/workflows/not-docs.yml': wf("  push:\n    paths-ignore: ['docs/**', '**.md']"),
      '.github/workflows/pr-main.yml': wf('  pull_request:\n    branches: [main]'),
      'README.md': 'x',
    });
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    writeTree(dir, 'docs/guide.md', 'guide');
    git('add', '-A');
    git('commit', '-qm', 'docs only');
    const triggered = async (...args: string[]) => {
      const r = await runNexus(['run', '-l', ...args], { cwd: dir });
      assert.ok(r.code === 0, r.stderr);
      return [...r.stdout.matchAll(/^\.github\/workflows\/([\w-]+)\.yml:/gm)].map((m) => m[1]).sort();
    };
    // A push of a docs-only commit to main.
    assert.deepEqual(await triggered(), ['docs-paths', 'main-only']);

    git('checkout', '-qb', 'feature');
    writeTree(dir, 'src/app.ts', 'code');
    git('add', '-A');
    git('commit', '-qm', 'code');
    assert.deepEqual(await triggered(), ['not-docs', 'not-main']);

    const event = (name: string, payload: unknown) => {
      writeFileSync(join(dir, name), JSON.stringify(payload));
      return name;
    };
    // Tag pushes: branch filters never match them, and path filters are not evaluated.
    assert.deepEqual(await triggered('-e', event('tag.json', { ref: 'refs/tags/v1.2' })), ['docs-paths', 'not-docs', 'release-tags']);
    assert.deepEqual(await triggered('-e', event('tag2.json', { ref: 'refs/tags/latest' })), ['docs-paths', 'not-docs']);
    assert.deepEqual(await triggered('pull_request', '-e', event('pr.json', { action: 'opened', pull_request: { base: { ref: 'main' }, head: { ref: 'feature' } } })), ['pr-main']);
    assert.deepEqual(await triggered('pull_request', '-e', event('pr2.json', { action: 'opened', pull_request: { base: { ref: 'develop' }, head: { ref: 'feature' } } })), []);
  } finally {
    cleanup();
  }
});

function writeTree(root: string, path: string, content: string): void {
  execFileSync('mkdir', ['-p', join(root, path, '..')]);
  writeFileSync(join(root, path), content);
}

test('bad command-line input is a clear error with exit 2 and no stack trace', async () => {
  const { dir, cleanup } = tempDir();
  try {
    gitRepo(dir, { '.github/workflows/a.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n', 'bad.json': '{ not json' });
    const cases: [string[], RegExp][] = [
      [['-j', 'nosuch'], /-j nosuch: no workflow has a job 'nosuch' \(jobs: build\)/],
      [['-s', '1BAD'], /-s "1BAD": expected NAME=VALUE/],
      [['-s', 'UNSET_SECRET_FOR_TEST'], /-s UNSET_SECRET_FOR_TEST: no value given/],
      [['-W', 'missing/folder'], /missing\/folder: no such file or folder/],
      [['-e', 'bad.json'], /bad\.json.*JSON/i],
      [['-e', 'nowhere.json'], /nowhere\.json/],
      [['--matrix', 'novalue'], /--matrix "novalue": expected KEY:VALUE/],
      [['--jobs', '0'], /--jobs 0: expected a positive whole number/],
      [['--no-such-flag'], /^nexus run: Unknown option '--no-such-flag'/m],
    ];
    for (const [args, message] of cases) {
      const r = await runNexus(['run', ...args], { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, args.join(' '));
    }
  } finally {
    cleanup();
  }
});
