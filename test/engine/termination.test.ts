/** Timeouts and cancellation: the whole process tree of a step goes, always() steps still run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, nexusBin, tempDir } from '../helpers/cli.js';
import { conclusions, runWorkflow, withReport } from './workflow-run.js';

/** Running, not a zombie waiting for a parent (a container's init may reap late). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A step script that leaves a grandchild (its pid in $PIDS/NAME) and then blocks. */
const treeScript = (name: string) => `|
          (sleep 60; echo grandchild survived) & echo $! > "$PIDS/${name}"
          echo "tree started"
          sleep 60`;

test('step and job timeout-minutes (fractional) kill the whole process tree', async () => {
  const pids = tempDir('nexus-pids-');
  try {
    const started = Date.now();
    const run = await runWorkflow({
      env: { PIDS: pids.dir },
      workflow: `
on: push
jobs:
  step-timeout:
    runs-on: ubuntu-latest
    steps:
      - id: slow
        timeout-minutes: 0.02
        run: ${treeScript('step')}
      - id: next
        if: always()
        run: echo "after=\${{ steps.slow.outcome }}" >> "$GITHUB_OUTPUT"
  job-timeout:
    runs-on: ubuntu-latest
    timeout-minutes: 0.02
    steps:
      - id: slow
        run: ${treeScript('job')}
`,
    });
    assert.ok(Date.now() - started < 20_000, 'the timeouts ended the run early');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(run.step('step-timeout', 'slow').conclusion, 'failure');
    assert.deepEqual(run.step('step-timeout', 'next').outputs, { after: 'failure' });
    assert.match(run.stdout, /The step has timed out after 0\.02 minutes/);
    assert.equal(run.job('job-timeout').conclusion, 'failure');
    assert.match(run.job('job-timeout').reason ?? '', /exceeded the maximum execution time of 0\.02 minutes/);
    for (const name of ['step', 'job']) {
      const pid = Number(readFileSync(join(pids.dir, name), 'utf8'));
      assert.equal(alive(pid), false, `the ${name} grandchild ${pid} was killed`);
    }
    assert.doesNotMatch(run.stdout, /\]   grandchild survived$/m);
  } finally {
    pids.cleanup();
  }
});

test('SIGINT cancels the run: running steps are killed, always() steps still run, the report says cancelled', async () => {
  const { dir, cleanup } = tempDir('nexus-cancel-');
  try {
    gitRepo(dir, {
      '.github/workflows/test.yml': `
on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - id: slow
        run: ${treeScript('cancel')}
      - id: skipped_on_cancel
        run: echo must not run
      - id: cleanup
        if: always()
        run: echo "status=\${{ job.status }}" > "$PIDS/cleanup"
  later:
    needs: long
    runs-on: ubuntu-latest
    steps:
      - run: echo must not run
`,
    });
    const reportPath = join(dir, 'report.json');
    const child = spawn(process.execPath, [nexusBin, 'run', '--json', reportPath], { cwd: dir, env: { ...process.env, PIDS: dir, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolveExit) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('tree started') && !child.killed) child.kill('SIGINT');
      });
      child.on('close', resolveExit);
    });
    const run = withReport(dir, { code, stdout, stderr }, existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : '');
    assert.equal(run.code, 1, stdout + stderr);
    assert.equal(run.report.conclusion, 'cancelled');
    assert.equal(run.job('long').conclusion, 'cancelled');
    assert.equal(run.step('long', 'slow').conclusion, 'cancelled');
    assert.equal(run.step('long', 'skipped_on_cancel').conclusion, 'skipped');
    assert.equal(run.step('long', 'cleanup').conclusion, 'success');
    assert.equal(readFileSync(join(dir, 'cleanup'), 'utf8').trim(), 'status=cancelled');
    assert.notEqual(run.job('later').conclusion, 'success');
    assert.equal(alive(Number(readFileSync(join(dir, 'cancel'), 'utf8'))), false, 'the grandchild was killed');
    assert.doesNotMatch(stdout, /must not run$/m);
  } finally {
    cleanup();
  }
});

test('output left open by a background process holds a step 5 s, as on GitHub; what steps leave running dies with the job, unless started without RUNNER_TRACKING_ID', async () => {
  const pids = tempDir('nexus-pids-');
  try {
    const started = Date.now();
    const run = await runWorkflow({
      env: { PIDS: pids.dir },
      workflow: `
on: push
jobs:
  leaves:
    runs-on: ubuntu-latest
    steps:
      - id: holds-output
        run: sleep 60 & echo $! > "$PIDS/holder"
      - id: detached
        run: |
          setsid sleep 60 > /dev/null 2>&1 < /dev/null & echo $! > "$PIDS/daemon"
          RUNNER_TRACKING_ID= sleep 60 > /dev/null 2>&1 < /dev/null & echo $! > "$PIDS/kept"
      - id: next
        run: echo "tracking=$RUNNER_TRACKING_ID"
`,
    });
    const took = Date.now() - started;
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(conclusions(run.job('leaves')), { 'holds-output': 'success', detached: 'success', next: 'success' });
    assert.ok(took >= 5000 && took < 30_000, `the open output held the step about 5 s, not 60 (${took} ms)`);
    assert.match(run.stdout, /tracking=github_[0-9a-f-]{36}/);
    const pid = (name: string) => Number(readFileSync(join(pids.dir, name), 'utf8'));
    assert.equal(alive(pid('holder')), false, 'the process holding the output was killed with its step');
    assert.equal(alive(pid('daemon')), false, 'a process that left the step\'s group died with the job');
    assert.match(run.stdout, new RegExp(`Terminate orphan process: pid \\(${pid('daemon')}\\) \\(sleep\\)`));
    assert.equal(alive(pid('kept')), true, 'a process started without the tracking id outlives the job');
    process.kill(pid('kept'), 'SIGKILL');
  } finally {
    pids.cleanup();
  }
});
