/**
 * The reference monorepo's workflows (examples/nexus): the local ones must stay the spec's pipeline, with only
 * the cloud steps swapped, and both must validate and plan to the same jobs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot, runNexus, tempDir } from '../helpers/cli.js';

const example = join(repoRoot, 'examples/nexus');
const local = (file: string) => join('.github/workflows', file);
const original = (file: string) => join('spec-original/.github/workflows', file);

interface Job {
  name?: string;
  needs?: string[];
  if?: string;
  'timeout-minutes'?: number;
  strategy?: unknown;
  environment?: { name: string };
  steps: { uses?: string; run?: string }[];
}

const jobsOf = (path: string): Record<string, Job> => parse(readFileSync(join(example, path), 'utf8')).jobs;

/**
 * The planned jobs as `nexus run -l` prints them: stage, job key and name per row. The event is a
 * push to main whatever branch this checkout is on (the example lives inside this repository).
 */
async function plannedJobs(event: string, path: string): Promise<string[]> {
  const { dir, cleanup } = tempDir('nexus-example-event-');
  try {
    const eventFile = join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify({ ref: 'refs/heads/main' }));
    const r = await runNexus(['run', event, '-l', '-W', path, '-e', eventFile], { cwd: example });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').filter((line) => /^\d+\s{2,}\S/.test(line)).map((line) => line.trim());
  } finally {
    cleanup();
  }
}

for (const file of ['ci.yml', 'security-scan.yml']) {
  test(`${file}: the local and the spec's original both validate`, async () => {
    const r = await runNexus(['validate', local(file), original(file)], { cwd: example });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /2 workflow file\(s\) valid/);
  });

  test(`${file}: keeps the spec's job ids, names, needs, conditions, matrices, environments and timeouts`, () => {
    const mine = jobsOf(local(file));
    const spec = jobsOf(original(file));
    assert.deepEqual(Object.keys(mine), Object.keys(spec));
    for (const [id, job] of Object.entries(spec)) {
      for (const key of ['name', 'needs', 'if', 'timeout-minutes', 'strategy'] as const) {
        assert.deepEqual(mine[id][key], job[key], `${id}.${key}`);
      }
      assert.equal(mine[id].environment?.name, job.environment?.name, `${id}.environment.name`);
    }
  });

  test(`${file}: uses no cloud action and no cloud CLI`, () => {
    for (const [id, job] of Object.entries(jobsOf(local(file)))) {
      for (const step of job.steps) {
        assert.doesNotMatch(step.uses ?? '', /^(aws-actions|docker|codecov|returntocorp|aquasecurity)\//, `${id}: ${step.uses}`);
        assert.doesNotMatch(step.run ?? '', /\b(aws|vercel|docker) |playwright install/, `${id}: ${step.run}`);
      }
    }
  });
}

test('ci.yml: the local pipeline plans to the same 14 jobs in the same stages as the spec', async () => {
  const mine = await plannedJobs('push', local('ci.yml'));
  assert.equal(mine.length, 14);
  assert.deepEqual(mine, await plannedJobs('push', original('ci.yml')));
  assert.ok(mine.some((row) => /^5\s+deploy-production\s/.test(row)), mine.join('\n'));
});

test('security-scan.yml: the schedule plans the same 3 jobs as the spec', async () => {
  const mine = await plannedJobs('schedule', local('security-scan.yml'));
  assert.deepEqual(mine.map((row) => row.split(/\s+/)[1]), ['dependency-audit', 'sast-scan', 'docker-scan']);
  assert.deepEqual(mine, await plannedJobs('schedule', original('security-scan.yml')));
});

test('ci.yml: E2E runs against the staging deployment and production is a blue/green release after approval', () => {
  const jobs = jobsOf(local('ci.yml'));
  const e2e = jobs['e2e-tests'].steps.find((s) => s.run?.includes('npx playwright test')) as { env: Record<string, string> };
  assert.equal(e2e.env.BASE_URL, '${{ needs.deploy-staging.outputs.url }}');
  const deploys = jobs['deploy-production'].steps.filter((s) => s.uses === 'nexus/deploy@v1') as { with: Record<string, string> }[];
  assert.deepEqual(deploys.map((s) => s.with.service), ['bmad', 'voice', 'execution', 'orchestration', 'frontend']);
  for (const step of deploys) {
    assert.equal(step.with.strategy, 'blue-green');
    assert.equal(step.with.environment, 'production');
    assert.ok(step.with['smoke-test'], `${step.with.service} has a smoke test`);
  }
  const environments = readFileSync(join(example, '.nexus/environments.yml'), 'utf8');
  assert.match(environments, /production:\n(?:.*\n)*?\s+reviewers: \[team:release-managers\]/);
});
