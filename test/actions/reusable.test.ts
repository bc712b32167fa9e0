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
    '.github/workflows/rec.yml': 'on: workflow_call\njobs:\n  again:\n    uses: ./.github/workflows/rec.yml\n',
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
  recursive:
    uses: ./.github/workflows/rec.yml
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
    assert.deepEqual(keys, ['deploy / ship', 'deploy / inner / leaf', 'after', 'missing', 'recursive / again / again / again']);
    assert.match(r.stdout, /reusable workflows may be nested at most 4 levels deep/);

    const listed = await runNexus(['run', '-l', '--action-cache', p.store], { cwd: p.dir });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^1\s+deploy \/ ship\s+deploy \/ ship$/m);
    assert.match(listed.stdout, /^1\s+deploy \/ inner \/ leaf\s/m);
    assert.match(listed.stdout, /^2\s+after\s/m);
  } finally {
    p.cleanup();
  }
});
