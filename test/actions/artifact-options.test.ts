/** upload-artifact's if-no-files-found and retention-days, and download-artifact's name patterns, through `nexus run`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { project } from './helpers.js';

/** Moves an artifact's expiry an hour into the past, as a day after a one-day retention finds it (the clock itself is not faked). */
const EXPIRE = (name: string) => `node -e "const f = process.argv[1]; const fs = require('fs'); const r = JSON.parse(fs.readFileSync(f)); r.expiresAt = new Date(Date.now() - 3600e3).toISOString(); fs.writeFileSync(f, JSON.stringify(r))" "$DATA/artifacts/\${{ github.run_id }}/${name}/artifact.json"`;

const WORKFLOW = `on: push
jobs:
  up:
    runs-on: ubuntu-latest
    steps:
      - run: mkdir -p out && echo x > out/x.txt
      - uses: actions/upload-artifact@v4
        with: { name: warned, path: nothing/ }
      - uses: actions/upload-artifact@v4
        with: { name: ignored, path: nothing/, if-no-files-found: ignore }
      - id: error
        uses: actions/upload-artifact@v4
        with: { name: errored, path: nothing/, if-no-files-found: error }
        continue-on-error: true
      - id: bad
        uses: actions/upload-artifact@v4
        with: { name: bad, path: out/, if-no-files-found: explode }
        continue-on-error: true
      - id: zero
        uses: actions/upload-artifact@v4
        with: { name: zero, path: out/, retention-days: 0 }
        continue-on-error: true
      - uses: actions/upload-artifact@v4
        with: { name: short-linux, path: out/, retention-days: 1 }
      - uses: actions/upload-artifact@v4
        with: { name: long-linux, path: out/, retention-days: 90 }
      - uses: actions/upload-artifact@v4
        with: { name: long-mac, path: out/ }
      - run: echo "outcomes error=\${{ steps.error.outcome }} bad=\${{ steps.bad.outcome }} zero=\${{ steps.zero.outcome }} run=\${{ github.run_id }}"
  later:
    needs: up
    runs-on: ubuntu-latest
    steps:
      - run: ${EXPIRE('short-linux')}
      - uses: actions/download-artifact@v4
        with: { pattern: '*-linux', path: linux }
      - uses: actions/download-artifact@v4
        with: { pattern: 'long-{mac,linux}', path: braces }
      - run: echo "downloaded" $(find linux braces -type f | sort)
      - id: gone
        uses: actions/download-artifact@v4
        with: { name: short-linux, path: short }
        continue-on-error: true
      - run: |
          echo "gone=\${{ steps.gone.outcome }} short=$(ls short 2>/dev/null | wc -l)"
          ${EXPIRE('long-mac')}
`;

test('if-no-files-found warns, fails or stays quiet; an artifact past its retention-days cannot be downloaded and is removed; download patterns are globs', async () => {
  const p = project({ '.github/workflows/ci.yml': WORKFLOW });
  try {
    const r = await p.run('--env', `DATA=${p.data}`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const none = (path: string) => `No files were found with the provided path: ${path}\\. No artifacts will be uploaded\\.`;
    assert.match(r.stdout, new RegExp(`Warning: ${none('nothing/')}`), 'warn (the default) is a warning');
    assert.match(r.stdout, new RegExp(`Error: ${none('nothing/')}`), 'error fails the step');
    assert.equal([...r.stdout.matchAll(new RegExp(none('nothing/'), 'g'))].length, 3, 'ignore still says so, as upload-artifact does (core.info)');
    assert.equal([...r.stdout.matchAll(new RegExp(`(Warning|Error): ${none('nothing/')}`, 'g'))].length, 2, 'ignore is neither a warning nor an error');
    assert.match(r.stdout, /if-no-files-found: "explode" is not one of warn, error, ignore/);
    assert.match(r.stdout, /retention-days: 0 must be a whole number of days from 1 to 90/);
    const run = /outcomes error=failure bad=failure zero=failure run=(\d+)/.exec(r.stdout)?.[1];
    assert.ok(run, r.stdout);

    const until = /Artifact short-linux stored: .* kept 1 day\(s\) \(until (\S+)\)/.exec(r.stdout)?.[1];
    const created = JSON.parse(readFileSync(join(p.data, 'artifacts', run, 'long-linux', 'artifact.json'), 'utf8')).createdAt;
    assert.ok(until && Math.abs(Date.parse(until) - Date.parse(created) - 86_400_000) < 60_000, `one day from the upload: ${until}`);
    assert.match(r.stdout, /Artifact long-mac stored: .* kept 90 day\(s\)/, '90 days by default');

    assert.match(r.stdout, /downloaded braces\/long-linux\/x\.txt braces\/long-mac\/x\.txt linux\/long-linux\/x\.txt\n/, 'the expired short-linux is not among the *-linux artifacts; braces expand');
    assert.match(r.stdout, /Artifact not found for name: short-linux \(it expired at \S+; this run has long-linux, long-mac\)/);
    assert.match(r.stdout, /gone=failure short=0/);
    const artifacts = join(p.data, 'artifacts');
    assert.ok(!existsSync(join(artifacts, run, 'short-linux')), 'the expired artifact was removed when asked for');
    assert.ok(existsSync(join(artifacts, run, 'long-mac')), 'an expired artifact nobody asked for stays until the next upload');

    const next = await p.run('--env', `DATA=${p.data}`);
    assert.equal(next.code, 0, next.stdout);
    assert.ok(!existsSync(join(artifacts, run, 'long-mac')), 'the next upload swept it');
    assert.ok(existsSync(join(artifacts, run, 'long-linux', 'artifact.json')), 'artifacts within their retention stay');
  } finally {
    p.cleanup();
  }
});
