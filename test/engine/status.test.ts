/** Status functions across steps and jobs, the implicit success(), continue-on-error, needs results. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conclusions, runWorkflow } from './workflow-run.js';

test('step conditions follow success(), failure(), always() and the implicit success()', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  main:
    runs-on: ubuntu-latest
    steps:
      - id: ok
        run: echo ok
      - id: tolerated
        continue-on-error: true
        run: exit 4
      - id: after_tolerated
        if: failure()
        run: echo must not run
      - id: fails
        run: exit 3
      - id: implicit
        run: echo must not run
      - id: bare_true
        if: \${{ true }}
        run: echo must not run
      - id: explicit_success
        if: success()
        run: echo must not run
      - id: on_failure
        if: failure()
        run: echo "status=\${{ job.status }}" >> "$GITHUB_OUTPUT"
      - id: on_always
        if: always()
        run: |
          echo "fails=\${{ steps.fails.outcome }}/\${{ steps.fails.conclusion }}" >> "$GITHUB_OUTPUT"
          echo "tolerated=\${{ steps.tolerated.outcome }}/\${{ steps.tolerated.conclusion }}" >> "$GITHUB_OUTPUT"
          echo "implicit=\${{ steps.implicit.outcome }}" >> "$GITHUB_OUTPUT"
      - id: not_cancelled
        if: \${{ !cancelled() }}
        run: echo ran
`,
  });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(run.report.conclusion, 'failure');
  const job = run.job('main');
  assert.equal(job.conclusion, 'failure');
  assert.deepEqual(conclusions(job), {
    ok: 'success', tolerated: 'success', after_tolerated: 'skipped', fails: 'failure', implicit: 'skipped', bare_true: 'skipped',
    explicit_success: 'skipped', on_failure: 'success', on_always: 'success', not_cancelled: 'success',
  });
  assert.equal(run.step('main', 'tolerated').outcome, 'failure');
  assert.deepEqual(run.step('main', 'on_failure').outputs, { status: 'failure' });
  assert.deepEqual(run.step('main', 'on_always').outputs, { fails: 'failure/failure', tolerated: 'failure/success', implicit: 'skipped' });
  assert.match(run.stdout, /Process completed with exit code 3/);
  assert.doesNotMatch(run.stdout, /must not run$/m);
});

test('job conditions see the results of every job they depend on', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: exit 1
  independent:
    runs-on: ubuntu-latest
    steps:
      - run: echo fine
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo must not run
  deploy:
    needs: test
    if: success()
    runs-on: ubuntu-latest
    steps:
      - run: echo must not run
  on-failure:
    needs: test
    if: failure()
    runs-on: ubuntu-latest
    steps:
      - run: echo "the build failed upstream"
  report:
    needs: [test, on-failure, independent]
    if: always()
    runs-on: ubuntu-latest
    outputs:
      seen: \${{ steps.r.outputs.seen }}
    steps:
      - id: r
        run: echo "seen=\${{ needs.test.result }},\${{ needs.on-failure.result }},\${{ needs.independent.result }}" >> "$GITHUB_OUTPUT"
  flaky:
    continue-on-error: true
    runs-on: ubuntu-latest
    steps:
      - run: exit 1
`,
  });
  assert.equal(run.code, 1);
  const got = Object.fromEntries(run.report.jobs.map((j) => [j.key, j.conclusion]));
  assert.deepEqual(got, { build: 'failure', independent: 'success', test: 'skipped', deploy: 'skipped', 'on-failure': 'success', report: 'success', flaky: 'failure' });
  assert.deepEqual(run.job('report').outputs, { seen: 'skipped,success,success' });
  assert.match(run.stdout, /the build failed upstream/);
});

test('a failing job with continue-on-error does not fail the run', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  flaky:
    continue-on-error: true
    runs-on: ubuntu-latest
    steps:
      - run: exit 1
  after:
    needs: flaky
    runs-on: ubuntu-latest
    steps:
      - run: echo "flaky=\${{ needs.flaky.result }}"
`,
  });
  assert.equal(run.code, 0, run.stdout);
  assert.equal(run.report.conclusion, 'success');
  assert.equal(run.job('flaky').conclusion, 'failure');
  assert.equal(run.job('after').conclusion, 'success');
});

test('an expression that fails at run time is reported at its file, line and column', async () => {
  const run = await runWorkflow({
    workflow: `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    env:
      X: \${{ fromJSON('nope') }}
    steps:
      - run: echo a
  b:
    runs-on: ubuntu-latest
    steps:
      - id: bad
        timeout-minutes: \${{ fromJSON('-1') }}
        run: echo b
`,
  });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /^\[a\]\s+Error: \.github\/workflows\/test\.yml:6:10: error evaluating 'fromJSON\('nope'\)'/m);
  assert.match(run.stdout, /^\[b\]\s+Error: \.github\/workflows\/test\.yml:13:26: timeout-minutes must be a non-negative number, got -1$/m);
  assert.equal(run.step('b', 'bad').conclusion, 'failure');
});
