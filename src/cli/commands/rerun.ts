/** `nexus rerun RUN [--failed]`: a new attempt of a finished run, of all jobs or only the failed ones. */
import type { RunAnswer } from '../../server/api-types.js';
import { NexusError } from '../../errors.js';
import { ApiClient, clientOptions } from '../../server/client.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

export const rerun: Command = {
  name: 'rerun',
  summary: 'Re-run a finished run (all jobs, or --failed ones and their dependents) as a new attempt',
  usage: 'nexus rerun RUN [--failed] [--server URL] [--token T]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('rerun', args, { ...clientOptions, failed: { type: 'boolean' } });
    if (!positionals[0]) throw new NexusError('USAGE', `usage: ${this.usage}`, { exitCode: 2 });
    const api = new ApiClient(values, io.env, io.cwd);
    const { run } = await api.json<RunAnswer>('POST', `/api/runs/${encodeURIComponent(positionals[0])}/rerun`, { failed: values.failed ?? false });
    io.stdout.write(`run ${run.id}: attempt ${run.attempt} started${values.failed ? ' (failed jobs only)' : ''}\n`);
    return 0;
  },
};
