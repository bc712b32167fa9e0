/** Matrix expansion against GitHub's documented examples, verbatim. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandMatrix, expandStrategy, matrixSuffix } from '../../src/planner/matrix.js';

test('docs: the order of the variables decides the order of the jobs', () => {
  assert.deepEqual(expandMatrix('example_matrix', { version: [10, 12, 14], os: ['ubuntu-latest', 'windows-latest'] }), [
    { version: 10, os: 'ubuntu-latest' }, { version: 10, os: 'windows-latest' },
    { version: 12, os: 'ubuntu-latest' }, { version: 12, os: 'windows-latest' },
    { version: 14, os: 'ubuntu-latest' }, { version: 14, os: 'windows-latest' },
  ]);
});

test('docs: expanding or adding matrix configurations (fruit/animal)', () => {
  const matrix = {
    fruit: ['apple', 'pear'],
    animal: ['cat', 'dog'],
    include: [
      { color: 'green' },
      { color: 'pink', animal: 'cat' },
      { fruit: 'apple', shape: 'circle' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ],
  };
  assert.deepEqual(expandMatrix('example_matrix', matrix), [
    { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
    { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
    { fruit: 'pear', animal: 'cat', color: 'pink' },
    { fruit: 'pear', animal: 'dog', color: 'green' },
    { fruit: 'banana' },
    { fruit: 'banana', animal: 'cat' },
  ]);
});

test('docs: expanding configurations (npm 6 only on windows with node 16)', () => {
  const matrix = { os: ['windows-latest', 'ubuntu-latest'], node: [14, 16], include: [{ os: 'windows-latest', node: 16, npm: 6 }] };
  assert.deepEqual(expandMatrix('example_matrix', matrix), [
    { os: 'windows-latest', node: 14 },
    { os: 'windows-latest', node: 16, npm: 6 },
    { os: 'ubuntu-latest', node: 14 },
    { os: 'ubuntu-latest', node: 16 },
  ]);
});

test('docs: adding configurations (an include-only matrix)', () => {
  const matrix = { include: [{ site: 'production', datacenter: 'site-a' }, { site: 'staging', datacenter: 'site-b' }] };
  assert.deepEqual(expandMatrix('include_example', matrix), [
    { site: 'production', datacenter: 'site-a' },
    { site: 'staging', datacenter: 'site-b' },
  ]);
});

test('docs: excluding matrix configurations (a partial match is enough)', () => {
  const matrix = {
    os: ['macos-latest', 'windows-latest'],
    version: [12, 14, 16],
    environment: ['staging', 'production'],
    exclude: [{ os: 'macos-latest', version: 12, environment: 'production' }, { os: 'windows-latest', version: 16 }],
  };
  const combos = expandMatrix('example_matrix', matrix);
  assert.equal(combos.length, 9);
  assert.ok(!combos.some((c) => c.os === 'macos-latest' && c.version === 12 && c.environment === 'production'));
  assert.ok(!combos.some((c) => c.os === 'windows-latest' && c.version === 16));
});

test('strategy defaults, fail-fast, max-parallel and the limits', () => {
  assert.deepEqual(expandStrategy('j', undefined), { combinations: null, failFast: true, maxParallel: Infinity });
  const s = expandStrategy('j', { 'fail-fast': false, 'max-parallel': 2, matrix: { n: [1, 2, 3] } });
  assert.equal(s.failFast, false);
  assert.equal(s.maxParallel, 2);
  assert.equal(s.combinations?.length, 3);
  assert.throws(() => expandStrategy('j', { 'max-parallel': 0, matrix: { n: [1] } }), /max-parallel must be a positive integer/);
  assert.throws(() => expandMatrix('j', { os: [] }), /matrix vector 'os' does not contain any values/);
  assert.throws(() => expandMatrix('j', { a: Array.from({ length: 16 }, (_, i) => i), b: Array.from({ length: 17 }, (_, i) => i) }), /272 jobs; GitHub's limit is 256/);
  assert.equal(expandMatrix('j', { a: Array.from({ length: 16 }, (_, i) => i), b: Array.from({ length: 16 }, (_, i) => i) }).length, 256);
  assert.throws(() => expandMatrix('j', { os: ['a'], exclude: [{ os: 'a' }] }), /expands to no jobs/);
  assert.throws(() => expandMatrix('j', 'not a mapping'), /must be a mapping/);
});

test("GitHub's display suffix lists values in order, objects as JSON", () => {
  assert.equal(matrixSuffix({ os: 'ubuntu', node: 20, cfg: { a: 1 } }), 'ubuntu, 20, {"a":1}');
});
