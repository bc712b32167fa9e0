/** Built-in checkout of a given commit, and artifacts handed from one job to a dependent job. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { project } from './helpers.js';

const WORKFLOW = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        id: here
        with:
          fetch-depth: 0
      - uses: actions/checkout@v4
        with:
          ref: v1
          path: old
      - run: |
          echo "old=$(cat old/version.txt) at $(git -C old rev-parse HEAD)"
          echo "now=$(cat version.txt) commits=$(git rev-list --count HEAD) out=\${{ steps.here.outputs.commit }}"
          mkdir -p dist/sub
          echo art > dist/a.txt
          echo deep > dist/sub/b.txt
          chmod 754 dist/a.txt
      - uses: actions/upload-artifact@v4
        with:
          name: bundle
          path: dist/
          retention-days: 3
      - uses: actions/upload-artifact@v4
        with:
          name: logs
          path: |
            old/version.txt
      - uses: actions/upload-artifact@v4
        with:
          name: nothing
          path: missing/
  use:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: bundle
          path: got
      - run: echo "got $(cat got/a.txt) $(cat got/sub/b.txt) mode $(stat -c %a got/a.txt)"
      - uses: actions/download-artifact@v4
        id: all
        with:
          path: all
      - run: echo "all:" $(cd all && find . -type f | sort)
      - uses: actions/download-artifact@v4
        with:
          name: nope
`;

test('checkout of a specific commit and path; artifacts uploaded in one job are downloaded, by name and all, in a dependent job', async () => {
  const p = project({ 'version.txt': 'one\n', '.github/workflows/ci.yml': WORKFLOW });
  const git = (...a: string[]) => execFileSync('git', a, { cwd: p.dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e' } }).trim();
  try {
    git('tag', 'v1');
    writeFileSync(join(p.dir, 'version.txt'), 'two\n');
    git('commit', '-qam', 'second');
    const head = git('rev-parse', 'HEAD');
    const r = await p.run();
    assert.equal(r.code, 1, 'the download of a missing artifact fails the last job');
    assert.match(r.stdout, new RegExp(`old=one at ${p.sha}`));
    assert.match(r.stdout, new RegExp(`now=two commits=2 out=${head}`));
    assert.match(r.stdout, /Artifact bundle stored: 2 file\(s\)/);
    assert.match(r.stdout, /No files were found with the provided path: missing\/\. No artifacts will be uploaded\./);
    assert.match(r.stdout, /got art deep mode 754/);
    assert.match(r.stdout, /all: \.\/bundle\/a\.txt \.\/bundle\/sub\/b\.txt \.\/logs\/version\.txt/);
    assert.match(r.stdout, /Artifact not found for name: nope \(this run has bundle, logs\)/);
  } finally {
    p.cleanup();
  }
});
