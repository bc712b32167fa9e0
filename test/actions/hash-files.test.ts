/**
 * hashFiles through `nexus run`, against GitHub's runner: each case is also hashed by a local action that
 * does what the runner's hashFiles script does, on the real @actions/glob (the runner's own glob).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { project } from './helpers.js';

const ORACLE = '.github/actions/runner-hash';

/** [name, hashFiles arguments as written in the workflow, the same patterns one a line for the glob]. */
const CASES: [string, string, string][] = [
  ['folder', `'src'`, 'src'],
  ['folder-only', `'src/'`, 'src/'],
  ['absolute', `format('{0}/package-lock.json', github.workspace)`, '${{ github.workspace }}/package-lock.json'],
  ['depth-first', `'**/*.txt'`, '**/*.txt'],
  ['roots-in-order', `'z/**', 'a/**'`, 'z/**\na/**'],
  ['excluded-then-included', `'**/*.json', '!lib/**', 'lib/keep.json'`, '**/*.json\n!lib/**\nlib/keep.json'],
  ['negated-folder', `'src', '!src/sub'`, 'src\n!src/sub'],
  ['dot', `'./lib'`, './lib'],
  ['comment', `'#src', 'lib/keep.json'`, '#src\nlib/keep.json'],
  ['no-braces', `'{a,b}.cfg'`, '{a,b}.cfg'],
  ['classes', `'src/[ab].ts', 'src/?.js'`, 'src/[ab].ts\nsrc/?.js'],
  ['hidden', `'**/.env*'`, '**/.env*'],
  ['globstar-inside', `'**/deep/**/*.md'`, '**/deep/**/*.md'],
  ['link-not-followed', `'linked/**'`, 'linked/**'],
  ['link-followed', `'--follow-symbolic-links', 'linked/**'`, '--follow-symbolic-links\nlinked/**'],
  ['outside-workspace', `'/etc/*'`, '/etc/*'],
  ['nothing', `'**/*.nothing'`, '**/*.nothing'],
];

const FILES: Record<string, string> = {
  [`${ORACLE}/action.yml`]: `name: runner-hash
description: the runner's hashFiles
inputs:
  patterns:
    required: true
outputs:
  hash:
    description: what the runner's hashFiles gives
runs:
  using: node20
  main: main.mjs
`,
  // The runner's hashFiles script, step for step (src/Misc/expressionFunc/hashFiles in actions/runner).
  [`${ORACLE}/main.mjs`]: `import * as core from '@actions/core';
import * as glob from '@actions/glob';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { sep } from 'node:path';
const workspace = process.env.GITHUB_WORKSPACE;
process.chdir(workspace);
let lines = core.getInput('patterns').split('\\n');
const followSymbolicLinks = lines[0] === '--follow-symbolic-links';
if (followSymbolicLinks) lines = lines.slice(1);
const total = createHash('sha256');
let count = 0;
for await (const file of (await glob.create(lines.join('\\n'), { followSymbolicLinks })).globGenerator()) {
  if (!file.startsWith(workspace + sep) || statSync(file).isDirectory()) continue;
  total.update(createHash('sha256').update(readFileSync(file)).digest());
  count++;
}
core.setOutput('hash', count ? total.digest('hex') : '');
`,
  'package-lock.json': '{"lockfileVersion":3}\n',
  'src/a.ts': 'a\n',
  'src/b.ts': 'b\n',
  'src/x.js': 'x\n',
  'src/sub.ts': 'sub\n',
  'src/sub/c.ts': 'c\n',
  'a.txt': 'top\n',
  'a/b.txt': 'nested\n',
  'a/one.json': '1\n',
  'z/two.json': '2\n',
  'lib/keep.json': 'keep\n',
  'lib/drop.json': 'drop\n',
  '{a,b}.cfg': 'braces\n',
  'a.cfg': 'a cfg\n',
  '.env.local': 'E=1\n',
  'conf/.envrc': 'export X=1\n',
  'docs/deep/x/y/readme.md': 'deep\n',
  'docs/deep/top.md': 'top md\n',
  'docs/other/no.md': 'no\n',
};

function workflow(): string {
  const steps = CASES.map(([, , lines], i) => `      - id: o${i}
        uses: ./${ORACLE}
        with:
          patterns: ${JSON.stringify(lines)}
`).join('');
  const report = CASES.map(([name, args], i) => `          echo "case ${name} [\${{ hashFiles(${args}) }}] [\${{ steps.o${i}.outputs.hash }}]"`).join('\n');
  return `on: push
jobs:
  h:
    runs-on: ubuntu-latest
    steps:
      - run: ln -s src linked
${steps}      - run: |
${report}
  bad:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ hashFiles('src/../lib') }}"
`;
}

const sha = (text: string) => createHash('sha256').update(text).digest();
const combined = (...paths: string[]) => createHash('sha256').update(Buffer.concat(paths.map((p) => sha(FILES[p])))).digest('hex');

test('hashFiles gives what GitHub\'s runner gives: folders, absolute paths, the glob\'s order, exclusions, links; bad patterns fail clearly', async () => {
  const p = project({ ...FILES, '.github/workflows/ci.yml': workflow() }, [ORACLE]);
  try {
    const r = await p.run();
    const got = new Map([...r.stdout.matchAll(/case (\S+) \[(\w*)\] \[(\w*)\]/g)].map((m) => [m[1], { nexus: m[2], runner: m[3] }]));
    assert.equal(got.size, CASES.length, r.stdout);
    for (const [name] of CASES) assert.equal(got.get(name)!.nexus, got.get(name)!.runner, `case ${name}`);

    // The same, worked out by hand, so the comparison above cannot pass with both sides wrong.
    const expected: Record<string, string> = {
      // Depth first, each folder's entries in byte order: src/sub/ (a folder) before src/sub.ts.
      folder: combined('src/a.ts', 'src/b.ts', 'src/sub/c.ts', 'src/sub.ts', 'src/x.js'),
      absolute: combined('package-lock.json'),
      'depth-first': combined('a/b.txt', 'a.txt'),
      'roots-in-order': combined('z/two.json', 'a/b.txt', 'a/one.json'),
      'excluded-then-included': combined('a/one.json', 'lib/keep.json', 'package-lock.json', 'z/two.json'),
      'negated-folder': combined('src/a.ts', 'src/b.ts', 'src/sub.ts', 'src/x.js'),
      'no-braces': combined('{a,b}.cfg'),
      hidden: combined('.env.local', 'conf/.envrc'),
      'globstar-inside': combined('docs/deep/top.md', 'docs/deep/x/y/readme.md'),
      'link-not-followed': '',
      'link-followed': combined('src/a.ts', 'src/b.ts', 'src/sub/c.ts', 'src/sub.ts', 'src/x.js'),
      'outside-workspace': '',
      nothing: '',
    };
    for (const [name, hash] of Object.entries(expected)) assert.equal(got.get(name)!.nexus, hash, `case ${name}`);
    assert.equal(got.get('folder-only')!.nexus, expected.folder);
    assert.equal(got.get('dot')!.nexus, combined('lib/drop.json', 'lib/keep.json'));

    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /hashFiles: invalid pattern 'src\/\.\.\/lib': relative pathing '\.' and '\.\.' is not allowed/);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    p.cleanup();
  }
});
