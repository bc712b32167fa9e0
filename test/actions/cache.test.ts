/** The built-in actions/cache across runs: miss then exact hit with identical bytes and modes, restore-keys fallback. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { project } from './helpers.js';

const WORKFLOW = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        id: c
        with:
          path: |
            build-out
          key: deps-\${{ hashFiles('lock.txt') }}
          restore-keys: |
            deps-
      - run: |
          echo "hit=\${{ steps.c.outputs.cache-hit }} matched=\${{ steps.c.outputs.cache-matched-key }}."
          if [ ! -d build-out ]; then
            mkdir -p build-out/sub
            head -c 100000 /dev/urandom > build-out/sub/blob
            printf '#!/bin/sh\\necho tool\\n' > build-out/tool.sh
            chmod 750 build-out/tool.sh
          fi
          sha256sum build-out/sub/blob build-out/tool.sh
          stat -c 'mode %a' build-out/tool.sh
`;

function fingerprint(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /[0-9a-f]{64} {2}build-out|mode \d+/.test(l)).map((l) => l.replace(/^\[build\]\s+/, ''));
}

test('cache: a miss saves at job end, the next run hits with identical bytes and modes, a new key falls back to restore-keys', async () => {
  const p = project({ 'lock.txt': 'v1\n', '.github/workflows/ci.yml': WORKFLOW });
  try {
    const first = await p.run();
    assert.equal(first.code, 0, first.stdout);
    assert.match(first.stdout, /using Nexus's built-in actions\/cache/);
    assert.match(first.stdout, /Cache not found for input keys: deps-\w+, deps-/);
    assert.match(first.stdout, /hit= matched=\./, 'cache-hit is left unset on a miss, as actions/cache does');
    assert.match(first.stdout, /Cache saved with key: deps-\w+/);
    const made = fingerprint(first.stdout);
    assert.equal(made.length, 3);
    assert.ok(made.includes('mode 750'));

    const second = await p.run();
    assert.equal(second.code, 0, second.stdout);
    assert.match(second.stdout, /hit=true matched=deps-\w+\./);
    assert.match(second.stdout, /Cache hit occurred on the primary key/);
    assert.deepEqual(fingerprint(second.stdout), made);

    writeFileSync(join(p.dir, 'lock.txt'), 'v2\n');
    const third = await p.run();
    assert.equal(third.code, 0, third.stdout);
    const oldKey = /hit=true matched=(deps-\w+)\./.exec(second.stdout)![1];
    assert.match(third.stdout, new RegExp(`hit=false matched=${oldKey}\\.`));
    assert.deepEqual(fingerprint(third.stdout), made);
    assert.match(third.stdout, /Cache saved with key: deps-\w+/);
    assert.doesNotMatch(third.stdout, new RegExp(`Cache saved with key: ${oldKey}`));
  } finally {
    p.cleanup();
  }
});

const PREFIX_WORKFLOW = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        id: c
        with:
          path: out
          key: \${{ vars.KEY }}
          restore-keys: \${{ vars.RK }}
      - run: |
          echo "hit=\${{ steps.c.outputs.cache-hit }} matched=\${{ steps.c.outputs.cache-matched-key }}."
          if [ -f out/made-by ]; then echo "restored $(cat out/made-by)"; else mkdir -p out; echo "\${{ vars.KEY }}" > out/made-by; fi
`;

test('cache: a key with no exact entry restores the newest entry it is a prefix of (cache-hit false), before any restore key', async () => {
  const p = project({ '.github/workflows/ci.yml': PREFIX_WORKFLOW });
  const run = (key: string, restoreKeys = '') => p.run('--var', `KEY=${key}`, '--var', `RK=${restoreKeys}`);
  try {
    for (const key of ['other-1', 'c-1', 'c-2']) {
      const saved = await run(key);
      assert.equal(saved.code, 0, saved.stdout);
      assert.match(saved.stdout, new RegExp(`Cache saved with key: ${key} `));
    }
    const partial = await run('c-');
    assert.equal(partial.code, 0, partial.stdout);
    assert.match(partial.stdout, /Cache restored from key: c-2 /);
    assert.match(partial.stdout, /hit=false matched=c-2\./);
    assert.match(partial.stdout, /restored c-2/);
    // A miss on the primary key saves it at job end, as after a restore-keys match.
    assert.match(partial.stdout, /Cache saved with key: c- /);

    const exact = await run('c-1', 'other-');
    assert.match(exact.stdout, /hit=true matched=c-1\./);
    assert.match(exact.stdout, /restored c-1/);

    const beforeRestoreKeys = await run('c', 'other-');
    assert.match(beforeRestoreKeys.stdout, /hit=false matched=c-\./);
    const viaRestoreKey = await run('x-', 'nothing-\nother-');
    assert.match(viaRestoreKey.stdout, /hit=false matched=other-1\./);
    const none = await run('d-', 'e-');
    assert.match(none.stdout, /Cache not found for input keys: d-, e-/);
    assert.match(none.stdout, /hit= matched=\./);
  } finally {
    p.cleanup();
  }
});
