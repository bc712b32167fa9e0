/** `nexus project add NAME [--from PATH]`: a hosted repository on the server; `--from` pushes PATH's branches and tags. */
import type { CreatedProject, ProjectList } from '../../server/api-types.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { NexusError } from '../../errors.js';
import { ApiClient, clientOptions, table } from '../../server/client.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

function currentBranch(dir: string): string | undefined {
  try {
    return execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const project: Command = {
  name: 'project',
  summary: 'Create and list projects (hosted git repositories) on a server',
  usage: 'nexus project add NAME [--from PATH] [--default-branch BRANCH] [--retry-runner-lost] | nexus project list   [--server URL] [--token T]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('project', args, {
      ...clientOptions, from: { type: 'string' }, 'default-branch': { type: 'string' }, 'retry-runner-lost': { type: 'boolean' },
    });
    const api = new ApiClient(values, io.env, io.cwd);
    const [verb, name] = positionals;
    if (verb === 'list') {
      const { projects } = await api.json<ProjectList>('GET', '/api/projects');
      io.stdout.write(table(['NAME', 'DEFAULT BRANCH', 'GIT URL'], projects.map((p) => [p.name, p.defaultBranch, `${api.server}/git/${p.name}.git`])));
      return 0;
    }
    if (verb !== 'add' || !name) throw new NexusError('USAGE', `usage: ${this.usage}`, { exitCode: 2 });
    const from = values.from ? resolve(io.cwd, values.from) : undefined;
    const defaultBranch = values['default-branch'] ?? (from && currentBranch(from)) ?? 'main';
    const created = await api.json<CreatedProject>('POST', '/api/projects', { name, defaultBranch, retryRunnerLost: values['retry-runner-lost'] ?? undefined });
    io.stdout.write(`created project ${name}: ${created.gitUrl} (default branch ${defaultBranch})\n`);
    if (from) {
      // The token travels in an environment-supplied header, never on a command line or in a remote URL.
      const basic = Buffer.from(`nexus:${api.credential}`).toString('base64');
      const r = spawnSync('git', ['push', '--quiet', created.gitUrl, 'refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*'], {
        cwd: from, encoding: 'utf8',
        env: { ...io.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` },
      });
      if (r.status !== 0) throw new NexusError('GIT', `pushing ${from} failed: ${(r.stderr || r.error?.message || '').trim()}`);
      io.stdout.write(`pushed the branches and tags of ${from}\n`);
    }
    return 0;
  },
};
