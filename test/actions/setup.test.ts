/** setup-node and setup-python on the toolchains installed here, with the pip and npm caches across runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { arch } from 'node:os';
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

test('setup-node cache: npm is keyed on the root package-lock.json as setup-node keys it, hits on the next run with the same bytes; a monorepo must name its lock files', async () => {
  const npmCache = join(process.env.TMPDIR ?? '/tmp', `nexus-npm-cache-${process.pid}`);
  const lock = '{"name":"app","lockfileVersion":3,"packages":{}}\n';
  const job = (name: string, extra = '') => `  ${name}:
    runs-on: ubuntu-latest
    env:
      npm_config_cache: ${npmCache}
    steps:
      - uses: actions/setup-node@v4
        id: node
        with:
          node-version: ${process.versions.node.split('.')[0]}
          cache: npm
${extra}      - run: |
          echo "hit=\${{ steps.node.outputs.cache-hit }}"
          mkdir -p "$npm_config_cache/_cacache" && [ -f "$npm_config_cache/_cacache/index" ] || head -c 5000 /dev/urandom > "$npm_config_cache/_cacache/index"
          sha256sum "$npm_config_cache/_cacache/index"
`;
  const p = project({
    'package-lock.json': lock,
    'services/api/package-lock.json': '{"name":"api"}\n',
    '.github/workflows/ci.yml': `on: push\njobs:\n${job('root')}`,
  });
  try {
    const first = await p.run();
    assert.equal(first.code, 0, first.stdout);
    const hash = createHash('sha256').update(createHash('sha256').update(lock).digest()).digest('hex');
    const key = `node-cache-Linux-${arch()}-npm-${hash}`;
    assert.match(first.stdout, /hit=false/);
    assert.match(first.stdout, new RegExp(`Cache saved with key: ${key} `), 'keyed on the root lock file alone, as setup-node@v4 keys it');
    const bytes = /([0-9a-f]{64}) {2}\S+\/_cacache\/index/.exec(first.stdout)?.[1];
    assert.ok(bytes, first.stdout);

    rmSync(npmCache, { recursive: true, force: true });
    const second = await p.run();
    assert.equal(second.code, 0, second.stdout);
    assert.match(second.stdout, new RegExp(`Cache restored from key: ${key} `));
    assert.match(second.stdout, /hit=true/);
    assert.match(second.stdout, new RegExp(`${bytes} {2}\\S+/_cacache/index`), 'the restored cache has the same bytes');
    assert.match(second.stdout, new RegExp(`Cache hit occurred on the primary key ${key}, not saving cache`));

    // Without a lock file at the root setup-node fails, unless cache-dependency-path names them.
    rmSync(join(p.dir, 'package-lock.json'));
    writeFileSync(join(p.dir, '.github/workflows/ci.yml'), `on: push\njobs:\n${job('bare')}${job('named', '          cache-dependency-path: services/*/package-lock.json\n')}`);
    const third = await p.run();
    assert.equal(third.code, 1, third.stdout);
    assert.match(third.stdout, /\[bare\] +Error: Dependencies lock file is not found in \S+\. Supported file patterns: package-lock\.json,npm-shrinkwrap\.json,yarn\.lock/);
    const named = createHash('sha256').update(createHash('sha256').update('{"name":"api"}\n').digest()).digest('hex');
    assert.match(third.stdout, new RegExp(`\\[named\\] +Cache saved with key: node-cache-Linux-${arch()}-npm-${named} `));
  } finally {
    p.cleanup();
    rmSync(npmCache, { recursive: true, force: true });
  }
});
