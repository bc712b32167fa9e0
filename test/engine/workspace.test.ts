/** Job workspaces are git repositories of their own, and git in a step never reaches the user's repository. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, runNexus, tempDir, writeTree } from '../helpers/cli.js';
import { runWorkflow } from './workflow-run.js';

/** A step that reports what git sees in its workspace, then does the worst a step can do with git. */
const inspectAndWipe = `
on: push
jobs:
  g:
    runs-on: ubuntu-latest
    steps:
      - id: seen
        run: |
          echo "top=$([ "$(git rev-parse --show-toplevel)" = "$GITHUB_WORKSPACE" ] && echo workspace)" >> "$GITHUB_OUTPUT"
          echo "head=$([ "$(git rev-parse HEAD)" = "$GITHUB_SHA" ] && echo sha)" >> "$GITHUB_OUTPUT"
          echo "branch=$(git symbolic-ref --short -q HEAD || echo detached)" >> "$GITHUB_OUTPUT"
          echo "status=$(git status --porcelain | tr '\\n' ',')" >> "$GITHUB_OUTPUT"
          echo "log=$(git log --format=%s)" >> "$GITHUB_OUTPUT"
          echo "origin=$([ -n "$(git remote get-url origin)" ] && echo set)" >> "$GITHUB_OUTPUT"
      - run: git reset -q --hard && git clean -qfdx && git status --porcelain
`;

test('a workspace copied from the working tree is a repository at the run\'s commit on its branch, showing the uncommitted changes; wiping it leaves the user\'s files alone', async () => {
  let after: { changed: string; local: string; data: boolean } | undefined;
  const run = await runWorkflow({
    workflow: inspectAndWipe,
    files: { 'a.txt': 'committed\n' },
    untracked: { 'a.txt': 'changed\n', 'local.txt': 'not committed\n' },
    inspect: (dir) => {
      after = { changed: readFileSync(join(dir, 'a.txt'), 'utf8'), local: readFileSync(join(dir, 'local.txt'), 'utf8'), data: existsSync(join(dir, '.nexus')) };
    },
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const out = run.step('g', 'seen').outputs;
  assert.deepEqual(
    { ...out, status: out.status.split(',').filter(Boolean).sort() },
    { top: 'workspace', head: 'sha', branch: 'main', status: [' M a.txt', '?? local.txt'], log: 'initial', origin: 'set' },
  );
  assert.deepEqual(after, { changed: 'changed\n', local: 'not committed\n', data: true }, 'the user\'s uncommitted work and the data folder survive the step');
});

test('with --source commit the workspace is the commit, clean', async () => {
  const run = await runWorkflow({ workflow: inspectAndWipe, args: ['--source', 'commit'], files: { 'a.txt': 'committed\n' }, untracked: { 'a.txt': 'changed\n' } });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.step('g', 'seen').outputs, { top: 'workspace', head: 'sha', branch: 'main', status: '', log: 'initial', origin: 'set' });
});

test('a project inside a larger repository gets its folder without git, and git in a step does not find the outer repository', async () => {
  const { dir, cleanup } = tempDir('nexus-workspace-');
  try {
    gitRepo(dir, {
      'outer.txt': 'outer\n',
      'app/.github/workflows/test.yml': `
on: push
jobs:
  g:
    runs-on: ubuntu-latest
    steps:
      - run: |
          test -f app.txt && ! test -e outer.txt
          if git rev-parse --git-dir 2>/dev/null; then echo "FOUND A REPOSITORY"; exit 1; fi
          git clean -qfdx 2>&1 || echo "git refused: no repository"
`,
      'app/app.txt': 'app\n',
    });
    writeTree(dir, { 'precious.txt': 'uncommitted\n' });
    const run = await runNexus(['run', '--source', 'commit'], { cwd: join(dir, 'app') });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /git refused: no repository/);
    assert.equal(readFileSync(join(dir, 'precious.txt'), 'utf8'), 'uncommitted\n');
  } finally {
    cleanup();
  }
});

test('the data folder keeps itself out of git: after a run git status is clean, and an environments file there still shows', async () => {
  let status: string[] = [];
  const run = await runWorkflow({
    workflow: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
    inspect: (dir) => {
      const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8' });
      const clean = git('status', '--porcelain', '--untracked-files=all');
      writeTree(dir, { '.nexus/environments.yml': 'environments: {}\n' });
      status = [clean, git('status', '--porcelain', '--untracked-files=all')];
    },
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(status, ['?? report.json\n', '?? .nexus/environments.yml\n?? report.json\n']);
});
