/** `nexus runs [RUN]`: recent runs, or one run's jobs with why each is still waiting. */
import type { RunDetail, RunList } from '../../server/api-types.js';
import { ApiClient, clientOptions, table } from '../../server/client.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

const state = (status: string, conclusion: string | null) => (status === 'completed' ? (conclusion ?? 'completed') : status);
const when = (ms: number | null) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '');

export const runs: Command = {
  name: 'runs',
  summary: 'List a server\'s runs, or show one run\'s jobs',
  usage: 'nexus runs [RUN] [--project NAME] [--limit 20] [--json] [--server URL] [--token T]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('runs', args, { ...clientOptions, project: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } });
    const api = new ApiClient(values, io.env, io.cwd);
    if (positionals[0]) {
      const data = await api.json<RunDetail>('GET', `/api/runs/${encodeURIComponent(positionals[0])}`);
      if (values.json) return (io.stdout.write(JSON.stringify(data, null, 2) + '\n'), 0);
      const r = data.run;
      io.stdout.write(`run ${r.id}  ${r.project} #${r.number} attempt ${r.attempt}  ${r.workflowName}  ${r.event} ${r.ref} ${r.sha.slice(0, 12)}  ${state(r.status, r.conclusion)}${r.reason ? `  (${r.reason})` : ''}\n`);
      io.stdout.write(table(['JOB', 'ID', 'STATUS', 'MINUTES', 'WHY'], data.jobs.map((j) => [j.name, j.id, state(j.status, j.conclusion), j.billableMinutes ?? '', j.waitingReason ?? j.reason ?? ''])));
      return 0;
    }
    const q = new URLSearchParams({ limit: values.limit ?? '20', ...(values.project ? { project: values.project } : {}) });
    const data = await api.json<RunList>('GET', `/api/runs?${q}`);
    if (values.json) return (io.stdout.write(JSON.stringify(data, null, 2) + '\n'), 0);
    io.stdout.write(table(['RUN', 'PROJECT', '#', 'WORKFLOW', 'EVENT', 'REF', 'STATUS', 'CREATED'], data.runs.map((r) => [r.id, r.project ?? '', r.number, r.workflowName, r.event, r.ref.replace(/^refs\/(heads|tags)\//, ''), state(r.status, r.conclusion), when(r.createdAt)])));
    return 0;
  },
};
