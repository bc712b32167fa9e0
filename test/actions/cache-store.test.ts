/** The cache store's rules: exact key first, restore-key prefixes newest first, immutable entries, LRU eviction. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CacheStore, cacheCandidates } from '../../src/actions/cache-store.js';
import { tempDir } from '../helpers/cli.js';

function fill(workspace: string, text: string): string {
  mkdirSync(join(workspace, 'out'), { recursive: true });
  writeFileSync(join(workspace, 'out', 'f.txt'), text);
  return join(workspace, 'out');
}

test('restore-keys pick the newest matching entry; the exact key wins; entries never change; paths must match', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = new CacheStore(join(dir, 'data'), 1024 ** 3);
    const ws = join(dir, 'ws');
    const v = CacheStore.version(['out']);
    assert.equal((await store.save('deps-a', v, [fill(ws, 'a')], ws)).result, 'saved');
    await sleep(5);
    assert.equal((await store.save('deps-b', v, [fill(ws, 'b')], ws)).result, 'saved');
    assert.equal((await store.save('deps-b', v, [fill(ws, 'changed')], ws)).result, 'exists');
    assert.equal(store.find('deps-x', ['deps-'], v)?.entry.key, 'deps-b');
    assert.equal(store.find('deps-a', ['deps-'], v)?.exact, true);
    assert.equal(store.find('deps-x', ['other-'], v), undefined);
    assert.equal(store.find('deps-a', [], CacheStore.version(['elsewhere'])), undefined);
    const target = join(dir, 'restored');
    mkdirSync(target);
    await store.restore(store.find('deps-b', [], v)!, target);
    assert.equal(readFileSync(join(target, 'out', 'f.txt'), 'utf8'), 'b');
  } finally {
    cleanup();
  }
});

test('a save over the limit evicts the least recently used entries; restores count as use; modes survive', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = join(dir, 'ws');
    const v = CacheStore.version(['out']);
    const big = 'x'.repeat(40_000);
    // Each entry is a 50 KB tar (40 KB of data in 10 KB tar records): two fit, three do not.
    const store = new CacheStore(join(dir, 'data'), 130_000);
    await store.save('one', v, [fill(ws, big)], ws);
    await sleep(5);
    await store.save('two', v, [fill(ws, big)], ws);
    await sleep(5);
    const target = join(dir, 'restored');
    mkdirSync(target);
    chmodSync(join(ws, 'out', 'f.txt'), 0o640);
    await store.restore(store.find('one', [], v)!, target);
    await sleep(5);
    const third = await store.save('three', v, [fill(ws, big)], ws);
    assert.equal(third.result, 'saved');
    assert.deepEqual(third.evicted, ['two']);
    assert.ok(store.has('one', v) && store.has('three', v) && !store.has('two', v));
    const tooBig = await store.save('huge', v, [fill(ws, 'y'.repeat(200_000))], ws);
    assert.equal(tooBig.result, 'too-large');
    assert.ok(!store.has('huge', v));

    const modes = join(dir, 'modes');
    mkdirSync(modes);
    await new CacheStore(join(dir, 'data2'), 1024 ** 2).save('m', v, [join(ws, 'out')], ws);
    const s2 = new CacheStore(join(dir, 'data2'), 1024 ** 2);
    await s2.restore(s2.find('m', [], v)!, modes);
    assert.equal(statSync(join(modes, 'out', 'f.txt')).mode & 0o777, 0o640);
  } finally {
    cleanup();
  }
});

test('cacheCandidates ranks as GitHub: per scope the exact key, prefix matches of the key, then each restore key, newest first', () => {
  const entry = (key: string, createdAt: number, scope: string) => ({ key, createdAt, scope });
  const rows = [
    entry('deps-linux-old', 1, 'refs/heads/feature'),
    entry('deps-linux-new', 3, 'refs/heads/feature'),
    entry('deps-mac', 4, 'refs/heads/feature'),
    entry('deps-linux', 2, 'refs/heads/main'),
    entry('deps-linux-main', 5, 'refs/heads/main'),
    entry('npm-x', 6, 'refs/heads/feature'),
  ];
  const keys = (key: string, restore: string[], scopes?: string[]) => cacheCandidates(rows, key, restore, scopes).map((r) => `${r.key}@${r.scope.slice(11)}`);
  const scopes = ['refs/heads/feature', 'refs/heads/main'];
  assert.deepEqual(keys('deps-linux', ['deps-'], scopes), [
    'deps-linux-new@feature', 'deps-linux-old@feature', 'deps-mac@feature',
    'deps-linux@main', 'deps-linux-main@main',
  ]);
  assert.deepEqual(keys('deps-linux-old', [], scopes), ['deps-linux-old@feature']);
  assert.deepEqual(keys('npm', ['deps-linux-old', 'deps-'], ['refs/heads/feature']), ['npm-x@feature', 'deps-linux-old@feature', 'deps-mac@feature', 'deps-linux-new@feature']);
  assert.deepEqual(keys('none', ['nothing-'], scopes), []);
  // Without scopes every entry is in one.
  assert.deepEqual(keys('deps-linux', []), ['deps-linux@main', 'deps-linux-main@main', 'deps-linux-new@feature', 'deps-linux-old@feature']);
});
