import { resolve } from 'node:path';
import { NexusError } from '../errors.js';

/** Server options as given (flags, environment), compiled once into `ServerConfig`; nothing else reads env. */
export interface ServerOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  databaseUrl?: string;
  /** How often runners heartbeat; a silent runner loses its lease within two of these. */
  heartbeatMs?: number;
  /** How long a long-poll waits for a job before answering "nothing". */
  pollTimeoutMs?: number;
  webhookSecret?: string;
  /** In-process runners to start (0: none). */
  inProcessRunners?: number;
  runnerLabels?: string[];
  /** How often the cron schedules are checked. */
  cronCheckMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  heartbeatMs: number;
  leaseMs: number;
  ackMs: number;
  pollTimeoutMs: number;
  sweepMs: number;
  webhookSecret: string | undefined;
  inProcessRunners: number;
  runnerLabels: string[];
  cronCheckMs: number;
  env: NodeJS.ProcessEnv;
}

/** Labels a runner on this host answers to: GitHub's Linux images run here unchanged (no containers). */
export const DEFAULT_RUNNER_LABELS = ['self-hosted', 'linux', 'x64', 'ubuntu-latest', 'ubuntu-24.04', 'ubuntu-22.04'];

const defaults = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: '.nexus',
  heartbeatMs: 5000,
  pollTimeoutMs: 25_000,
  inProcessRunners: 1,
  cronCheckMs: 15_000,
} as const;

export function compileServerConfig(o: ServerOptions): ServerConfig {
  const env = o.env ?? process.env;
  const heartbeatMs = o.heartbeatMs ?? defaults.heartbeatMs;
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 20) throw new NexusError('USAGE', `--heartbeat must be at least 20 ms, got ${heartbeatMs}`, { exitCode: 2 });
  const port = o.port ?? defaults.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new NexusError('USAGE', `--port must be 0-65535, got ${port}`, { exitCode: 2 });
  return {
    host: o.host ?? defaults.host,
    port,
    dataDir: resolve(o.dataDir ?? defaults.dataDir),
    databaseUrl: o.databaseUrl ?? (env.DATABASE_URL || undefined),
    heartbeatMs,
    // The lease outlives one missed heartbeat; with a sweep every quarter interval a silent runner's
    // job ends at most 1.75 intervals after its last heartbeat.
    leaseMs: Math.round(heartbeatMs * 1.5),
    // An unacknowledged claim (its answer lost) goes back to the queue after two intervals.
    ackMs: heartbeatMs * 2,
    pollTimeoutMs: o.pollTimeoutMs ?? defaults.pollTimeoutMs,
    sweepMs: Math.max(10, Math.round(heartbeatMs / 4)),
    webhookSecret: o.webhookSecret ?? (env.NEXUS_WEBHOOK_SECRET || undefined),
    inProcessRunners: o.inProcessRunners ?? defaults.inProcessRunners,
    runnerLabels: o.runnerLabels ?? DEFAULT_RUNNER_LABELS,
    cronCheckMs: o.cronCheckMs ?? defaults.cronCheckMs,
    env,
  };
}
