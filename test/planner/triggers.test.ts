/** Which events start a workflow: push and pull_request filters, types, schedule, dispatch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workflowTriggers } from '../../src/planner/triggers.js';
import { requireWorkflow } from '../../src/workflow/load.js';

const workflow = (on: string) => requireWorkflow('w.yml', `on:\n${on}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n`);
const push = (ref: string, changedFiles?: string[]) => ({ name: 'push', payload: { ref }, changedFiles });
const pr = (base: string, action = 'opened', changedFiles?: string[]) => ({ name: 'pull_request', payload: { action, pull_request: { base: { ref: base } } }, changedFiles });

test('push: branches, branches-ignore and tags; a filter of one kind of ref excludes the other kind', async () => {
  const branches = await workflow("  push:\n    branches: [main, 'releases/**', '!releases/**-alpha']");
  assert.equal(workflowTriggers(branches, push('refs/heads/main')), true);
  assert.equal(workflowTriggers(branches, push('refs/heads/releases/10')), true);
  assert.equal(workflowTriggers(branches, push('refs/heads/releases/10-alpha')), false);
  assert.equal(workflowTriggers(branches, push('refs/tags/v1')), false);

  const ignore = await workflow("  push:\n    branches-ignore: ['mona/octocat', 'releases/**-alpha']");
  assert.equal(workflowTriggers(ignore, push('refs/heads/main')), true);
  assert.equal(workflowTriggers(ignore, push('refs/heads/releases/beta/3-alpha')), false);

  const tags = await workflow("  push:\n    tags: ['v2', 'v1.*']");
  assert.equal(workflowTriggers(tags, push('refs/tags/v1.9')), true);
  assert.equal(workflowTriggers(tags, push('refs/tags/v3')), false);
  assert.equal(workflowTriggers(tags, push('refs/heads/main')), false);

  const any = await workflow('  push:');
  assert.equal(workflowTriggers(any, push('refs/tags/x')), true);
  assert.equal(workflowTriggers(any, pr('main')), false);
});

test('push: paths and paths-ignore over the changed files; not evaluated for tags', async () => {
  const paths = await workflow("  push:\n    paths: ['**.js', '!docs/**']");
  assert.equal(workflowTriggers(paths, push('refs/heads/main', ['src/app.js'])), true);
  assert.equal(workflowTriggers(paths, push('refs/heads/main', ['docs/a.js'])), false);
  assert.equal(workflowTriggers(paths, push('refs/heads/main', ['README.md', 'docs/a.js', 'lib/x.js'])), true);
  assert.equal(workflowTriggers(paths, push('refs/tags/v1', ['README.md'])), true);

  const ignore = await workflow("  push:\n    paths-ignore: ['docs/**']");
  assert.equal(workflowTriggers(ignore, push('refs/heads/main', ['docs/a.md'])), false);
  assert.equal(workflowTriggers(ignore, push('refs/heads/main', ['docs/a.md', 'src/b.ts'])), true);

  const both = await workflow("  push:\n    branches: [main]\n    paths: ['src/**']");
  assert.equal(workflowTriggers(both, push('refs/heads/main', ['src/a'])), true);
  assert.equal(workflowTriggers(both, push('refs/heads/dev', ['src/a'])), false);
  assert.equal(workflowTriggers(both, push('refs/heads/main', ['docs/a'])), false);
});

test('pull_request: base branch filters, default and explicit activity types, paths', async () => {
  const main = await workflow("  pull_request:\n    branches: [main]\n    paths-ignore: ['**.md']");
  assert.equal(workflowTriggers(main, pr('main')), true);
  assert.equal(workflowTriggers(main, pr('main', 'synchronize')), true);
  assert.equal(workflowTriggers(main, pr('main', 'closed')), false);
  assert.equal(workflowTriggers(main, pr('develop')), false);
  assert.equal(workflowTriggers(main, pr('main', 'opened', ['README.md'])), false);

  const closed = await workflow('  pull_request:\n    types: [closed]');
  assert.equal(workflowTriggers(closed, pr('any', 'closed')), true);
  assert.equal(workflowTriggers(closed, pr('any', 'opened')), false);
});

test('schedule matches its own cron lines; workflow_dispatch only itself', async () => {
  const w = await workflow("  schedule:\n    - cron: '0 2 * * 0'\n  workflow_dispatch:");
  assert.equal(workflowTriggers(w, { name: 'schedule', payload: {}, cron: '0 2 * * 0' }), true);
  assert.equal(workflowTriggers(w, { name: 'schedule', payload: {}, cron: '0 3 * * 0' }), false);
  assert.equal(workflowTriggers(w, { name: 'workflow_dispatch', payload: {} }), true);
  assert.equal(workflowTriggers(w, push('refs/heads/main')), false);
});
