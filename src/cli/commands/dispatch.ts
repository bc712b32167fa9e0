/** `nexus dispatch WORKFLOW --ref REF --input k=v`: a workflow_dispatch run on a server. */
import type { ProjectList, RunList } from '../../server/api-types.js';
import { NexusError } from '../../errors.js';
import { ApiClient, clientOptions } from '../../server/client.js';
import { parseCommandArgs, splitAssignment } from '../args.js';
import type { Command } from '../command.js';

/** The project named by --project, or the server's only project. */
export async function projectName(api: ApiClient, given: string | undefined): Promise<string> {
  if (given) return given;
  const { projects } = await api.json<ProjectList>('GET', '/api/projects');
  if (projects.length === 1) return projects[0].name;
  throw new NexusError('USAGE', `--project is required: the server has ${projects.length ? projects.map((p) => p.name).join(', ') : 'no projects'}`, { exitCode: 2 });
}

export const dispatch: Command = {
  name: 'dispatch',
  summary: 'Start a workflow_dispatch run on a server, with typed inputs',
  usage: 'nexus dispatch WORKFLOW [--ref REF] [--input NAME=VALUE]... [--project NAME] [--server URL] [--token T]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('dispatch', args, { ...clientOptions, ref: { type: 'string' }, input: { type: 'string', multiple: true }, project: { type: 'string' } });
    if (!positionals[0]) throw new NexusError('USAGE', `usage: ${this.usage}`, { exitCode: 2 });
    const inputs = Object.fromEntries((values.input ?? []).map((i) => splitAssignment('--input', i)));
    const api = new ApiClient(values, io.env, io.cwd);
    const name = await projectName(api, values.project);
    const { runs } = await api.json<RunList>('POST', `/api/projects/${encodeURIComponent(name)}/dispatches`, { workflow: positionals[0], ref: values.ref, inputs });
    for (const r of runs) io.stdout.write(`started run ${r.id} (${r.workflowName} #${r.number}) on ${r.ref}\n`);
    return 0;
  },
};
