/**
 * The deploy daemon: one detached process per data folder that owns the proxies and service processes, so a
 * `nexus run` or `nexus deploy` can start a release and exit while the service keeps serving and analysis
 * goes on. It listens on 127.0.0.1 on an OS-chosen port and writes `<data>/deploy/daemon.json` (pid, port, a
 * bearer token; mode 0600). Requests stream NDJSON progress messages. What it holds in memory only (secret
 * values) it hands over to the daemon that replaces it (src/deploy/handover.ts). When the data folder disappears the
 * daemon stops its services and exits, so nothing is orphaned.
 */
import http from 'node:http';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { isNexusError } from '../errors.js';
import { writeJsonAtomic } from '../environments/data-folder.js';
import { LocalSupervisor } from './local-supervisor.js';
import type { DeployRequest, DeployOutcome, RollbackPlan } from './blue-green.js';
import type { DeploymentRecord } from './records.js';
import type { ResolvedTarget } from '../alerts/notifier.js';
import type { ServiceKey, RevisionInfo } from './provider.js';
import type { Handover } from './handover.js';

export interface DaemonInfo {
  pid: number;
  /** Which build of Nexus runs it: a client of another build replaces it (services are adopted, not stopped). */
  build: string;
  port: number;
  token: string;
  startedAt: string;
}

export type DaemonMessage =
  | { type: 'log'; line: string }
  | { type: 'switched'; deployment: DeploymentRecord; serviceUrl: string }
  | { type: 'outcome'; outcome: DeployOutcome }
  | { type: 'plan'; plan: RollbackPlan }
  | { type: 'status'; services: Array<ServiceKey & { url: string; revisions: RevisionInfo[] }> }
  | { type: 'handover'; handover: Handover }
  | { type: 'error'; code: string; message: string; exitCode: number };

export interface RollbackCall extends ServiceKey {
  to?: number;
  actor: string;
  notifications: ResolvedTarget[];
  secrets?: Record<string, string>;
  startupTimeoutMs: number;
  probeTimeoutMs: number;
  previewOnly?: boolean;
}

export const daemonInfoPath = (dataDir: string) => join(dataDir, 'deploy', 'daemon.json');

/** The build of the code the daemon runs (a hash of the deploy, alerts and environments modules on disk). */
export function currentBuild(): string {
  const src = dirname(dirname(fileURLToPath(import.meta.url)));
  const hash = createHash('sha256');
  for (const dir of ['deploy', 'alerts', 'environments']) {
    for (const name of readdirSync(join(src, dir)).filter((n) => n.endsWith('.js')).sort()) hash.update(name).update(readFileSync(join(src, dir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

function readBody(req: http.IncomingMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

export async function runDaemon(dataDir: string, handover?: Handover, log: (line: string) => void = (l) => console.log(`${new Date().toISOString()} ${l}`)): Promise<void> {
  const supervisor = await LocalSupervisor.open(dataDir, { log, handover });
  const token = randomBytes(24).toString('hex');
  const infoPath = daemonInfoPath(dataDir);
  let stopping = false;

  const server = http.createServer(async (req, res) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const wanted = Buffer.from(`Bearer ${token}`);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const send = (m: DaemonMessage) => {
      if (!res.writableEnded) res.write(JSON.stringify(m) + '\n');
    };
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    try {
      const body = await readBody(req);
      if (req.url === '/deploy') {
        const request = body.request as DeployRequest;
        const waitFor = body.waitFor as 'switch' | 'analysis';
        const done = supervisor.releases.deploy(request, {
          log: (line) => {
            log(line);
            send({ type: 'log', line });
          },
          signal: aborted.signal,
          onSwitched: (deployment, serviceUrl) => {
            send({ type: 'switched', deployment, serviceUrl });
            if (waitFor === 'switch') res.end();
          },
        });
        send({ type: 'outcome', outcome: await done });
      } else if (req.url === '/rollback') {
        const call = body as RollbackCall;
        const key = { environment: call.environment, service: call.service };
        if (call.previewOnly) send({ type: 'plan', plan: await supervisor.releases.planRollback(key, call.to, Object.keys(call.secrets ?? {})) });
        else send({ type: 'outcome', outcome: await supervisor.releases.rollback(key, call.to, call.actor, { ...call, log: (line) => send({ type: 'log', line }) }) });
      } else if (req.url === '/status') {
        const services = [];
        for (const key of supervisor.target.listServices()) services.push({ ...key, url: await supervisor.target.serviceUrl(key), revisions: await supervisor.target.listRevisions(key) });
        send({ type: 'status', services });
      } else if (req.url === '/handover') {
        send({ type: 'handover', handover: { notifications: supervisor.releases.notificationSecrets(), revisions: supervisor.target.heldSecrets() } });
      } else if (req.url === '/shutdown') {
        res.end();
        void shutdown(Boolean(body.stopServices));
        return;
      } else {
        send({ type: 'error', code: 'NOT_FOUND', message: `unknown daemon call ${req.url}`, exitCode: 70 });
      }
    } catch (e) {
      if (isNexusError(e)) send({ type: 'error', code: e.code, message: e.message, exitCode: e.exitCode });
      else send({ type: 'error', code: 'INTERNAL', message: e instanceof Error ? (e.stack ?? e.message) : String(e), exitCode: 70 });
    }
    res.end();
  });

  async function shutdown(stopServices: boolean): Promise<void> {
    if (stopping) return;
    stopping = true;
    log(`shutting down${stopServices ? ' and stopping every service' : '; services keep running for the next supervisor to adopt'}`);
    clearInterval(watch);
    server.close();
    server.closeAllConnections();
    await supervisor.close(stopServices);
    if (existsSync(infoPath)) rmSync(infoPath, { force: true });
    process.exit(0);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const info: DaemonInfo = { pid: process.pid, build: currentBuild(), port: (server.address() as AddressInfo).port, token, startedAt: new Date().toISOString() };
  writeJsonAtomic(infoPath, info, 0o600);
  log(`deploy daemon for ${dataDir} listening on 127.0.0.1:${info.port}`);
  // A removed data folder (a deleted checkout, a test's temp dir) means nobody can reach us again.
  const watch = setInterval(() => {
    if (!existsSync(infoPath)) void shutdown(true);
  }, 1000);
  process.on('SIGTERM', () => void shutdown(false));
  process.on('SIGINT', () => void shutdown(false));
}
