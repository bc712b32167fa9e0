/** `nexus cancel RUN [--job ID]`: cancels a run or one job; running steps are stopped, always() steps still run. */
import { NexusError } from '../../errors.js';
import { ApiClient, clientOptions } from '../../server/client.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

export const cancel: Command = {
  name: 'cancel',
  summary: 'Cancel a run (or one job) on a server',
  usage: 'nexus cancel RUN | nexus cancel --job JOB_ID   [--server URL] [--token T]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs('cancel', args, { ...clientOptions, job: { type: 'string' } });
    const api = new ApiClient(values, io.env, io.cwd);
    if (values.job) {
      await api.json('POST', `/api/jobs/${encodeURIComponent(values.job)}/cancel`);
      io.stdout.write(`cancelling job ${values.job}\n`);
    } else if (positionals[0]) {
      await api.json('POST', `/api/runs/${encodeURIComponent(positionals[0])}/cancel`);
      io.stdout.write(`cancelling run ${positionals[0]}\n`);
    } else throw new NexusError('USAGE', `usage: ${this.usage}`, { exitCode: 2 });
    return 0;
  },
};
