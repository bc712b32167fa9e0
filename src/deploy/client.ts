/**
 * Talking to the deploy daemon of a data folder, starting it when none answers. A lock file makes sure two
 * clients racing to start it end up with one daemon.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { NexusError } from '../errors.js';
import { readJson } from '../environments/data-folder.js';
import { currentBuild, daemonInfoPath, type DaemonInfo, type DaemonMessage, type RollbackCall } from './daemon.js';
import type { DeployOutcome, DeployRequest, RollbackPlan } from './blue-green.js';
import type { DeploymentRecord } from './records.js';
import { baseEnvironment, isAlive } from './supervisor.js';
import { emptyHandover, mergeHandover, resumeSecrets, type Handover } from './handover.js';
import type { SecretLookup } from '../alerts/notifier.js';

const DAEMON_MAIN = fileURLToPath(new URL('./daemon-main.js', import.meta.url));
const START_TIMEOUT_MS = 90_000;

function call(info: DaemonInfo, path: string, body: unknown, onMessage: (m: DaemonMessage) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: info.port, path, method: 'POST', headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' }, signal }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new NexusError('DAEMON_REFUSED', `the deploy daemon answered ${res.statusCode}`));
        return;
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buffer += d;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line) onMessage(JSON.parse(line) as DaemonMessage);
        }
      });
      res.on('end', () => resolve());
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function answering(info: DaemonInfo | undefined): Promise<boolean> {
  if (!info || !isAlive(info.pid)) return false;
  try {
    await call(info, '/status', {}, () => undefined, AbortSignal.timeout(5000));
    return true;
  } catch {
    return false;
  }
}

export class DeployDaemonClient {
  private constructor(readonly dataDir: string, private readonly info: DaemonInfo) {}

  /** The running daemon of `dataDir`, or undefined (never starts one). */
  static async find(dataDir: string): Promise<DeployDaemonClient | undefined> {
    const info = readJson<DaemonInfo>(daemonInfoPath(dataDir));
    return info && (await answering(info)) ? new DeployDaemonClient(dataDir, info) : undefined;
  }

  /**
   * The running daemon of `dataDir`, started (detached) when there is none or it runs another build of Nexus.
   * `resume` is how the caller looks up secrets of its environment: a daemon started after a crash gets those
   * that the unfinished releases of that environment need to announce their conclusion.
   */
  static async connect(dataDir: string, resume?: { environment: string; secret: SecretLookup }): Promise<DeployDaemonClient> {
    const found = await DeployDaemonClient.find(dataDir);
    if (found?.info.build === currentBuild()) return found;
    // An older build keeps serving until the new daemon adopts its services, and hands over the secrets it holds.
    const handover = found ? await found.handover() : emptyHandover();
    if (found) await found.shutdown(false);
    const brought = resume ? await resumeSecrets(dataDir, resume.environment, resume.secret) : {};
    const input = mergeHandover(handover, brought);
    mkdirSync(join(dataDir, 'deploy'), { recursive: true });
    const lock = join(dataDir, 'deploy', 'daemon.lock');
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      let fd: number | undefined;
      try {
        fd = openSync(lock, 'wx');
      } catch {
        // Someone else is starting it; a lock older than the start timeout belongs to a crashed client.
        try {
          if (Date.now() - statSync(lock).mtimeMs > START_TIMEOUT_MS) rmSync(lock, { force: true });
        } catch {
          /* gone meanwhile */
        }
      }
      if (fd !== undefined) {
        closeSync(fd);
        try {
          const again = await DeployDaemonClient.find(dataDir);
          if (again?.info.build === currentBuild()) return again;
          return await DeployDaemonClient.start(dataDir, deadline, input);
        } finally {
          rmSync(lock, { force: true });
        }
      }
      const other = await DeployDaemonClient.find(dataDir);
      if (other?.info.build === currentBuild()) return other;
      if (Date.now() > deadline) throw new NexusError('DAEMON_START', `the deploy daemon for ${dataDir} did not start (lock ${lock})`);
      await sleep(100);
    }
  }

  private static async start(dataDir: string, deadline: number, handover: Handover): Promise<DeployDaemonClient> {
    const logFile = join(dataDir, 'deploy', 'daemon.log');
    const log = openSync(logFile, 'a');
    // Secret values go through the pipe only: never the command line, the environment or a file.
    const child = spawn(process.execPath, [DAEMON_MAIN, dataDir], { detached: true, stdio: ['pipe', log, log], env: baseEnvironment() });
    closeSync(log);
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(JSON.stringify(handover));
    child.unref();
    while (Date.now() < deadline) {
      const info = readJson<DaemonInfo>(daemonInfoPath(dataDir));
      if (info && info.pid === child.pid && (await answering(info))) return new DeployDaemonClient(dataDir, info);
      if (child.exitCode !== null || (child.pid && !isAlive(child.pid))) break;
      await sleep(50);
    }
    throw new NexusError('DAEMON_START', `the deploy daemon for ${dataDir} did not start; see ${logFile}`);
  }

  private async stream(path: string, body: unknown, o: { log?: (line: string) => void; signal?: AbortSignal; onSwitched?: (d: DeploymentRecord, url: string) => void } = {}): Promise<DaemonMessage[]> {
    const results: DaemonMessage[] = [];
    await call(this.info, path, body, (m) => {
      if (m.type === 'log') o.log?.(m.line);
      else if (m.type === 'switched') o.onSwitched?.(m.deployment, m.serviceUrl);
      results.push(m);
    }, o.signal).catch((e) => {
      if (o.signal?.aborted) throw new NexusError('CANCELLED', 'deployment cancelled');
      throw e;
    });
    const error = results.find((m): m is Extract<DaemonMessage, { type: 'error' }> => m.type === 'error');
    if (error) throw new NexusError(error.code, error.message, { exitCode: error.exitCode });
    return results;
  }

  /** Runs a release; resolves with the outcome, or with the switched record when `waitFor` is `switch`. */
  async deploy(request: DeployRequest, waitFor: 'switch' | 'analysis', o: { log?: (line: string) => void; signal?: AbortSignal } = {}): Promise<{ outcome?: DeployOutcome; switched?: { deployment: DeploymentRecord; serviceUrl: string } }> {
    const messages = await this.stream('/deploy', { request, waitFor }, o);
    const outcome = messages.find((m): m is Extract<DaemonMessage, { type: 'outcome' }> => m.type === 'outcome')?.outcome;
    const switched = messages.find((m): m is Extract<DaemonMessage, { type: 'switched' }> => m.type === 'switched');
    if (!outcome && !switched) throw new NexusError('DAEMON_LOST', 'the deploy daemon ended the release without an outcome; see deploy/daemon.log in the data folder');
    return { outcome, switched: switched && { deployment: switched.deployment, serviceUrl: switched.serviceUrl } };
  }

  async planRollback(call: Omit<RollbackCall, 'previewOnly'>): Promise<RollbackPlan> {
    const m = (await this.stream('/rollback', { ...call, previewOnly: true })).find((x) => x.type === 'plan');
    return (m as Extract<DaemonMessage, { type: 'plan' }>).plan;
  }

  async rollback(call: Omit<RollbackCall, 'previewOnly'>, log?: (line: string) => void): Promise<DeployOutcome> {
    const m = (await this.stream('/rollback', call, { log })).find((x) => x.type === 'outcome');
    if (!m) throw new NexusError('DAEMON_LOST', 'the deploy daemon ended the rollback without an outcome');
    return (m as Extract<DaemonMessage, { type: 'outcome' }>).outcome;
  }

  /** What this daemon holds in memory only, for the one replacing it; an older build without the call (or a failing daemon) hands over nothing. */
  async handover(): Promise<Handover> {
    const messages = await this.stream('/handover', {}).catch(() => []);
    return (messages.find((x) => x.type === 'handover') as Extract<DaemonMessage, { type: 'handover' }> | undefined)?.handover ?? emptyHandover();
  }

  async status(): Promise<Extract<DaemonMessage, { type: 'status' }>['services']> {
    const m = (await this.stream('/status', {})).find((x) => x.type === 'status');
    return (m as Extract<DaemonMessage, { type: 'status' }>).services;
  }

  /** Stops the daemon; with `stopServices` every revision too (otherwise the next daemon adopts them). */
  async shutdown(stopServices: boolean): Promise<void> {
    await this.stream('/shutdown', { stopServices }).catch(() => undefined);
    const deadline = Date.now() + 20_000;
    while (isAlive(this.info.pid) && Date.now() < deadline) await sleep(50);
  }
}
