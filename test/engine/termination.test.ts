/** Timeouts and cancellation: the whole process tree of a step goes, always() steps still run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, nexusBin, tempDir } from '../helpers/cli.js';
import { conclusions, runWorkflow, withReport, type WorkflowRun } from './workflow-run.js';

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

/**
 * Runs `nexus run` on `workflow` in a fresh repository and sends SIGINT each time stdout first
 * shows the next of `interrupts` (a Ctrl-C per entry, once all of its texts are there), as a user
 * at a terminal would. `data` lists what is left in the data folder's work/.
 */
async function interruptedRun(workflow: string, interrupts: (string | string[])[], env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<WorkflowRun & { data: string }> {
  const { dir, cleanup } = tempDir('nexus-cancel-');
  try {
    gitRepo(dir, { '.github/workflows/test.yml': workflow });
    const reportPath = join(dir, 'report.json');
    const data = join(dir, 'data');
    const child = spawn(process.execPath, [nexusBin, 'run', '--data', data, '--json', reportPath, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = 0;
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolveExit) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (sent < interrupts.length && [interrupts[sent]].flat().every((text) => stdout.includes(text))) {
          sent++;
          child.kill('SIGINT');
        }
      });
      child.on('close', resolveExit);
    });
    assert.equal(sent, interrupts.length, `every Ctrl-C was sent:\n${stdout}${stderr}`);
    return { ...withReport(dir, { code, stdout, stderr }, existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : ''), data: readdirSync(join(data, 'work')).join(',') };
  } finally {
    cleanup();
  }
}

test('SIGINT cancels the run: running steps are killed, always() steps still run, the report says cancelled', async () => {
  const pids = tempDir('nexus-pids-');
  try {
    const run = await interruptedRun(`
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
`, ['tree started'], { PIDS: pids.dir });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(run.report.conclusion, 'cancelled');
    assert.equal(run.job('long').conclusion, 'cancelled');
    assert.equal(run.step('long', 'slow').conclusion, 'cancelled');
    assert.equal(run.step('long', 'skipped_on_cancel').conclusion, 'skipped');
    assert.equal(run.step('long', 'cleanup').conclusion, 'success');
    assert.equal(readFileSync(join(pids.dir, 'cleanup'), 'utf8').trim(), 'status=cancelled');
    assert.notEqual(run.job('later').conclusion, 'success');
    assert.equal(alive(Number(readFileSync(join(pids.dir, 'cancel'), 'utf8'))), false, 'the grandchild was killed');
    assert.doesNotMatch(run.stdout, /must not run$/m);
    assert.equal(run.data, '', 'the run\'s workspaces are gone');
  } finally {
    pids.cleanup();
  }
});

test('cancelling follows GitHub: jobs and steps whose if still holds (always()) are not cancelled, pending always() jobs run whole', async () => {
  const run = await interruptedRun(`
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "a started"; sleep 60
      - id: plain
        run: echo must not run
      - id: on_cancel
        if: cancelled()
        run: echo "cancelled() step ran"
  survivor:
    if: always()
    runs-on: ubuntu-latest
    steps:
      - id: wait
        run: echo "survivor started"; sleep 2; echo "survivor step went on"
      - id: next
        run: echo "status=\${{ job.status }}" >> "$GITHUB_OUTPUT"
  cleanup-step:
    runs-on: ubuntu-latest
    steps:
      - id: long_cleanup
        if: always()
        run: echo "cleanup started"; sleep 2; echo "always() step went on"
      - id: after
        run: echo must not run
  c:
    needs: a
    if: always()
    runs-on: ubuntu-latest
    steps:
      - id: plain
        run: echo "needs.a=\${{ needs.a.result }}" >> "$GITHUB_OUTPUT"
  d:
    needs: a
    runs-on: ubuntu-latest
    steps:
      - run: echo must not run
`, [['a started', 'survivor started', 'cleanup started']], {}, ['--jobs', '4']);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(run.report.conclusion, 'cancelled');
  assert.equal(run.job('a').conclusion, 'cancelled');
  assert.equal(run.step('a', 'plain').conclusion, 'skipped');
  assert.equal(run.step('a', 'on_cancel').conclusion, 'success');
  // A running job whose if still holds is not cancelled at all.
  assert.equal(run.job('survivor').conclusion, 'success', run.stdout);
  assert.match(run.stdout, /survivor step went on/);
  assert.deepEqual(run.step('survivor', 'next').outputs, { status: 'success' });
  // In a cancelled job, a running step whose if still holds goes on; the plain steps after it do not run.
  assert.equal(run.step('cleanup-step', 'long_cleanup').conclusion, 'success');
  assert.match(run.stdout, /always\(\) step went on/);
  assert.equal(run.step('cleanup-step', 'after').conclusion, 'skipped');
  assert.equal(run.job('cleanup-step').conclusion, 'cancelled');
  // A pending job whose if is always() runs as any job does; one without an if is cancelled.
  assert.equal(run.job('c').conclusion, 'success');
  assert.deepEqual(run.step('c', 'plain').outputs, { 'needs.a': 'cancelled' });
  assert.equal(run.job('d').conclusion, 'cancelled');
  assert.doesNotMatch(run.stdout, /must not run$/m);
});

test('a second Ctrl-C quits at once with status 130: every step process group is killed, even one that ignores SIGTERM', async () => {
  const pids = tempDir('nexus-pids-');
  try {
    const run = await interruptedRun(`
on: push
jobs:
  stubborn:
    runs-on: ubuntu-latest
    steps:
      - if: always()
        run: |
          trap '' TERM INT
          (trap '' TERM INT; sleep 60) & echo $! > "$PIDS/child"
          echo "stubborn started"
          sleep 60
`, ['stubborn started', 'Press Ctrl-C again'], { PIDS: pids.dir });
    assert.equal(run.code, 130, run.stdout + run.stderr);
    const child = Number(readFileSync(join(pids.dir, 'child'), 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(alive(child), false, 'the step\'s process group was killed');
    assert.equal(run.data, '', 'the run\'s workspaces are gone');
  } finally {
    pids.cleanup();
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
