/** `nexus var set NAME VALUE [--env ENV]`, `list`, `delete NAME`: a project's variables (not secret: values are shown). */
import type { VariableList } from '../../server/api-types.js';
import { NexusError } from '../../errors.js';
import { ApiClient, clientOptions, table } from '../../server/client.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { projectName } from './dispatch.js';

export const variable: Command = {
  name: 'var',
  summary: 'Set, list or delete a project\'s variables (vars.NAME) on a server',
  usage: 'nexus var set NAME VALUE [--env ENV] | nexus var list | nexus var delete NAME [--env ENV]   [--project NAME] [--server URL] [--token T]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('var', args, { ...clientOptions, env: { type: 'string' }, project: { type: 'string' } });
    const [verb, name, value] = positionals;
    const usage = () => new NexusError('USAGE', `usage: ${this.usage}`, { exitCode: 2 });
    if (verb !== 'list' && verb !== 'set' && verb !== 'delete') throw usage();
    if (verb !== 'list' && !name) throw usage();
    if (verb === 'set' && value === undefined) throw usage();
    const api = new ApiClient(values, io.env, io.cwd);
    const project = encodeURIComponent(await projectName(api, values.project));
    const environment = values.env ?? '';
    if (verb === 'list') {
      const { variables } = await api.json<VariableList>('GET', `/api/projects/${project}/variables`);
      io.stdout.write(table(['NAME', 'ENVIRONMENT', 'VALUE'], variables.map((v) => [v.name, v.environment || '(all)', v.value])));
    } else if (verb === 'delete') {
      await api.json('DELETE', `/api/projects/${project}/variables/${encodeURIComponent(name)}?environment=${encodeURIComponent(environment)}`);
      io.stdout.write(`deleted variable ${name}\n`);
    } else {
      await api.json('PUT', `/api/projects/${project}/variables/${encodeURIComponent(name)}`, { value, environment });
      io.stdout.write(`set variable ${name}${environment ? ` for environment ${environment}` : ''}\n`);
    }
    return 0;
  },
};
