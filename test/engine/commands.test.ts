/** Workflow commands on stdout, hashFiles, and jobs the host cannot run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { runWorkflow } from './workflow-run.js';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest();

test('::group::, ::error file=,line=,col=::, ::notice::, ::stop-commands:: and escaped data', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  cmd:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "::group::Install things"
          echo "inside the group"
          echo "::endgroup::"
          echo "::error file=src/app.ts,line=12,col=5,title=Type error::Expected%0Aa number"
          echo "::stop-commands::pause-token"
          echo "::error::this is only text"
          echo "::pause-token::"
          echo "::notice::commands work again"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /▸ Install things\n.*inside the group/);
  assert.doesNotMatch(run.stdout, /^\[cmd\] {3}::(group|endgroup)::/m);
  assert.match(run.stdout, /^\[cmd\] {3}Error: Expected\n\[cmd\] {3}a number$/m);
  assert.match(run.stdout, /::error::this is only text/);
  assert.match(run.stdout, /Notice: commands work again/);
  assert.deepEqual(
    run.job('cmd').annotations.map((a) => ({ ...a })),
    [
      { level: 'error', message: 'Expected\na number', title: 'Type error', file: 'src/app.ts', line: 12, endLine: undefined, col: 5, endColumn: undefined },
      { level: 'notice', message: 'commands work again', title: undefined, file: undefined, line: undefined, endLine: undefined, col: undefined, endColumn: undefined },
    ].map((a) => JSON.parse(JSON.stringify(a))),
  );
});

test('hashFiles hashes the matching workspace files as GitHub does; no match gives an empty string', async () => {
  const files = { 'a/package-lock.json': '{"a":1}\n', 'b/c/package-lock.json': '{"b":2}\n', 'b/other.json': 'x' };
  const run = await runWorkflow({
    files,
    workflow: `
on: push
jobs:
  h:
    runs-on: ubuntu-latest
    steps:
      - id: h
        run: |
          echo "locks=\${{ hashFiles('**/package-lock.json') }}" >> "$GITHUB_OUTPUT"
          echo "one=\${{ hashFiles('**/package-lock.json', '!b/**') }}" >> "$GITHUB_OUTPUT"
          echo "none=\${{ hashFiles('**/*.nothing') }}" >> "$GITHUB_OUTPUT"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const combined = (...contents: string[]) => createHash('sha256').update(Buffer.concat(contents.map((c) => sha(c)))).digest('hex');
  assert.deepEqual(run.step('h', 'h').outputs, {
    locks: combined(files['a/package-lock.json'], files['b/c/package-lock.json']),
    one: combined(files['a/package-lock.json']),
    none: '',
  });
});

test('container and service jobs fail clearly; the rest of the run follows GitHub rules', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  in-container:
    runs-on: ubuntu-latest
    container: node:20
    steps:
      - run: echo never
  with-services:
    runs-on: ubuntu-latest
    services:
      db:
        image: postgres:16
    steps:
      - run: echo never
  host:
    runs-on: ubuntu-latest
    steps:
      - run: echo "host job ran"
  after:
    needs: in-container
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "after=\${{ needs.in-container.result }}"
`,
  });
  assert.equal(run.code, 1);
  assert.equal(run.job('in-container').conclusion, 'failure');
  assert.equal(run.job('with-services').conclusion, 'failure');
  assert.equal(run.job('host').conclusion, 'success');
  assert.equal(run.job('after').conclusion, 'success');
  assert.match(run.job('in-container').reason ?? '', /needs a container engine/);
  assert.match(run.job('with-services').reason ?? '', /service containers.*needs a container engine/);
  assert.match(run.stdout, /after=failure/);
  assert.doesNotMatch(run.stdout + run.stderr, /echo never\n.*never/);
});

test('each step gets empty command files: what one step wrote does not leak into the next, even when a step deletes them', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  f:
    runs-on: ubuntu-latest
    steps:
      - id: first
        run: |
          echo "a=1" >> "$GITHUB_OUTPUT"
          echo "## first" >> "$GITHUB_STEP_SUMMARY"
      - id: second
        run: |
          test ! -s "$GITHUB_OUTPUT" && test ! -s "$GITHUB_STEP_SUMMARY" && echo "b=2" >> "$GITHUB_OUTPUT"
          rm "$GITHUB_OUTPUT" "$GITHUB_ENV"
      - id: third
        run: |
          test -f "$GITHUB_OUTPUT" && test -f "$GITHUB_ENV" && echo "c=3" >> "$GITHUB_OUTPUT"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual([run.step('f', 'first').outputs, run.step('f', 'second').outputs, run.step('f', 'third').outputs], [{ a: '1' }, {}, { c: '3' }]);
});
