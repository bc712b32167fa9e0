/** Reusable workflows: typed inputs with defaults, inherited and named secrets, outputs used by a later job, nesting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNexus } from '../helpers/cli.js';
import { project } from './helpers.js';

const CALLED = `name: deploy-steps
on:
  workflow_call:
    inputs:
      target:
        type: string
        required: true
      replicas:
        type: number
        default: 2
      dry:
        type: boolean
        default: true
    secrets:
      TOKEN:
        required: true
    outputs:
      url:
        value: \${{ jobs.ship.outputs.url }}
jobs:
  ship:
    runs-on: ubuntu-latest
    outputs:
      url: \${{ steps.u.outputs.url }}
    steps:
      - id: u
        run: |
          echo "target=\${{ inputs.target }} replicas=\${{ inputs.replicas }} dry=\${{ inputs.dry }} types=\${{ inputs.dry == true && inputs.replicas == 3 }}"
          echo "token=\${{ secrets.TOKEN }} other=\${{ secrets.OTHER }}"
          echo "url=https://\${{ inputs.target }}.example" >> "$GITHUB_OUTPUT"
  inner:
    uses: ./.github/workflows/leaf.yml
    with:
      depth: two
`;

const LEAF = `on:
  workflow_call:
    inputs:
      depth:
        type: string
        default: none
jobs:
  leaf:
    runs-on: ubuntu-latest
    steps:
      - run: echo "leaf at \${{ inputs.depth }}"
`;

test('a reusable workflow with typed inputs, inherited secrets and outputs consumed by a later job; called jobs shown as caller / called', async () => {
  const p = project({
    '.github/workflows/deploy-steps.yml': CALLED,
    '.github/workflows/leaf.yml': LEAF,
    '.github/workflows/ci.yml': `on: push
jobs:
  deploy:
    uses: ./.github/workflows/deploy-steps.yml
    with:
      target: staging
      replicas: 3
    secrets: inherit
  after:
    needs: deploy
    runs-on: ubuntu-latest
    steps:
      - run: echo "deployed to \${{ needs.deploy.outputs.url }} result=\${{ needs.deploy.result }}"
  missing:
    uses: ./.github/workflows/deploy-steps.yml
    with:
      replicas: 1
    secrets:
      TOKEN: x
`,
  });
  try {
    const report = join(p.dir, '..', 'report.json');
    const r = await p.run('-s', 'TOKEN=tok-secret-1', '-s', 'OTHER=other-secret-2', '--json', report);
    assert.equal(r.code, 1, 'the call without its required input fails');
    assert.match(r.stdout, /\[deploy \/ ship\]\s+target=staging replicas=3 dry=true types=true/);
    assert.match(r.stdout, /token=\*\*\* other=\*\*\*/);
    assert.doesNotMatch(r.stdout, /tok-secret-1|other-secret-2/);
    assert.match(r.stdout, /\[deploy \/ inner \/ leaf\]\s+leaf at two/);
    assert.match(r.stdout, /deployed to https:\/\/staging\.example result=success/);
    assert.match(r.stdout, /input 'target' of \.github\/workflows\/deploy-steps\.yml is required/);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    const keys = json.jobs.map((j: { key: string }) => j.key);
    // Workflow order, as GitHub lists jobs: the called workflow declares ship before inner.
    assert.deepEqual(keys, ['deploy / ship', 'deploy / inner / leaf', 'after', 'missing']);

    const listed = await runNexus(['run', '-l', '--action-cache', p.store], { cwd: p.dir });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^1\s+deploy \/ ship\s+deploy \/ ship$/m);
    assert.match(listed.stdout, /^1\s+deploy \/ inner \/ leaf\s/m);
    assert.match(listed.stdout, /^2\s+after\s/m);
  } finally {
    p.cleanup();
  }
});

test("calls nested deeper than GitHub's ten levels are refused before the run, at the calling job; ten levels run", async () => {
  // level N calls level N+1; the top-level workflow is level 1.
  const chain = (levels: number) => Object.fromEntries(Array.from({ length: levels - 1 }, (_, i) => {
    const n = i + 2;
    const body = n === levels ? 'jobs:\n  leaf:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "leaf at level ' + n + '"\n' : `jobs:\n  down:\n    uses: ./.github/workflows/l${n + 1}.yml\n`;
    return [`.github/workflows/l${n}.yml`, `on: workflow_call\n${body}`];
  }));
  const top = 'on: push\njobs:\n  top:\n    uses: ./.github/workflows/l2.yml\n';

  const deep = project({ ...chain(11), '.github/workflows/ci.yml': top });
  try {
    const validated = await runNexus(['validate'], { cwd: deep.dir });
    assert.equal(validated.code, 1, validated.stdout + validated.stderr);
    assert.match(validated.stdout, /^\.github\/workflows\/l10\.yml:4:5: Job 'down' calls \.\/\.github\/workflows\/l11\.yml: reusable workflows may be nested at most 10 levels deep \(GitHub's limit\)$/m);
    const run = await deep.run();
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /^\.github\/workflows\/l10\.yml:4:5: Job 'down' calls/m);
    assert.doesNotMatch(run.stdout, /leaf at level/, 'nothing ran');
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  } finally {
    deep.cleanup();
  }

  const limit = project({ ...chain(10), '.github/workflows/ci.yml': top });
  try {
    const validated = await runNexus(['validate'], { cwd: limit.dir });
    assert.equal(validated.code, 0, validated.stdout + validated.stderr);
    const run = await limit.run();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /\[top \/ down \/ down \/ down \/ down \/ down \/ down \/ down \/ down \/ leaf\]\s+leaf at level 10/);
  } finally {
    limit.cleanup();
  }
});

test('--jobs bounds the jobs of called workflows too; the caller holds no slot while they run', async () => {
  const timed = (name: string) => `      - run: echo "${name} $(date +%s%N) start"; sleep 1; echo "${name} $(date +%s%N) end"\n`;
  const p = project({
    '.github/workflows/called.yml': `on: workflow_call\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n${timed('x')}  y:\n    runs-on: ubuntu-latest\n    steps:\n${timed('y')}`,
    '.github/workflows/ci.yml': `on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n  other:\n    runs-on: ubuntu-latest\n    steps:\n${timed('other')}`,
  });
  try {
    const r = await p.run('--jobs', '2');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const events = [...r.stdout.matchAll(/\]\s+(x|y|other) (\d+) (start|end)$/gm)].map((m) => ({ job: m[1], at: BigInt(m[2]), kind: m[3] }));
    assert.equal(events.length, 6, r.stdout);
    // Never more than two of the three jobs at once: at every start, at most one other has started and not ended.
    for (const e of events.filter((e) => e.kind === 'start')) {
      const running = events.filter((o) => o.job !== e.job && o.kind === 'start' && o.at <= e.at && !events.some((f) => f.job === o.job && f.kind === 'end' && f.at <= e.at));
      assert.ok(running.length <= 1, `${e.job} started while ${running.map((o) => o.job).join(', ')} ran:\n${r.stdout}`);
    }
    // And two ran at once: the caller's slot did not keep a called job waiting.
    const starts = events.filter((e) => e.kind === 'start').sort((a, b) => (a.at < b.at ? -1 : 1));
    const firstEnd = events.filter((e) => e.kind === 'end').reduce((m, e) => (e.at < m ? e.at : m), BigInt(Number.MAX_SAFE_INTEGER) * 1000n);
    assert.ok(starts[1].at < firstEnd, `two jobs ran side by side:\n${r.stdout}`);
  } finally {
    p.cleanup();
  }
});
