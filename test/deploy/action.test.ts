import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gitRepo, runNexus, tempDir, writeTree } from '../helpers/cli.js';
import { serviceCommand } from './helpers.js';
import { deployAction, DeployDaemonClient } from '../../src/deploy/index.js';

test('nexus/deploy@v1 releases through the data folder daemon and reports outputs', async () => {
  const { dir, cleanup } = tempDir('nexus-deploy-action-');
  writeTree(dir, { '.nexus/environments.yml': 'environments:\n  staging:\n    url: https://staging.example\n    variables: { GREETING: hi }\n    secrets: [API_TOKEN, UNSET_ONE]\n' });
  const dataDir = join(dir, '.nexus');
  const lines: string[] = [];
  process.env.NEXUS_TEST_PARENT_SECRET = 'do-not-leak';
  const context = { dataDir, workspace: dir, sha: 'f00dfeed', ref: 'refs/heads/main', actor: 'alice', log: (l: string) => lines.push(l), signal: new AbortController().signal, secrets: { API_TOKEN: 'tok-5ecret-value' } };
  try {
    const inputs = { service: 'api', environment: 'staging', command: serviceCommand(), 'health-check': '/health', 'analysis-duration': '200ms', 'rollback-window': '0s', 'probe-interval': '100ms' };
    const result = await deployAction(inputs, context);
    assert.equal(result.conclusion, 'success', lines.join('\n'));
    assert.equal(result.outputs.revision, '1');
    assert.equal(result.outputs.status, 'success');
    assert.equal(result.outputs['environment-url'], 'https://staging.example', 'the environment URL is recorded');
    assert.equal(await (await fetch(result.outputs.url)).text(), 'revision 1 200\n', 'url is where the service answers');
    assert.equal(result.outputs.analysis, 'inconclusive');
    assert.equal(await (await fetch(`${result.outputs.url}/env/GREETING`)).text(), 'hi', 'environment variables reach the service');
    assert.equal(await (await fetch(`${result.outputs.url}/env/NEXUS_TEST_PARENT_SECRET`)).text(), '', 'the service does not inherit the deployer process environment');
    assert.equal(await (await fetch(`${result.outputs.url}/env/NEXUS_COMMIT`)).text(), 'f00dfeed');
    assert.equal(await (await fetch(`${result.outputs.url}/env/API_TOKEN`)).text(), 'tok-5ecret-value', 'environment secrets reach the service');
    assert.ok(lines.some((l) => /secret UNSET_ONE of the environment is not set/.test(l)));
    const stored = spawnSync('grep', ['-rl', 'tok-5ecret-value', dataDir, '--exclude-dir=logs'], { encoding: 'utf8' });
    assert.equal(stored.status, 1, `no stored file holds the secret value: ${stored.stdout}`);
    assert.ok(lines.some((l) => /traffic switched to revision 1/.test(l)));

    const switchOnly = await deployAction({ ...inputs, wait: 'switch', 'analysis-duration': '2s' }, context);
    assert.equal(switchOnly.conclusion, 'success');
    assert.equal(switchOnly.outputs.status, 'in_progress', 'returns at the switch while analysis goes on in the daemon');

    lines.length = 0;
    const bad = await deployAction({ ...inputs, 'max-error-rate': '250%' }, context);
    assert.equal(bad.conclusion, 'failure');
    assert.match(lines.join('\n'), /input 'max-error-rate' "250%": expected a percentage/);
    const canary = await deployAction({ ...inputs, strategy: 'canary' }, context);
    assert.equal(canary.conclusion, 'failure');
  } finally {
    delete process.env.NEXUS_TEST_PARENT_SECRET;
    await (await DeployDaemonClient.find(dataDir))?.shutdown(true);
    cleanup();
  }
});

test('through nexus run, a deploy step goes to its job\'s environment; a job of another environment, or of none, cannot deploy into a protected one', async () => {
  const { dir: root, cleanup } = tempDir('nexus-deploy-gate-');
  const dir = join(root, 'repo');
  const deployStep = (environment?: string) => `      - uses: nexus/deploy@v1
        with:
          service: web
${environment ? `          environment: ${environment}\n` : ''}          command: ${serviceCommand()}
          health-check: /health
          analysis-duration: 200ms
          rollback-window: 0s
          probe-interval: 100ms
`;
  gitRepo(dir, {
    '.nexus/environments.yml': 'environments:\n  production:\n    reviewers: [alice]\n    deployment-branches: { branches: [main] }\n  staging: {}\n',
    '.gitignore': '.nexus/*\n!.nexus/environments.yml\n',
    '.github/workflows/ci.yml': `on: push
jobs:
  no-environment:
    runs-on: ubuntu-latest
    steps:
${deployStep('production')}
  staging-job:
    runs-on: ubuntu-latest
    environment: staging
    steps:
${deployStep('production')}
  release:
    runs-on: ubuntu-latest
    environment: production
    steps:
${deployStep()}
`,
  });
  execFileSync('git', ['config', 'user.name', 'bob'], { cwd: dir });
  const data = join(dir, '.nexus');
  try {
    const run = await runNexus(['run', '--approve', 'production', '--as', 'alice', '--json', join(root, 'report.json')], { cwd: dir, env: { NEXUS_ACTOR: '' } });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const jobs = Object.fromEntries((JSON.parse(readFileSync(join(root, 'report.json'), 'utf8')).jobs as { key: string; conclusion: string }[]).map((j) => [j.key, j.conclusion]));
    assert.deepEqual(jobs, { 'no-environment': 'failure', 'staging-job': 'failure', release: 'success' });
    assert.match(run.stdout, /\[no-environment\]\s+nexus\/deploy: refused: 'production' is protected \(one review by alice; deploys from branch main; [^)]*\): only a job with `environment: production` may deploy to it, and this job has no environment\n/);
    assert.match(run.stdout, /\[staging-job\]\s+nexus\/deploy: refused: .* and this job's environment is 'staging'\n/);
    const records = JSON.parse((await runNexus(['deployments', '--json'], { cwd: dir })).stdout) as { environment: string; creator: string; approver?: string }[];
    assert.deepEqual(records.map((r) => [r.environment, r.creator, r.approver]), [['production', 'bob', 'alice']], 'only the gated job deployed, into its own environment, approved by the reviewer');
  } finally {
    await (await DeployDaemonClient.find(data))?.shutdown(true);
    cleanup();
  }
});
