/** `nexus validate`: every problem as path:line:col: message, exit 1; the spec's workflows are clean. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runNexus, tempDir, writeTree } from '../helpers/cli.js';

const steps = '    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n';

const CASES: Record<string, { yaml: string; expect: RegExp }> = {
  'yaml-syntax.yml': { yaml: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ok\n   bad-indent: true\n', expect: /^yaml-syntax\.yml:7:\d+: .*(indent|column|mapping)/im },
  'unknown-key.yml': { yaml: `on: push\njobs:\n  a:\n    timeout-minute: 5\n${steps}`, expect: /^unknown-key\.yml:4:5: Unexpected value 'timeout-minute'$/m },
  'wrong-type.yml': { yaml: `on: push\njobs:\n  a:\n    timeout-minutes: ten\n${steps}`, expect: /^wrong-type\.yml:4:22: Unexpected value 'ten'$/m },
  'needs-unknown.yml': { yaml: `on: push\njobs:\n  b:\n${steps}  a:\n    needs: biuld\n${steps}`, expect: /^needs-unknown\.yml:8:12: Job 'a' depends on unknown job 'biuld'\.$/m },
  'cycle.yml': { yaml: `on: push\njobs:\n  r:\n${steps}  a:\n    needs: b\n${steps}  b:\n    needs: a\n${steps}`, expect: /^cycle\.yml:\d+:\d+: Job '[ab]' depends on job '[ab]' which creates a cycle/m },
  'dup-step-id.yml': { yaml: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - id: s\n        run: echo 1\n      - id: s\n        run: echo 2\n', expect: /^dup-step-id\.yml:8:13: The identifier 's' may not be used more than once/m },
  'bad-expression.yml': { yaml: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ github.sha == }}\n', expect: /^bad-expression\.yml:6:\d+: .*end of expression/im },
  'bad-if.yml': { yaml: 'on: push\njobs:\n  a:\n    runs-on: x\n    if: github.ref ==\n    steps:\n      - run: echo\n', expect: /^bad-if\.yml:5:\d+: .*end of expression/im },
  'bad-cron.yml': { yaml: `on:\n  schedule:\n    - cron: '61 * * * *'\njobs:\n  a:\n${steps}`, expect: /^bad-cron\.yml:3:13: invalid cron/im },
  'cron-fields.yml': { yaml: `on:\n  schedule:\n    - cron: '* * *'\njobs:\n  a:\n${steps}`, expect: /^cron-fields\.yml:3:13: invalid cron/im },
  'matrix-limit.yml': { yaml: 'on: push\njobs:\n  over:\n    runs-on: x\n    strategy:\n      matrix:\n        a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]\n        b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n    steps:\n      - run: echo\n', expect: /^matrix-limit\.yml:7:9: job 'over': the matrix expands to 272 jobs; GitHub's limit is 256$/m },
  'empty-vector.yml': { yaml: 'on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n        os: []\n    steps:\n      - run: echo\n', expect: /^empty-vector\.yml:7:13: Matrix vector 'os' .* does not contain any values/m },
};

test('each kind of problem is reported with its line and column, and exit status 1', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeTree(dir, Object.fromEntries(Object.entries(CASES).map(([f, c]) => [f, c.yaml])));
    for (const [file, { expect }] of Object.entries(CASES)) {
      const r = await runNexus(['validate', file], { cwd: dir });
      assert.equal(r.code, 1, `${file}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, expect, `${file}:\n${r.stdout}`);
      assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at |internal error/);
    }
    // All files at once: every problem, one line each.
    const all = await runNexus(['validate', '.'], { cwd: dir });
    assert.equal(all.code, 1);
    for (const file of Object.keys(CASES)) assert.match(all.stdout, new RegExp(`^${file.replace('.', '\\.')}:\\d+:\\d+: `, 'm'));
  } finally {
    cleanup();
  }
});

test("the spec's ci.yml and security-scan.yml validate cleanly", async () => {
  const r = await runNexus(['validate', join(repoRoot, 'test/fixtures/spec/ci.yml'), join(repoRoot, 'test/fixtures/spec/security-scan.yml')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /2 workflow file\(s\) valid/);
  assert.ok(readFileSync(join(repoRoot, 'test/fixtures/spec/ci.yml'), 'utf8').includes('deploy-production'));
});
