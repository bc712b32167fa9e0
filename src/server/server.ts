import { getRequestListener } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import { writeFileSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { openStore, type Store } from '../store/store.js';
import type { JobExecutor } from '../runner/assignment.js';
import { Runner } from '../runner/runner.js';
import { createApp } from './app.js';
import { compileServerConfig, type ServerConfig, type ServerOptions } from './config.js';
import type { ServerContext } from './context.js';
import { syncSchedules } from './cron.js';
import { handleGit } from './git/git-route.js';
import { safeEqual } from './http/auth.js';
import { ingestLog, LOG_PATH } from './http/log-ingest.js';
import { recoverPushes } from './push.js';
import { Repos } from './git/repos.js';
import type { Pipeline } from './pipeline.js';
import { Scheduler } from './scheduler.js';
import { Sweeper } from './sweeper.js';

export interface NexusServer {
  url: string;
  config: ServerConfig;
  store: Store;
  sweeper: Sweeper;
  /** Where the first admin token was written, when this start created it. */
  adminTokenFile?: string;
  close(): Promise<void>;
}

/** Writes the bootstrap admin token once, mode 0600, so a fresh install can be used at once. */
async function bootstrapAdmin(store: Store, dataDir: string): Promise<string | undefined> {
  if ((await store.countTokens()) > 0) return undefined;
  const file = join(dataDir, 'admin.token');
  if (existsSync(file)) return undefined;
  const token = await store.createToken('admin', 'admin');
  writeFileSync(`${file}.tmp`, `${token}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return file;
}

/**
 * `nexus serve`: the store, the HTTP API and git endpoint, the sweeper (leases, timeouts, cron) and
 * the in-process runners, which speak the same HTTP protocol as remote ones.
 */
export async function startServer(options: ServerOptions, deps: { pipeline: Pipeline; executor: JobExecutor; log?: (m: string) => void }): Promise<NexusServer> {
  const config = compileServerConfig(options);
  const log = deps.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, env: config.env });
  const repos = new Repos(join(config.dataDir, 'repos'));
  let url = '';
  const scheduler = new Scheduler(store, repos, deps.pipeline, () => url);
  // The in-process runners' credential lives only in this process: nothing is stored that could outlive
  // it, and every start has a new one. Id 0 is no stored token's.
  const localRunnerToken = `nxs_local_${randomBytes(24).toString('base64url')}`;
  const localRunner = { id: 0, name: `in-process runner ${process.pid}`, role: 'runner' as const, projects: null };
  const identify = async (token: string) => (safeEqual(token, localRunnerToken) ? localRunner : store.verifyToken(token));
  const ctx: ServerContext = { store, repos, scheduler, pipeline: deps.pipeline, config, identify, url: () => url, log };
  const listener = getRequestListener(createApp(ctx).fetch);
  const failed = (what: string, res: import('node:http').ServerResponse) => (e: unknown) => {
    log(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  };
  // Handlers still at work when the server closes (a long poll woken by its client leaving) finish
  // before the store closes under them.
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const http: Server = createServer((req, res) => {
    if (req.url?.startsWith('/git/')) track(handleGit(ctx, req, res).catch(failed('git', res)));
    else if (req.method === 'POST' && LOG_PATH.test(req.url ?? '')) track(ingestLog(ctx, req, res).catch(failed('log ingestion', res)));
    else track(Promise.resolve(listener(req, res)).catch(failed('request', res)));
  });
  http.keepAliveTimeout = Math.max(config.pollTimeoutMs + 5000, 5000);
  http.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  const adminTokenFile = await bootstrapAdmin(store, config.dataDir);

  const sweeper = new Sweeper(store, repos, scheduler, config, () => recoverPushes(ctx), (e) => log(`sweeper: ${e instanceof Error ? e.message : String(e)}`));
  await recoverPushes(ctx).catch((e) => log(`recovering pushes: ${e instanceof Error ? e.message : String(e)}`));
  // Runners whose server restarted keep heartbeating; give them one lease to reconnect before expiring.
  const grace = setTimeout(() => sweeper.start(), config.leaseMs + config.heartbeatMs);
  grace.unref();
  for (const p of await store.listProjects()) await syncSchedules(store, repos, deps.pipeline, p).catch((e) => log(`schedules of ${p.name}: ${String(e)}`));

  const runners: Runner[] = [];
  if (config.inProcessRunners > 0) {
    for (let i = 0; i < config.inProcessRunners; i++) {
      const runner = new Runner({ server: url, token: localRunnerToken, name: `in-process-${i + 1}`, labels: config.runnerLabels, capacity: 1, workDir: join(config.dataDir, 'work'), executor: deps.executor, log });
      runners.push(runner);
      runner.start();
    }
  }
  return {
    url,
    config,
    store,
    sweeper,
    adminTokenFile,
    async close() {
      clearTimeout(grace);
      sweeper.stop();
      await Promise.all(runners.map((r) => r.stop()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 2000).unref())]);
      await store.close();
    },
  };
}
