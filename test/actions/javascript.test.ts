/** JavaScript actions built on GitHub's real toolkit (@actions/core, exec, io, glob), run through `nexus run`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNexus } from '../helpers/cli.js';
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
core.saveState('pre', 'pre-' + core.getInput('who-to greet'));
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
core.info('post got ' + core.getState('token') + ' after [' + core.getState('pre') + ']');
`,
  'README.md': 'hi\n',
};

test('a JavaScript action on the real toolkit: inputs, outputs, env, path, state, masking, summary; pre at job start for a stored action, none for a local one; posts in reverse order', async () => {
  const p = project({
    ...TOOLKIT_FILES,
    '.github/workflows/ci.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "first main step"
      - uses: someone/greet@v1
        id: g
        with:
          who-to greet: Mona
          old: x
      - run: |
          echo "out=\${{ steps.g.outputs.greeting }} env=$FROM_ACTION"
          echo "first-path=\${PATH%%:*}"
      - uses: someone/greet@v1
        if: false
        with:
          who-to greet: Skipped
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
    // The same action, taken from the action store as a remote action would be.
    const added = await runNexus(['actions', 'add', 'someone/greet@v1', '--from', join(p.dir, GREET), '--action-cache', p.store]);
    assert.equal(added.code, 0, added.stderr);
    const r = await p.run('--json', `${p.dir}/../report.json`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.stdout;
    // GitHub runs every pre at job start, in step order, before any main step, under pre-if (default always()) whatever the main's if.
    const preMona = out.indexOf('pre ran for Mona');
    const preSkipped = out.indexOf('pre ran for Skipped');
    assert.ok(preMona > 0 && preSkipped > preMona && out.indexOf('first main step') > preSkipped, out);
    assert.doesNotMatch(out, /raw input variable Skipped/, 'the main step whose if is false did not run');
    // No pre for a local action: the runner reads it only when its step runs.
    assert.doesNotMatch(out, /pre ran for Second/);
    assert.match(out, /Warning: `pre` execution is not supported for local action from '\.\/\.github\/actions\/greet'/);
    assert.match(out, /raw input variable Mona/);
    assert.match(out, /Input 'old' has been deprecated with message: use new/);
    assert.equal(out.match(/has been deprecated/g)?.length, 1, 'the warning is given once, by the main step');
    assert.match(out, /out=hello Mona env=exported-Mona/);
    assert.match(out, /first-path=\S*\/_temp\/bin-Mona/);
    assert.match(out, /exec-ran/);
    assert.match(out, /globbed 1 markdown file/);
    assert.match(out, /action path \S*someone\/greet@v1/);
    assert.match(out, /action path \S*\.github\/actions\/greet/);
    assert.match(out, /leak \*\*\*/);
    assert.doesNotMatch(out, /tok-Mona-9x/);
    // Post steps run at the end of the job, the last action's first, with the state its pre and main saved;
    // one whose main was skipped still has its post, since its pre ran.
    const second = out.indexOf('post got state-Second after []');
    const skipped = out.indexOf('post got  after [pre-Skipped]');
    const first = out.indexOf('post got state-Mona after [pre-Mona]');
    assert.ok(second > out.indexOf('first-path=') && skipped > second && first > skipped, out);
    // A composite's nested action runs its pre in place and its post in the composite's post step, first of all here.
    const wrapped = out.indexOf('post got state-Wrapped');
    assert.ok(out.indexOf('pre ran for Wrapped') > 0 && wrapped > 0 && wrapped < second, out);
    const report = JSON.parse(readFileSync(`${p.dir}/../report.json`, 'utf8'));
    assert.match(report.jobs[0].summary, /Summary from Mona/);
    const steps = report.jobs[0].steps as { id: string; name: string; phase?: string; conclusion: string; outputs: Record<string, string> }[];
    assert.equal(steps.find((s) => s.id === 'g' && !s.phase)?.outputs.greeting, 'hello Mona');
    // The report lists pre and post steps as GitHub does.
    assert.deepEqual(steps.filter((s) => s.phase).map((s) => [s.name, s.phase, s.conclusion]), [
      ['Pre Run someone/greet@v1', 'pre', 'success'],
      ['Pre Run someone/greet@v1', 'pre', 'success'],
      ['Post Run ./.github/actions/wrap', 'post', 'success'],
      ['Post Run ./.github/actions/greet', 'post', 'success'],
      ['Post Run someone/greet@v1', 'post', 'success'],
      ['Post Run someone/greet@v1', 'post', 'success'],
    ]);
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
