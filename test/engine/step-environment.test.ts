/** What a step sees: env precedence, GITHUB_ENV/PATH/STATE/OUTPUT/STEP_SUMMARY, shells, working directories. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from './workflow-run.js';

test('env precedence is workflow < job < GITHUB_ENV < step, and GITHUB_PATH prepends for later steps', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
env:
  A: workflow
  B: workflow
  C: workflow
  D: workflow
jobs:
  e:
    runs-on: ubuntu-latest
    env:
      B: job
      C: job
      D: job
    steps:
      - run: |
          echo "C=from-github-env" >> "$GITHUB_ENV"
          echo "D=from-github-env" >> "$GITHUB_ENV"
          printf 'MULTI<<END\\nline one\\nline two\\nEND\\n' >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin"
          printf '#!/bin/sh\\necho tool-on-path\\n' > "$RUNNER_TEMP/bin/mytool"
          chmod +x "$RUNNER_TEMP/bin/mytool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
      - id: seen
        env:
          D: step
        run: |
          echo "values=$A,$B,$C,$D" >> "$GITHUB_OUTPUT"
          echo "expr=\${{ env.A }},\${{ env.B }},\${{ env.C }},\${{ env.D }}" >> "$GITHUB_OUTPUT"
          { echo 'multi<<X'; echo "$MULTI"; echo X; } >> "$GITHUB_OUTPUT"
          echo "tool=$(mytool)" >> "$GITHUB_OUTPUT"
          echo "first=\${PATH%%:*}" >> "$GITHUB_OUTPUT"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const out = run.step('e', 'seen').outputs;
  assert.equal(out.values, 'workflow,job,from-github-env,step');
  assert.equal(out.expr, 'workflow,job,from-github-env,step');
  assert.equal(out.multi, 'line one\nline two');
  assert.equal(out.tool, 'tool-on-path');
  assert.match(out.first, /_temp\/bin$/);
});

test('runner variables GitHub sets are present', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  vars:
    runs-on: ubuntu-latest
    steps:
      - id: v
        run: |
          for v in GITHUB_ACTIONS CI GITHUB_JOB GITHUB_EVENT_NAME GITHUB_REF GITHUB_REF_NAME RUNNER_OS; do echo "$v=\${!v}" >> "$GITHUB_OUTPUT"; done
          echo "sha=$([ "$GITHUB_SHA" = "$(git rev-parse HEAD)" ] && echo same)" >> "$GITHUB_OUTPUT"
          echo "ws=$([ "$GITHUB_WORKSPACE" = "$PWD" ] && [ -f .github/workflows/test.yml ] && echo ok)" >> "$GITHUB_OUTPUT"
          echo "dirs=$([ -d "$RUNNER_TEMP" ] && [ -n "$RUNNER_TOOL_CACHE" ] && [ -f "$GITHUB_EVENT_PATH" ] && [ -n "$GITHUB_RUN_ID" ] && [ -n "$GITHUB_RUN_NUMBER" ] && echo ok)" >> "$GITHUB_OUTPUT"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.step('vars', 'v').outputs, {
    GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_JOB: 'vars', GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main',
    RUNNER_OS: 'Linux', sha: 'same', ws: 'ok', dirs: 'ok',
  });
});

test('job outputs carry multi-line values across jobs', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  produce:
    runs-on: ubuntu-latest
    outputs:
      notes: \${{ steps.p.outputs.notes }}
      single: \${{ steps.p.outputs.single }}
    steps:
      - id: p
        run: |
          delim=$(openssl rand -hex 8 2>/dev/null || echo EOF_MARK)
          { echo "notes<<$delim"; printf 'first line\\n\\n  indented = with equals\\nlast'; echo; echo "$delim"; } >> "$GITHUB_OUTPUT"
          echo "single=a=b=c" >> "$GITHUB_OUTPUT"
  consume:
    needs: produce
    runs-on: ubuntu-latest
    steps:
      - id: c
        env:
          NOTES: \${{ needs.produce.outputs.notes }}
        run: |
          [ "$NOTES" = "$(printf 'first line\\n\\n  indented = with equals\\nlast')" ] && echo "same=yes" >> "$GITHUB_OUTPUT"
          echo "single=\${{ needs.produce.outputs.single }}" >> "$GITHUB_OUTPUT"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.job('produce').outputs, { notes: 'first line\n\n  indented = with equals\nlast', single: 'a=b=c' });
  assert.deepEqual(run.step('consume', 'c').outputs, { same: 'yes', single: 'a=b=c' });
});

test('GITHUB_STATE and GITHUB_STEP_SUMMARY are read after the step; a malformed file fails it', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  s:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "## Results" >> "$GITHUB_STEP_SUMMARY"
          echo "- all green" >> "$GITHUB_STEP_SUMMARY"
          echo "saved=1" >> "$GITHUB_STATE"
      - run: echo "second summary" >> "$GITHUB_STEP_SUMMARY"
      - id: bad
        continue-on-error: true
        run: printf 'x<<END\\nno end\\n' >> "$GITHUB_OUTPUT"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.job('s').summary, '## Results\n- all green\n\nsecond summary\n');
  assert.equal(run.step('s', 'bad').outcome, 'failure');
  assert.match(run.stdout, /Matching delimiter not found 'END'/);
});

test('each shell runs as GitHub runs it', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  shells:
    runs-on: ubuntu-latest
    steps:
      - id: default_bash_e
        continue-on-error: true
        run: |
          false | true
          echo "pipe-ok=yes" >> "$GITHUB_OUTPUT"
          false
          echo "after-false=yes" >> "$GITHUB_OUTPUT"
      - id: bash_pipefail
        shell: bash
        continue-on-error: true
        run: |
          echo "started=yes" >> "$GITHUB_OUTPUT"
          false | true
          echo "after-pipe=yes" >> "$GITHUB_OUTPUT"
      - id: sh
        shell: sh
        run: echo "shell=$(readlink /proc/$$/exe | xargs basename)" >> "$GITHUB_OUTPUT"
      - id: python
        shell: python
        run: |
          import os, sys
          with open(os.environ["GITHUB_OUTPUT"], "a") as f:
              f.write(f"py={sys.version_info.major}\\n")
      - id: custom
        shell: bash --noprofile --norc -c "echo \\"file={0}\\" >> $GITHUB_OUTPUT; . {0}"
        run: echo "custom=ran" >> "$GITHUB_OUTPUT"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.step('shells', 'default_bash_e').outputs, { 'pipe-ok': 'yes' });
  assert.equal(run.step('shells', 'default_bash_e').outcome, 'failure');
  assert.deepEqual(run.step('shells', 'bash_pipefail').outputs, { started: 'yes' });
  assert.equal(run.step('shells', 'bash_pipefail').outcome, 'failure');
  assert.notEqual(run.step('shells', 'sh').outputs.shell, 'bash');
  assert.equal(run.step('shells', 'python').outputs.py, '3');
  assert.equal(run.step('shells', 'custom').outputs.custom, 'ran');
  assert.match(run.step('shells', 'custom').outputs.file, /_temp\/[^/]+$/);
});

test('working-directory and defaults.run at workflow and job level', async () => {
  const run = await runWorkflow({
    files: { 'wf/a/keep': '', 'jobdir/keep': '', 'stepdir/keep': '' },
    workflow: `
on: push
defaults:
  run:
    working-directory: wf/a
    shell: sh
jobs:
  workflow-defaults:
    runs-on: ubuntu-latest
    steps:
      - id: d
        run: echo "dir=\${PWD##*/} bash=\${BASH_VERSION:-none}" >> "$GITHUB_OUTPUT"
  job-defaults:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: jobdir
        shell: bash
    steps:
      - id: d
        run: echo "dir=\${PWD##*/} bash=\${BASH_VERSION:+yes}" >> "$GITHUB_OUTPUT"
      - id: step
        working-directory: stepdir
        run: echo "dir=\${PWD##*/}" >> "$GITHUB_OUTPUT"
      - id: missing
        continue-on-error: true
        working-directory: nowhere
        run: echo never
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.step('workflow-defaults', 'd').outputs.dir, 'a bash=none');
  assert.equal(run.step('job-defaults', 'd').outputs.dir, 'jobdir bash=yes');
  assert.equal(run.step('job-defaults', 'step').outputs.dir, 'stepdir');
  assert.equal(run.step('job-defaults', 'missing').outcome, 'failure');
  assert.match(run.stdout, /working-directory 'nowhere' does not exist/);
});

test("GITHUB_* and RUNNER_* cannot be overwritten: the env context shows the workflow's value, the process gets the runner's; CI can be", async () => {
  const run = await runWorkflow({
    workflow: `
on: push
env:
  GITHUB_REF: refs/heads/hijacked
  CI: from-workflow
jobs:
  e:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "GITHUB_SHA=deadbeef" >> "$GITHUB_ENV"
          echo "RUNNER_OS=Plan9" >> "$GITHUB_ENV"
      - id: seen
        env:
          GITHUB_JOB: from-step
        run: |
          echo "process=$GITHUB_REF,$GITHUB_SHA,$RUNNER_OS,$GITHUB_JOB,$CI" >> "$GITHUB_OUTPUT"
          echo "context=\${{ env.GITHUB_REF }},\${{ env.GITHUB_SHA }},\${{ env.RUNNER_OS }},\${{ env.GITHUB_JOB }}" >> "$GITHUB_OUTPUT"
          echo "github=\${{ github.ref }},\${{ github.sha == env.GITHUB_SHA }}" >> "$GITHUB_OUTPUT"
          echo "same_sha=$([ "$GITHUB_SHA" = "$(git rev-parse HEAD)" ] && echo yes)" >> "$GITHUB_OUTPUT"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const out = run.step('e', 'seen').outputs;
  assert.match(out.process, /^refs\/heads\/main,[0-9a-f]{40},Linux,e,from-workflow$/);
  assert.equal(out.same_sha, 'yes');
  assert.equal(out.context, 'refs/heads/hijacked,deadbeef,Plan9,from-step');
  assert.equal(out.github, 'refs/heads/main,false');
});

test('GITHUB_ACTION and github.action name the run step: its id, or __run, __run_2, ... for steps without one', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "first=$GITHUB_ACTION/\${{ github.action }}"
      - id: named
        run: echo "named=$GITHUB_ACTION/\${{ github.action }}" >> "$GITHUB_OUTPUT"
      - run: echo "second=$GITHUB_ACTION/\${{ github.action }}"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^\[a\]\s+first=__run\/__run$/m);
  assert.deepEqual(run.step('a', 'named').outputs, { named: 'named/named' });
  assert.match(run.stdout, /^\[a\]\s+second=__run_2\/__run_2$/m);
});

test('--env and --env-file are in the env context, above the workflow and job env and below the step env, as act has them', async () => {
  const run = await runWorkflow({
    args: ['--env', 'A=from-flag', '--env', 'B=from-flag', '--env-file', 'vars.env'],
    files: { 'vars.env': 'C=from-file\nD=from-file\n' },
    workflow: `
on: push
env:
  A: workflow
jobs:
  e:
    runs-on: ubuntu-latest
    env:
      C: job
    steps:
      - id: seen
        env:
          D: step
        run: |
          echo "process=$A,$B,$C,$D" >> "$GITHUB_OUTPUT"
          echo "context=\${{ env.A }},\${{ env.B }},\${{ env.C }},\${{ env.D }}" >> "$GITHUB_OUTPUT"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.step('e', 'seen').outputs, { process: 'from-flag,from-flag,from-file,step', context: 'from-flag,from-flag,from-file,step' });
});
