/** Secrets and ::add-mask:: values never reach the console, the JSON report, summaries or stored files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runWorkflow } from './workflow-run.js';

const TOKEN = 'tok-9f8e7d6c5b4a';
const SPLIT = 'splitHEAD-splitTAIL-42';
const MULTI = ['first-line-of-key', 'second-line-of-key'];
const GENERATED = 'generated-in-step-77';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

test('secrets are masked in every output, also split across writes, multi-line, encoded, and in stored files', async () => {
  let stored: { file: string; text: string }[] = [];
  const run = await runWorkflow({
    args: ['-s', `TOKEN=${TOKEN}`, '-s', 'FROM_ENV'],
    env: { FROM_ENV: SPLIT },
    // Not committed and not git-ignored either: still never copied into a workspace.
    untracked: { '.secrets': `MULTI="${MULTI.join('\\n')}"\n` },
    workflow: `
on: push
jobs:
  leak:
    runs-on: ubuntu-latest
    outputs:
      out: \${{ steps.o.outputs.value }}
    steps:
      - run: |
          echo "token: \${{ secrets.TOKEN }}"
          echo "stderr: \${{ secrets.TOKEN }}" >&2
          printf 'split: %s' "\${FROM_ENV:0:9}"; sleep 0.3; printf '%s\\n' "\${FROM_ENV:9}"
          echo "$MULTI"
          printf '%s' "$TOKEN" | base64
          echo "json: {\\"t\\": \\"$TOKEN\\"}"
          echo "::warning file=a.txt,line=3::warned about \${{ secrets.TOKEN }}"
          echo "## $TOKEN in summary" >> "$GITHUB_STEP_SUMMARY"
          echo "$MULTI" >> "$GITHUB_STEP_SUMMARY"
        env:
          FROM_ENV: \${{ secrets.FROM_ENV }}
          MULTI: \${{ secrets.MULTI }}
          TOKEN: \${{ secrets.TOKEN }}
      - id: o
        run: |
          echo "value=prefix-\${{ secrets.TOKEN }}" >> "$GITHUB_OUTPUT"
          { echo 'multi<<EOF'; echo "$MULTI"; echo EOF; } >> "$GITHUB_OUTPUT"
        env:
          MULTI: \${{ secrets.MULTI }}
      - run: |
          value="generated-in-step-$((70 + 7))"
          echo "::add-mask::$value"
          echo "now hidden: $value"
          echo "gen=$value" >> "$GITHUB_OUTPUT"
`,
    inspect: (dir) => {
      stored = filesUnder(join(dir, '.nexus')).map((file) => ({ file, text: readFileSync(file, 'latin1') }));
    },
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const shown = run.stdout + run.stderr;
  for (const secret of [TOKEN, SPLIT, ...MULTI, GENERATED, Buffer.from(TOKEN).toString('base64')]) {
    assert.ok(!shown.includes(secret), `console shows ${secret}:\n${shown}`);
    assert.ok(!run.reportText.includes(secret), `report shows ${secret}`);
    for (const { file, text } of stored) assert.ok(!text.includes(secret), `${file} holds ${secret}`);
  }
  assert.match(run.stdout, /token: \*\*\*$/m);
  assert.match(run.stdout, /stderr: \*\*\*$/m);
  assert.match(run.stdout, /split: \*\*\*$/m);
  assert.match(run.stdout, /now hidden: \*\*\*$/m);
  assert.match(run.stdout, /::add-mask::\*\*\*/);
  // As on GitHub, a job output carrying a secret does not leave the job at all (step outputs stay, masked).
  assert.deepEqual(run.job('leak').outputs, {});
  assert.match(run.stdout, /Skip output 'out' since it may contain secret\./);
  assert.equal(run.step('leak', 'o').outputs.value, 'prefix-***');
  assert.match(run.job('leak').summary, /## \*\*\* in summary/);
  assert.ok(run.job('leak').annotations.some((a) => a.message === 'warned about ***' && a.file === 'a.txt' && a.line === 3));
  assert.ok(stored.length > 0, 'the data folder was inspected');
});
