import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNexus } from '../helpers/cli.js';

test('an unknown command exits 2 and names it', async () => {
  const r = await runNexus(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test('--version prints the version', async () => {
  const r = await runNexus(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^nexus \d+\.\d+\.\d+/);
});
