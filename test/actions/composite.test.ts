/** Composite actions, the action store and the errors for actions that cannot be had, through `nexus run`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNexus } from '../helpers/cli.js';
import { project } from './helpers.js';

test('a composite action calling a composite action: inputs, if, shell, working-directory, env, continue-on-error, outputs', async () => {
  const p = project({
    '.github/actions/outer/action.yml': `name: outer
description: calls inner
inputs:
  word:
    description: w
    default: \${{ github.event_name }}-default
outputs:
  shout:
    description: from inner
    value: \${{ steps.in.outputs.loud }}
runs:
  using: composite
  steps:
    - run: echo "outer sees $GREETING in $(basename "$PWD") path=\${{ github.action_path }}"
      shell: bash
      working-directory: sub
      env:
        GREETING: hi-\${{ inputs.word }}
    - run: exit 3
      shell: bash
      continue-on-error: true
    - run: echo "skipped step ran"
      if: \${{ inputs.word == 'never' }}
      shell: bash
    - id: in
      uses: ./.github/actions/inner
      with:
        text: \${{ inputs.word }}
    - run: echo "after inner PATH head=\${PATH%%:*} env=$INNER_ENV"
      shell: sh
`,
    '.github/actions/inner/action.yml': `name: inner
description: upper-cases
inputs:
  text:
    description: t
    required: true
outputs:
  loud:
    description: upper
    value: \${{ steps.up.outputs.value }}
runs:
  using: composite
  steps:
    - id: up
      run: |
        echo "value=$(echo "\${{ inputs.text }}" | tr a-z A-Z)" >> "$GITHUB_OUTPUT"
        echo "INNER_ENV=set-by-inner" >> "$GITHUB_ENV"
        echo "/inner/bin" >> "$GITHUB_PATH"
        echo "inner action path $GITHUB_ACTION_PATH"
      shell: bash
`,
    'sub/keep.txt': 'x\n',
    '.github/workflows/ci.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: o
        uses: ./.github/actions/outer
        with:
          word: nexus
      - run: echo "result=\${{ steps.o.outputs.shout }} env=$INNER_ENV"
      - id: d
        uses: ./.github/actions/outer
      - run: echo "default=\${{ steps.d.outputs.shout }}"
`,
  });
  try {
    const r = await p.run();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /outer sees hi-nexus in sub path=\S*\.github\/actions\/outer/);
    assert.equal(r.stdout.match(/Process completed with exit code 3/g)?.length, 2, "once for each use of the action");
    assert.doesNotMatch(r.stdout, /skipped step ran/);
    assert.match(r.stdout, /inner action path \S*\.github\/actions\/inner/);
    assert.match(r.stdout, /after inner PATH head=\/inner\/bin env=set-by-inner/);
    assert.match(r.stdout, /result=NEXUS env=set-by-inner/);
    assert.match(r.stdout, /default=PUSH-DEFAULT/);
  } finally {
    p.cleanup();
  }
});

test('a remote action missing from the store fails fast, saying how to provide it; once added, the store copy runs', async () => {
  const p = project({
    '.github/workflows/ci.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/tool@v3
        with: { name: store }
`,
  });
  try {
    const started = Date.now();
    const r = await p.run();
    assert.equal(r.code, 1);
    assert.match(r.stdout, /someone\/tool@v3 is not in the action store .* Provide it with: nexus actions add someone\/tool@v3 --from PATH/);
    assert.ok(Date.now() - started < 30_000);

    const src = join(p.dir, '..', 'tool-src');
    mkdirSync(src);
    writeFileSync(join(src, 'action.yaml'), `name: tool
description: from the store
inputs:
  name: { description: n }
runs:
  using: composite
  steps:
    - run: echo "hello from the \${{ inputs.name }} copy, repo=$GITHUB_ACTION_REPOSITORY"
      shell: bash
`);
    const added = await runNexus(['actions', 'add', 'someone/tool@v3', '--from', src, '--action-cache', p.store]);
    assert.equal(added.code, 0, added.stderr);
    const listed = await runNexus(['actions', 'list', '--action-cache', p.store]);
    assert.match(listed.stdout, /someone\/tool@v3/);
    const again = await p.run();
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /hello from the store copy, repo=someone\/tool/);
  } finally {
    p.cleanup();
  }
});

test('container actions and cloud-only actions fail clearly naming what is missing', async () => {
  const p = project({
    '.github/actions/img/action.yml': `name: img
description: docker
runs:
  using: docker
  image: Dockerfile
`,
    '.github/workflows/ci.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/img
        continue-on-error: true
      - uses: docker://alpine:3
        continue-on-error: true
      - uses: aws-actions/configure-aws-credentials@v4
`,
  });
  try {
    const r = await p.run();
    assert.equal(r.code, 1);
    assert.equal(r.stdout.match(/needs a container engine \(Docker or Podman\); none runs on this host/g)?.length, 2, r.stdout);
    assert.match(r.stdout, /configure-aws-credentials@v4 needs an AWS account and credentials/);
  } finally {
    p.cleanup();
  }
});
