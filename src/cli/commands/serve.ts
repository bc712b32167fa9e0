/** `nexus serve`: the server, with SQLite in the data folder (or DATABASE_URL) and one in-process runner. */
import { join, resolve } from 'node:path';
import { NexusError } from '../../errors.js';
import { ensureDataDir } from '../../environments/data-folder.js';
import { createActionHost } from '../../actions/host.js';
import { EngineExecutor } from '../../runner/engine-executor.js';
import { EnginePipeline } from '../../server/engine-pipeline.js';
import { startServer } from '../../server/server.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

const number = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new NexusError('USAGE', `--${flag} must be a non-negative integer, got ${JSON.stringify(v)}`, { exitCode: 2 });
  return n;
};

export const serve: Command = {
  name: 'serve',
  summary: 'Run the Nexus server (API, hosted git, triggers, scheduler) with an in-process runner',
  usage: 'nexus serve [--host 127.0.0.1] [--port 8080] [--data .nexus] [--runners 1] [--labels a,b] [--heartbeat MS]\n' +
    '  DATABASE_URL=postgres://... selects PostgreSQL; NEXUS_WEBHOOK_SECRET verifies GitHub webhooks; NEXUS_SECRET_KEY seals secrets',
  async run(args, io) {
    const { values } = parseCommandArgs('serve', args, {
      host: { type: 'string' }, port: { type: 'string' }, data: { type: 'string' }, runners: { type: 'string' },
      labels: { type: 'string' }, heartbeat: { type: 'string' },
    }, false);
    const dataDir = ensureDataDir(resolve(io.cwd, values.data ?? '.nexus'));
    const server = await startServer(
      {
        host: values.host, port: number('port', values.port), dataDir, inProcessRunners: number('runners', values.runners),
        runnerLabels: values.labels?.split(',').map((l) => l.trim()).filter(Boolean), heartbeatMs: number('heartbeat', values.heartbeat), env: io.env,
      },
      { pipeline: new EnginePipeline(), executor: new EngineExecutor(join(dataDir, 'work'), 'in-process', createActionHost({ dataDir, env: io.env })), log: (m) => io.stderr.write(`${m}\n`) },
    );
    io.stdout.write(`nexus serve: listening on ${server.url} (store: ${server.store.dialect}, data: ${server.config.dataDir})\n`);
    if (server.adminTokenFile) io.stdout.write(`nexus serve: created the first admin token in ${server.adminTokenFile} (mode 0600)\n`);
    await new Promise<void>((stopped) => {
      process.once('SIGINT', () => stopped());
      process.once('SIGTERM', () => stopped());
    });
    await server.close();
    return 0;
  },
};
