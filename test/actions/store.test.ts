/**
 * Remote actions fetched into the action store with real git, from a file:// repository standing in for
 * github.com (git's url.<base>.insteadOf, as a user would point Nexus at a mirror).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, tempDir, writeTree } from '../helpers/cli.js';
import { project } from './helpers.js';

const action = (says: string) => ({
  'action.yml': `name: tool
description: a remote tool
runs:
  using: composite
  steps:
    - run: echo "tool says ${says} from $GITHUB_ACTION_REPOSITORY@$GITHUB_ACTION_REF"
      shell: bash
`,
});

/** someone/tool on a fake github.com: a first commit tagged v1, a second no ref points at, main's tip. */
function fakeGithub(): { base: string; second: string; tip: string; cleanup: () => void; env: (extra?: Record<string, string>) => NodeJS.ProcessEnv } {
  const { dir, cleanup } = tempDir('nexus-fake-github-');
  const repo = join(dir, 'someone', 'tool');
  mkdirSync(repo, { recursive: true });
  gitRepo(repo, action('first'));
  const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e' } }).trim();
  git('tag', 'v1');
  writeTree(repo, action('second'));
  git('commit', '-qam', 'second');
  const second = git('rev-parse', 'HEAD');
  writeTree(repo, action('tip'));
  git('commit', '-qam', 'tip');
  const tip = git('rev-parse', 'HEAD');
  const env = (extra: Record<string, string> = {}) => {
    const config = { [`url.file://${dir}/.insteadOf`]: 'https://github.com/', ...extra };
    const pairs = Object.entries(config);
    return {
      GIT_CONFIG_COUNT: String(pairs.length),
      ...Object.fromEntries(pairs.flatMap(([k, v], i) => [[`GIT_CONFIG_KEY_${i}`, k], [`GIT_CONFIG_VALUE_${i}`, v]])),
    };
  };
  return { base: dir, second, tip, cleanup, env };
}

const uses = (ref: string) => ({
  '.github/workflows/ci.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/tool@${ref}
`,
});

test('a SHA-pinned remote action is fetched by its commit (not only a branch tip), by tag, and with a server that refuses unadvertised commits', async () => {
  const gh = fakeGithub();
  try {
    for (const [ref, says, env] of [
      [gh.second, 'second', gh.env()],
      [gh.tip, 'tip', gh.env()],
      ['v1', 'first', gh.env()],
      // Protocol v0 without uploadpack.allowReachableSHA1InWant: the commit comes from a full fetch.
      [gh.second, 'second', gh.env({ 'protocol.version': '0' })],
    ] as const) {
      const p = project(uses(ref), [], env);
      try {
        const r = await p.run();
        assert.equal(r.code, 0, `${ref}: ${r.stdout}`);
        assert.match(r.stdout, new RegExp(`tool says ${says} from someone/tool@${ref}`));
        const stored = join(p.store, 'someone', `tool@${ref}`);
        assert.ok(existsSync(join(stored, 'action.yml')) && !existsSync(join(stored, '.git')), 'stored without .git');
      } finally {
        p.cleanup();
      }
    }
    // The case above does take the fallback: this server refuses the commit asked for by itself.
    const probe = join(gh.base, 'probe');
    execFileSync('git', ['init', '-q', probe]);
    const refused = spawnSync('git', ['-C', probe, 'fetch', '--depth=1', 'https://github.com/someone/tool', gh.second], { env: { ...process.env, ...gh.env({ 'protocol.version': '0' }) }, encoding: 'utf8' });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /unadvertised object|not our ref/);

    const missing = 'f'.repeat(40);
    const p = project(uses(missing), [], gh.env());
    try {
      const r = await p.run();
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, new RegExp(`someone/tool@${missing} is not in the action store .* and cannot be fetched \\(.*${missing}.*\\)\\. Provide it with: nexus actions add someone/tool@${missing} --from PATH`));
      assert.ok(!existsSync(join(p.store, 'someone', `tool@${missing}`)), 'nothing half-fetched is left in the store');
    } finally {
      p.cleanup();
    }
  } finally {
    gh.cleanup();
  }
});
