/** Fixtures for action tests: a git repository with workflows and actions, run through the real `nexus run`. */
import { symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, repoRoot, runNexus, tempDir, type CliResult } from '../helpers/cli.js';

export interface Project {
  dir: string;
  store: string;
  data: string;
  sha: string;
  cleanup: () => void;
  run: (...args: string[]) => Promise<CliResult>;
}

/**
 * A repository holding `files`; every folder listed in `toolkit` gets a `node_modules` link to this
 * repository's, so actions there import the real @actions/* packages.
 */
export function project(files: Record<string, string>, toolkit: string[] = [], env: NodeJS.ProcessEnv = {}): Project {
  const { dir: base, cleanup } = tempDir('nexus-actions-');
  const dir = join(base, 'repo');
  const store = join(base, 'store');
  const data = join(base, 'data');
  mkdirSync(dir);
  for (const folder of toolkit) {
    mkdirSync(join(dir, folder), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, folder, 'node_modules'));
  }
  const sha = gitRepo(dir, { '.gitignore': '.nexus/\n', ...files });
  return {
    dir, store, data, sha, cleanup,
    run: (...args: string[]) => runNexus(['run', '--action-cache', store, '--data', data, ...args], { cwd: dir, env }),
  };
}
