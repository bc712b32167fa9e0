import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NexusError } from '../../errors.js';
import type { WorkflowFile } from '../pipeline.js';
import { PushJournal } from './push-journal.js';

const run = promisify(execFile);
export const ZERO_SHA = '0000000000000000000000000000000000000000';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkProjectName(name: string): void {
  if (!NAME.test(name) || name.endsWith('.git') || name.includes('..')) {
    throw new NexusError('USAGE', `project name ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-' (not ending in .git)`, { exitCode: 2 });
  }
}

/** The hosted bare repositories, one per project, under `<data>/repos/NAME.git`. */
export class Repos {
  readonly journal: PushJournal;
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
    this.journal = new PushJournal(root);
  }
  path(name: string): string {
    return join(this.root, `${name}.git`);
  }
  async git(name: string, args: string[], maxBuffer = 64 * 1024 * 1024): Promise<string> {
    const { stdout } = await run('git', args, { cwd: this.path(name), maxBuffer, encoding: 'utf8' });
    return stdout;
  }
  async create(name: string, defaultBranch: string): Promise<void> {
    checkProjectName(name);
    const dir = this.path(name);
    if (!existsSync(dir)) await run('git', ['init', '-q', '--bare', '-b', defaultBranch, dir]);
    await this.git(name, ['config', 'http.receivepack', 'true']);
  }
  exists(name: string): boolean {
    return existsSync(join(this.path(name), 'HEAD'));
  }
  async refs(name: string): Promise<Map<string, string>> {
    const out = await this.git(name, ['for-each-ref', '--format=%(refname) %(objectname)']);
    return new Map(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
  }
  async hasCommit(name: string, sha: string): Promise<boolean> {
    return run('git', ['cat-file', '-e', `${sha}^{commit}`], { cwd: this.path(name) }).then(() => true, () => false);
  }
  /** The workflow files at a commit (`.github/workflows/*.yml|yaml`). */
  async workflows(name: string, sha: string): Promise<WorkflowFile[]> {
    let listing: string;
    try {
      listing = await this.git(name, ['ls-tree', '--name-only', `${sha}:.github/workflows`]);
    } catch {
      return [];
    }
    const files = listing.split('\n').filter((f) => /\.ya?ml$/.test(f)).sort();
    return Promise.all(files.map(async (f) => ({ path: `.github/workflows/${f}`, source: await this.git(name, ['show', `${sha}:.github/workflows/${f}`]) })));
  }
  async headOf(name: string, branch: string): Promise<string | undefined> {
    return (await this.refs(name)).get(`refs/heads/${branch}`);
  }
}
