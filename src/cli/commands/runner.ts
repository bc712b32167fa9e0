/** `nexus runner`: a remote runner that long-polls a server for jobs whose runs-on it matches. */
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NexusError } from '../../errors.js';
import { createActionHost } from '../../actions/host.js';
import { EngineExecutor } from '../../runner/engine-executor.js';
import { Runner } from '../../runner/runner.js';
import { DEFAULT_RUNNER_LABELS } from '../../server/config.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

export const runner: Command = {
  name: 'runner',
  summary: 'Run jobs for a Nexus server on this machine',
  usage: 'nexus runner --server URL --token T [--labels ubuntu-latest,...] [--capacity N] [--name NAME] [--work DIR]',
  async run(args, io) {
    const { values } = parseCommandArgs('runner', args, {
      server: { type: 'string' }, token: { type: 'string' }, labels: { type: 'string' }, capacity: { type: 'string' },
      name: { type: 'string' }, work: { type: 'string' },
    }, false);
    const server = values.server ?? io.env.NEXUS_SERVER;
    const token = values.token ?? io.env.NEXUS_TOKEN;
    if (!server) throw new NexusError('USAGE', '--server URL is required (or NEXUS_SERVER)', { exitCode: 2 });
    if (!token) throw new NexusError('USAGE', '--token is required (or NEXUS_TOKEN): create one with `nexus token create --role runner`', { exitCode: 2 });
    const capacity = Number(values.capacity ?? 1);
    if (!Number.isInteger(capacity) || capacity < 1) throw new NexusError('USAGE', `--capacity must be a positive integer, got ${JSON.stringify(values.capacity)}`, { exitCode: 2 });
    const name = values.name ?? `${hostname()}-${process.pid}`;
    const workDir = values.work ? resolve(io.cwd, values.work) : join(tmpdir(), `nexus-runner-${process.pid}`);
    const labels = values.labels?.split(',').map((l) => l.trim()).filter(Boolean) ?? DEFAULT_RUNNER_LABELS;
    const r = new Runner({ server: server.replace(/\/+$/, ''), token, name, labels, capacity, workDir, executor: new EngineExecutor(workDir, name, createActionHost({ dataDir: join(workDir, '_data'), env: io.env })), log: (m) => io.stderr.write(`${m}\n`) });
    r.start();
    io.stdout.write(`nexus runner ${name}: polling ${server} with labels [${labels.join(', ')}], capacity ${capacity}\n`);
    await new Promise<void>((res) => {
      process.once('SIGINT', res);
      process.once('SIGTERM', res);
    });
    await r.stop();
    return 0;
  },
};
