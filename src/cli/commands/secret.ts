/** `nexus secret set NAME [--env ENV]`: the value comes from standard input and is never printed or read back. */
import type { SecretList } from '../../server/api-types.js';
import { NexusError } from '../../errors.js';
import { ApiClient, clientOptions, table } from '../../server/client.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { projectName } from './dispatch.js';

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

export const secret: Command = {
  name: 'secret',
  summary: 'Set (from stdin), list or delete a project\'s secrets on a server',
  usage: 'nexus secret set NAME [--env ENV] < value | nexus secret list | nexus secret delete NAME [--env ENV]   [--project NAME] [--server URL] [--token T]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('secret', args, { ...clientOptions, env: { type: 'string' }, project: { type: 'string' } });
    const [verb, name] = positionals;
    const api = new ApiClient(values, io.env, io.cwd);
    const project = encodeURIComponent(await projectName(api, values.project));
    if (verb === 'list') {
      const { secrets } = await api.json<SecretList>('GET', `/api/projects/${project}/secrets`);
      io.stdout.write(table(['NAME', 'ENVIRONMENT', 'UPDATED'], secrets.map((s) => [s.name, s.environment || '(all)', new Date(s.updatedAt).toISOString()])));
      return 0;
    }
    if (!name || (verb !== 'set' && verb !== 'delete')) throw new NexusError('USAGE', `usage: ${this.usage}`, { exitCode: 2 });
    if (verb === 'delete') {
      await api.json('DELETE', `/api/projects/${project}/secrets/${encodeURIComponent(name)}?environment=${encodeURIComponent(values.env ?? '')}`);
      io.stdout.write(`deleted secret ${name}\n`);
      return 0;
    }
    if (io.stdin.isTTY) io.stderr.write(`value for ${name} (end with Ctrl-D): `);
    const value = await readStdin(io.stdin);
    if (!value) throw new NexusError('USAGE', `no value for ${name} on standard input`, { exitCode: 2 });
    await api.json('PUT', `/api/projects/${project}/secrets/${encodeURIComponent(name)}`, { value, environment: values.env ?? '' });
    io.stdout.write(`set secret ${name}${values.env ? ` for environment ${values.env}` : ''}\n`);
    return 0;
  },
};
