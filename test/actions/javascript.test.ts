/** JavaScript actions built on GitHub's real toolkit (@actions/core, exec, io, glob), run through `nexus run`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { project } from './helpers.js';

const GREET = '.github/actions/greet';
const TOOLKIT_FILES = {
  [`${GREET}/action.yml`]: `name: greet
description: says hello
inputs:
  who-to greet:
    description: who
    required: true
    default: world
  old:
    description: old
    deprecationMessage: use new
outputs:
  greeting:
    description: the greeting
runs:
  using: node20
  pre: pre.mjs
  main: main.mjs
  post: post.mjs
`,
  [`${GREET}/pre.mjs`]: `import * as core from '@actions/core';
core.info('pre ran for ' + core.getInput('who-to greet'));
`,
  [`${GREET}/main.mjs`]: `import * as core from '@actions/core';
import * as exec from '@actions/exec';
import * as io from '@actions/io';
import * as glob from '@actions/glob';
const who = core.getInput('who-to greet', { required: true });
core.info('raw input variable ' + process.env['INPUT_WHO-TO_GREET']);
if (who === 'fail') core.setFailed('asked to fail');
core.setOutput('greeting', 'hello ' + who);
core.exportVariable('FROM_ACTION', 'exported-' + who);
const bin = process.env.RUNNER_TEMP + '/bin-' + who;
await io.mkdirP(bin);
core.addPath(bin);
core.saveState('token', 'state-' + who);
core.setSecret('tok-' + who + '-9x');
core.info('leak tok-' + who + '-9x');
await exec.exec('echo', ['exec-ran']);
const files = await (await glob.create('*.md')).glob();
core.info('globbed ' + files.length + ' markdown file');
await core.summary.addHeading('Summary from ' + who).write();
core.info('action path ' + process.env.GITHUB_ACTION_PATH);
`,
  [`${GREET}/post.mjs`]: `import * as core from '@actions/core';
core.info('post got ' + core.getState('token'));
`,
  'README.md': 'hi\n',
};

test('a local JavaScript action on the real toolkit: inputs, outputs, env, path, state, masking, summary, pre and post in reverse order', async () => {
  const p = project({
    ...TOOLKIT_FILES,
    '.github/workflows/ci.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/greet
        id: g
        with:
          who-to greet: Mona
          old: x
      - run: |
          echo "out=\${{ steps.g.outputs.greeting }} env=$FROM_ACTION"
          echo "first-path=\${PATH%%:*}"
      - uses: ./.github/actions/greet
        with:
          who-to greet: Second
      - uses: ./.github/actions/wrap
`,
    '.github/actions/wrap/action.yml': `name: wrap
description: a composite around the JavaScript action
runs:
  using: composite
  steps:
    - uses: ./.github/actions/greet
      with:
        who-to greet: Wrapped
`,
  }, [GREET]);
  try {
    const r = await p.run('--json', `${p.dir}/../report.json`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.stdout;
    assert.match(out, /pre ran for Mona/);
    assert.match(out, /raw input variable Mona/);
    assert.match(out, /Input 'old' has been deprecated with message: use new/);
    assert.equal(out.match(/has been deprecated/g)?.length, 1, 'the warning is given once, by the main step');
    assert.match(out, /out=hello Mona env=exported-Mona/);
    assert.match(out, /first-path=\S*\/_temp\/bin-Mona/);
    assert.match(out, /exec-ran/);
    assert.match(out, /globbed 1 markdown file/);
    assert.match(out, /action path \S*\.github\/actions\/greet/);
    assert.match(out, /leak \*\*\*/);
    assert.doesNotMatch(out, /tok-Mona-9x/);
    // Post steps run at the end of the job, the last action's first, with the state of their own main step.
    const second = out.indexOf('post got state-Second');
    const first = out.indexOf('post got state-Mona');
    assert.ok(second > 0 && first > second, out);
    assert.ok(second > out.indexOf('first-path='));
    // A composite's nested action runs its pre in place and its post in the composite's post step, first of all here.
    const wrapped = out.indexOf('post got state-Wrapped');
    assert.ok(out.indexOf('pre ran for Wrapped') > 0 && wrapped > 0 && wrapped < second, out);
    const { readFileSync } = await import('node:fs');
    const report = JSON.parse(readFileSync(`${p.dir}/../report.json`, 'utf8'));
    assert.match(report.jobs[0].summary, /Summary from Mona/);
    assert.equal(report.jobs[0].steps[0].outputs.greeting, 'hello Mona');
  } finally {
    p.cleanup();
  }
});

test('core.setFailed fails the step and the job; the post step still runs', async () => {
  const p = project({
    ...TOOLKIT_FILES,
    '.github/workflows/ci.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/greet
        with: { who-to greet: fail }
      - run: echo should-not-run
`,
  }, [GREET]);
  try {
    const r = await p.run();
    assert.equal(r.code, 1);
    assert.match(r.stdout, /asked to fail/);
    assert.doesNotMatch(r.stdout, /\$ echo should-not-run/);
    assert.match(r.stdout, /post got state-fail/);
  } finally {
    p.cleanup();
  }
});
