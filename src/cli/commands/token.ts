/** `nexus token create --role ROLE`: an API token, printed once; the store keeps only its hash. */
import { resolve } from 'node:path';
import { NexusError } from '../../errors.js';
import { openStore } from '../../store/store.js';
import { roles, type Role } from '../../store/types.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

export const token: Command = {
  name: 'token',
  summary: 'Create an API token (admin, developer, viewer or runner) in the server\'s store',
  usage: 'nexus token create --role admin|developer|viewer|runner [--projects A,B] [--name NAME] [--data .nexus]   (DATABASE_URL selects PostgreSQL; --projects limits a runner token to those projects\' jobs)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('token', args, { role: { type: 'string' }, name: { type: 'string' }, data: { type: 'string' }, projects: { type: 'string' } });
    if (positionals[0] !== 'create') throw new NexusError('USAGE', `usage: ${this.usage}`, { exitCode: 2 });
    const role = values.role as Role;
    if (!roles.includes(role)) throw new NexusError('USAGE', `--role must be one of ${roles.join(', ')}, got ${JSON.stringify(values.role ?? '')}`, { exitCode: 2 });
    const projects = values.projects === undefined ? null : values.projects.split(',').map((p) => p.trim()).filter(Boolean);
    if (projects && role !== 'runner') throw new NexusError('USAGE', '--projects limits runner tokens only', { exitCode: 2 });
    if (projects && !projects.length) throw new NexusError('USAGE', '--projects needs at least one project name', { exitCode: 2 });
    const store = await openStore({ dataDir: resolve(io.cwd, values.data ?? '.nexus'), databaseUrl: io.env.DATABASE_URL || undefined, env: io.env });
    try {
      for (const p of projects ?? []) if (!(await store.getProject(p))) throw new NexusError('USAGE', `no project ${JSON.stringify(p)}`, { exitCode: 2 });
      io.stdout.write(`${await store.createToken(values.name ?? role, role, projects)}\n`);
    } finally {
      await store.close();
    }
    return 0;
  },
};
