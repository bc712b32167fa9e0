/** Matrix jobs at run time: include/exclude, names, fail-fast, max-parallel, dynamic matrices, --matrix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from './workflow-run.js';

test('include/exclude expand as GitHub documents, with GitHub display names and the strategy context', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  test:
    name: unit
    runs-on: ubuntu-latest
    strategy:
      matrix:
        os: [linux, mac]
        node: [18, 20]
        exclude:
          - os: mac
            node: 18
        include:
          - os: linux
            experimental: true
          - os: windows
            node: 22
    outputs:
      seen: \${{ steps.s.outputs.seen }}
    steps:
      - id: s
        run: echo "seen=\${{ matrix.os }}-\${{ matrix.node }}-\${{ matrix.experimental }}-\${{ strategy.job-index }}/\${{ strategy.job-total }}" >> "$GITHUB_OUTPUT"
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const jobs = run.report.jobs.map((j) => [j.name, j.matrix, j.steps[0].outputs.seen]);
  assert.deepEqual(jobs, [
    ['unit (linux, 18, true)', { os: 'linux', node: 18, experimental: true }, 'linux-18-true-0/4'],
    ['unit (linux, 20, true)', { os: 'linux', node: 20, experimental: true }, 'linux-20-true-1/4'],
    ['unit (mac, 20)', { os: 'mac', node: 20 }, 'mac-20--2/4'],
    ['unit (windows, 22)', { os: 'windows', node: 22 }, 'windows-22--3/4'],
  ]);
});

test('fail-fast cancels the rest of the matrix; fail-fast: false lets it finish', async () => {
  const workflow = (failFast: boolean) => `
on: push
jobs:
  m:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: ${failFast}
      max-parallel: 1
      matrix:
        n: [1, 2, 3]
    steps:
      - run: test \${{ matrix.n }} -ne 1
`;
  const fast = await runWorkflow({ workflow: workflow(true) });
  assert.equal(fast.code, 1);
  assert.deepEqual(fast.report.jobs.map((j) => j.conclusion), ['failure', 'cancelled', 'cancelled']);
  assert.match(fast.job('m (2)').reason ?? '', /fail-fast/);

  const slow = await runWorkflow({ workflow: workflow(false) });
  assert.equal(slow.code, 1);
  assert.deepEqual(slow.report.jobs.map((j) => j.conclusion), ['failure', 'success', 'success']);
});

test('max-parallel bounds how many instances of a matrix run at once', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  m:
    runs-on: ubuntu-latest
    strategy:
      max-parallel: 2
      matrix:
        n: [1, 2, 3, 4, 5]
    steps:
      - run: |
          mkdir -p ../../running
          touch ../../running/\${{ matrix.n }}
          sleep 0.3
          echo "at-once=$(ls ../../running | wc -l)"
          rm ../../running/\${{ matrix.n }}
`,
    args: ['--jobs', '5'],
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const counts = [...run.stdout.matchAll(/at-once=(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(counts.length, 5);
  assert.ok(Math.max(...counts) <= 2, `at most 2 at once, saw ${counts}`);
  assert.ok(counts.includes(2), `the two slots are used, saw ${counts}`);
});

test('a matrix computed from an earlier job output with fromJSON, filtered by --matrix', async () => {
  const workflow = `
on: push
jobs:
  gen:
    runs-on: ubuntu-latest
    outputs:
      m: \${{ steps.g.outputs.m }}
    steps:
      - id: g
        run: echo 'm={"svc":["api","web","worker"],"include":[{"svc":"web","port":8080}]}' >> "$GITHUB_OUTPUT"
  build:
    needs: gen
    runs-on: ubuntu-latest
    strategy:
      matrix: \${{ fromJSON(needs.gen.outputs.m) }}
    steps:
      - run: echo "building \${{ matrix.svc }} port=\${{ matrix.port }}"
`;
  const all = await runWorkflow({ workflow });
  assert.equal(all.code, 0, all.stdout + all.stderr);
  assert.deepEqual(all.report.jobs.map((j) => j.key), ['gen', 'build (api)', 'build (web, 8080)', 'build (worker)']);
  assert.match(all.stdout, /building web port=8080/);

  const filtered = await runWorkflow({ workflow, args: ['--matrix', 'svc:web'] });
  assert.equal(filtered.code, 0, filtered.stdout + filtered.stderr);
  assert.deepEqual(filtered.report.jobs.map((j) => j.key), ['gen', 'build (web, 8080)']);
});

test('a matrix over the 256-job limit fails the job with a clear reason', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  big:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
        b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
    steps:
      - run: echo never
`,
  });
  assert.notEqual(run.code, 0);
  assert.match(run.stdout + run.stderr, /272 jobs.*256/);
});
