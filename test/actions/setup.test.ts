/** setup-node and setup-python on the toolchains installed here, with the pip cache across runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { satisfies } from '../../src/actions/toolchains.js';
import { project } from './helpers.js';

test('version specs as setup-node and setup-python read them', () => {
  assert.equal(satisfies('20.11.1', '20'), true);
  assert.equal(satisfies('20.11.1', '20.x'), true);
  assert.equal(satisfies('20.11.1', '18'), false);
  assert.equal(satisfies('3.12.1', '3.12'), true);
  assert.equal(satisfies('3.1.0', '3.12'), false);
  assert.equal(satisfies('20.11.1', '>=18 <21'), true);
  assert.equal(satisfies('22.0.0', '>=18 <21'), false);
  assert.equal(satisfies('20.11.1', '^20.10'), true);
  assert.equal(satisfies('20.9.0', '^20.10'), false);
  assert.equal(satisfies('3.11.7', '~3.11'), true);
  assert.equal(satisfies('20.1.0', 'lts/*'), true);
  assert.equal(satisfies('21.1.0', 'lts/*'), false);
  assert.equal(satisfies('20.1.0', 'banana'), undefined);
});

test('setup-node and setup-python put a matching installed toolchain on PATH; pip cache keyed on requirements; no match fails clearly', async () => {
  const pipCache = join(process.env.TMPDIR ?? '/tmp', `nexus-pip-cache-${process.pid}`);
  const p = project({
    'requirements.txt': 'requests==2.0\n',
    '.github/workflows/ci.yml': `on: push
jobs:
  tools:
    runs-on: ubuntu-latest
    env:
      PIP_CACHE_DIR: ${pipCache}
    steps:
      - uses: actions/setup-node@v4
        id: node
        with:
          node-version: ${process.versions.node.split('.')[0]}.x
      - uses: actions/setup-python@v5
        id: py
        with:
          python-version: '3'
          cache: pip
      - run: |
          echo "node=$(node --version) out=\${{ steps.node.outputs.node-version }}"
          echo "python=$(python3 -c 'import platform; print(platform.python_version())') out=\${{ steps.py.outputs.python-version }} hit=\${{ steps.py.outputs.cache-hit }}"
          mkdir -p "$PIP_CACHE_DIR" && [ -f "$PIP_CACHE_DIR/wheel" ] || echo wheel-bytes > "$PIP_CACHE_DIR/wheel"
      - uses: actions/setup-node@v4
        with:
          node-version: '99'
`,
  });
  try {
    const first = await p.run();
    assert.equal(first.code, 1, first.stdout);
    assert.match(first.stdout, new RegExp(`node=v${process.versions.node} out=v${process.versions.node}`));
    const py = /python=(\S+) out=(\S+) hit=false/.exec(first.stdout);
    assert.ok(py && py[1] === py[2] && py[1].startsWith('3.'), first.stdout);
    assert.match(first.stdout, /No installed Node\.js matches '99' \(installed on this host: [^)]*\d/);
    assert.doesNotMatch(first.stdout, /Cache saved/, 'a failed job saves no cache');

    writeFileSync(join(p.dir, '.github/workflows/ci.yml'), readFileSync(join(p.dir, '.github/workflows/ci.yml'), 'utf8').replace(/      - uses: actions\/setup-node@v4\n        with:\n          node-version: '99'\n/, ''));
    const second = await p.run();
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /Cache saved with key: setup-python-Linux-\S+-pip-/);
    rmSync(pipCache, { recursive: true, force: true });
    mkdirSync(pipCache);
    const third = await p.run();
    assert.equal(third.code, 0, third.stdout);
    assert.match(third.stdout, /hit=true/);
    assert.ok(existsSync(join(pipCache, 'wheel')));
  } finally {
    p.cleanup();
    rmSync(pipCache, { recursive: true, force: true });
  }
});
