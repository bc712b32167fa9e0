/**
 * action.yml as GitHub's runner reads it, through `nexus run`: every `runs.using` of JavaScript actions,
 * metadata the runner accepts though the Marketplace schema would not, and clear errors for what
 * neither accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { project } from './helpers.js';

const MAIN = `import * as core from '@actions/core';
core.setOutput('said', process.env.RUNTIME + ' got ' + core.getInput('what') + ' on node ' + process.versions.node.split('.')[0]);
`;

const action = (dir: string, yml: string) => ({ [`${dir}/action.yml`]: yml, [`${dir}/main.mjs`]: MAIN });

test('node12, node16, node20 and node24 actions run; no name or description, unknown keys and a quoted required are accepted as on GitHub', async () => {
  const p = project(
    {
      // Only runs: the runner's schema requires nothing else.
      ...action('a12', `runs:
  using: node12
  main: main.mjs
`),
      ...action('a16', `name: sixteen
author: someone
x-internal-note: kept by the team, ignored by the runner
branding: { icon: box, color: blue }
inputs:
  what: { default: defaulted }
runs:
  using: node16
  main: main.mjs
`),
      ...action('a20', `name: twenty
description: with everything
inputs:
  what:
    description: what to say
    required: true
runs:
  using: node20
  main: main.mjs
`),
      ...action('a24', `description: no name
inputs:
  what:
    required: "true"
    default: quoted-required
runs:
  using: 'node24'
  main: main.mjs
`),
      '.github/workflows/ci.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - { id: s12, uses: ./a12, env: { RUNTIME: node12 } }
      - { id: s16, uses: ./a16, env: { RUNTIME: node16 } }
      - { id: s20, uses: ./a20, with: { what: twenty }, env: { RUNTIME: node20 } }
      - { id: s24, uses: ./a24, env: { RUNTIME: node24 } }
      - run: |
          echo "[\${{ steps.s12.outputs.said }}]"
          echo "[\${{ steps.s16.outputs.said }}]"
          echo "[\${{ steps.s20.outputs.said }}]"
          echo "[\${{ steps.s24.outputs.said }}]"
`,
    },
    ['a12', 'a16', 'a20', 'a24'],
  );
  try {
    const r = await p.run();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const major = process.versions.node.split('.')[0];
    for (const line of ['node12 got ', 'node16 got defaulted', 'node20 got twenty', 'node24 got quoted-required']) {
      assert.match(r.stdout, new RegExp(`\\[${line} on node ${major}\\]`));
    }
    assert.doesNotMatch(r.stdout, /warning/i, r.stdout);
  } finally {
    p.cleanup();
  }
});

test('action metadata neither GitHub nor Nexus can run fails the step naming file:line:col, without a stack trace', async () => {
  const p = project({
    'no-main/action.yml': 'name: x\nruns:\n  using: node20\n',
    'bad-using/action.yml': 'name: x\nruns:\n  using: node99\n  main: main.js\n',
    'no-runs/action.yml': 'name: x\ndescription: y\n',
    'no-shell/action.yml': 'runs:\n  using: composite\n  steps:\n    - run: echo hi\n',
    '.github/workflows/ci.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - { uses: ./no-main, continue-on-error: true }
      - { uses: ./bad-using, continue-on-error: true }
      - { uses: ./no-runs, continue-on-error: true }
      - { uses: ./no-shell, continue-on-error: true }
`,
  });
  try {
    const r = await p.run();
    const at = (dir: string, line: number, col: number, message: string) =>
      new RegExp(`uses: \\./${dir}: invalid action metadata at \\S+/${dir}/action\\.yml:${line}:${col}: ${message}`);
    assert.match(r.stdout, at('no-main', 3, 3, "There's not enough info to determine what you meant"));
    assert.match(r.stdout, at('bad-using', 3, 10, "Unexpected value 'node99'"));
    assert.match(r.stdout, at('no-runs', 1, 1, 'Required property is missing: runs'));
    assert.match(r.stdout, at('no-shell', 4, 7, 'Required property is missing: shell'));
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    p.cleanup();
  }
});
