/**
 * The local deployment target: each environment+service gets a RevisionProxy on a stable port and its
 * revisions run as supervised processes on fresh ports. State is written to `<data>/deploy/local-target.json`
 * after every change so a restarted supervisor adopts processes that still answer and restarts the others.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NexusError } from '../errors.js';
import { readJson, writeJsonAtomic } from '../environments/data-folder.js';
import type { DeploymentProvider, RevisionInfo, RevisionSpec, RevisionState, ServiceKey } from './provider.js';
import { RevisionProxy } from './proxy.js';
import { freePort, isAlive, probe, startProcess, stopProcess, waitHealthy, type ProbeResult } from './supervisor.js';
import type { TrafficSummary } from './metrics.js';

interface RevisionEntry {
  spec: RevisionSpec;
  state: RevisionState;
  pid?: number;
  port?: number;
  startedAt?: string;
  /** Times the supervisor restarted this revision after it exited on its own. */
  restarts?: number;
}

/** A revision that exits on its own is restarted on its port, but not more often than this. */
const RESTART_INTERVAL_MS = 1000;

interface ServiceEntry extends ServiceKey {
  proxyPort: number;
  live?: number;
  revisions: RevisionEntry[];
}

interface StateFile {
  services: ServiceEntry[];
}

/** The last non-empty line of a log file (read from its tail), to say why a revision did not come up. */
function lastLine(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').slice(-2000);
    return text.trim().split('\n').pop()?.slice(0, 300) || undefined;
  } catch {
    return undefined;
  }
}

const keyOf = (k: ServiceKey) => `${k.environment}/${k.service}`;

/** What runs where, as last recorded (no daemon needed): for listings in the CLI, the API and the web UI. */
export interface LiveService extends ServiceKey {
  url: string;
  liveRevision?: number;
  revisions: Array<{ revision: number; state: RevisionState; pid?: number; commit?: string }>;
}

export function liveServices(dataDir: string): LiveService[] {
  const state = readJson<StateFile>(join(dataDir, 'deploy', 'local-target.json'));
  return (state?.services ?? []).map((e) => ({
    environment: e.environment,
    service: e.service,
    url: `http://127.0.0.1:${e.proxyPort}`,
    liveRevision: e.live,
    revisions: e.revisions.map((r) => ({ revision: r.spec.revision, state: r.state, pid: r.pid, commit: r.spec.commit })).sort((a, b) => b.revision - a.revision),
  }));
}

export class LocalTarget implements DeploymentProvider {
  readonly name = 'local';
  private readonly statePath: string;
  private readonly services = new Map<string, ServiceEntry>();
  private readonly proxies = new Map<string, RevisionProxy>();
  /** Secret values per revision, in memory only: a restarted supervisor cannot restart a revision that needs them. */
  private readonly secrets = new Map<string, Record<string, string>>();
  private readonly watcher: NodeJS.Timeout;
  private restoring = false;

  constructor(private readonly dataDir: string, private readonly options: { log?: (line: string) => void } = {}) {
    this.statePath = join(dataDir, 'deploy', 'local-target.json');
    this.watcher = setInterval(() => this.restartExited(), RESTART_INTERVAL_MS);
    this.watcher.unref();
  }

  private logFile(key: ServiceKey, revision: number): string {
    return join(this.dataDir, 'deploy', 'logs', key.environment, `${key.service}-${revision}.log`);
  }

  /** Starts a revision's process on `port`, or says why it cannot (its folder is gone, secrets it needs are not held). */
  private launch(spec: RevisionSpec, port: number): number {
    const what = `revision ${spec.revision} of ${spec.service}`;
    const secrets = this.secrets.get(`${keyOf(spec)}#${spec.revision}`) ?? {};
    if ((spec.secretNames ?? []).some((n) => !(n in secrets))) {
      throw new NexusError('SECRETS_UNAVAILABLE', `${what} needs secrets ${spec.secretNames!.join(', ')}, which this supervisor does not hold (they are never stored): deploy again, or roll back with them set`);
    }
    // A revision deployed without an artifact runs in its job's workspace, which goes when the run ends.
    if (!existsSync(spec.cwd)) throw new NexusError('START_FAILED', `${what} cannot start: its folder ${spec.cwd} is gone (deploy with an artifact to keep a revision restartable)`);
    try {
      return startProcess({ command: spec.command, cwd: spec.cwd, env: { ...spec.env, ...secrets }, logFile: this.logFile(spec, spec.revision) }, port);
    } catch (err) {
      throw new NexusError('START_FAILED', `${what} could not start in ${spec.cwd}: ${(err as Error).message}`);
    }
  }

  /** Marks a revision that cannot run any more as stopped, saying why. */
  private giveUp(e: ServiceEntry, r: RevisionEntry, why: string): string {
    r.state = 'stopped';
    delete r.pid;
    delete r.port;
    return `cannot restart ${e.service} (${e.environment}) revision ${r.spec.revision}: ${why}`;
  }

  /** Supervision: a ready or live revision whose process exited is started again on the same port. */
  private restartExited(): void {
    if (this.restoring) return;
    let changed = false;
    for (const e of this.services.values()) {
      for (const r of e.revisions) {
        if ((r.state !== 'live' && r.state !== 'ready') || !r.pid || !r.port || isAlive(r.pid)) continue;
        changed = true;
        try {
          r.pid = this.launch(r.spec, r.port);
        } catch (err) {
          if (!(err instanceof NexusError)) throw err;
          this.options.log?.(this.giveUp(e, r, `it exited, and ${err.message}`));
          continue;
        }
        r.restarts = (r.restarts ?? 0) + 1;
        r.startedAt = new Date().toISOString();
        this.options.log?.(`${e.service} (${e.environment}) revision ${r.spec.revision} exited; restarted as pid ${r.pid} (restart ${r.restarts})`);
      }
    }
    if (changed) this.save();
  }

  private save(): void {
    writeJsonAtomic(this.statePath, { services: [...this.services.values()] } satisfies StateFile);
  }

  private entry(key: ServiceKey): ServiceEntry {
    const e = this.services.get(keyOf(key));
    if (!e) throw new NexusError('SERVICE_UNKNOWN', `no service '${key.service}' in environment '${key.environment}' on this machine`);
    return e;
  }

  private revision(key: ServiceKey, revision: number): RevisionEntry {
    const r = this.entry(key).revisions.find((x) => x.spec.revision === revision);
    if (!r) throw new NexusError('REVISION_UNKNOWN', `${key.service} (${key.environment}) has no revision ${revision}`);
    return r;
  }

  proxy(key: ServiceKey): RevisionProxy {
    const p = this.proxies.get(keyOf(key));
    if (!p) throw new NexusError('SERVICE_UNKNOWN', `no proxy for '${key.service}' in '${key.environment}'`);
    return p;
  }

  async serviceUrl(key: ServiceKey, preferredPort?: number): Promise<string> {
    let e = this.services.get(keyOf(key));
    if (e && preferredPort && e.proxyPort !== preferredPort) {
      throw new NexusError('PORT_CONFLICT', `${key.service} in '${key.environment}' already serves on port ${e.proxyPort}, not ${preferredPort}`, { exitCode: 2 });
    }
    if (!e) {
      const proxy = new RevisionProxy();
      const port = await this.listen(proxy, preferredPort ?? 0, key);
      e = { ...key, proxyPort: port, revisions: [] };
      this.services.set(keyOf(key), e);
      this.proxies.set(keyOf(key), proxy);
      this.save();
    }
    return `http://127.0.0.1:${e.proxyPort}`;
  }

  private async listen(proxy: RevisionProxy, port: number, key: ServiceKey): Promise<number> {
    try {
      return await proxy.listen(port);
    } catch (e) {
      throw new NexusError('PORT_IN_USE', `cannot serve ${key.service} (${key.environment}) on 127.0.0.1:${port}: ${(e as Error).message}`, { exitCode: 2 });
    }
  }

  /** The secret values held per revision (`ENV/SERVICE#REV`), for the daemon replacing this one. */
  heldSecrets(): Record<string, Record<string, string>> {
    return Object.fromEntries(this.secrets);
  }

  /** Takes over the secret values a replaced daemon held, before `restore` may need them. */
  hold(secrets: Record<string, Record<string, string>>): void {
    for (const [key, values] of Object.entries(secrets)) this.secrets.set(key, { ...this.secrets.get(key), ...values });
  }

  missingSecrets(spec: RevisionSpec, given: string[]): string[] {
    const held = this.secrets.get(`${keyOf(spec)}#${spec.revision}`) ?? {};
    return (spec.secretNames ?? []).filter((n) => !(n in held) && !given.includes(n));
  }

  async startRevision(spec: RevisionSpec, secrets?: Record<string, string>): Promise<RevisionInfo> {
    const e = this.entry(spec);
    const port = await freePort();
    const key = `${keyOf(spec)}#${spec.revision}`;
    // Values given now complete (or renew) those held since the revision first started.
    if (secrets && Object.keys(secrets).length) this.secrets.set(key, { ...this.secrets.get(key), ...secrets });
    const pid = this.launch(spec, port);
    const entry: RevisionEntry = { spec, state: 'starting', pid, port, startedAt: new Date().toISOString() };
    e.revisions = [...e.revisions.filter((r) => r.spec.revision !== spec.revision), entry];
    this.save();
    return this.info(entry);
  }

  private info(r: RevisionEntry): RevisionInfo {
    return { spec: r.spec, state: r.state, endpoint: r.port && r.state !== 'stopped' ? `http://127.0.0.1:${r.port}` : undefined, startedAt: r.startedAt };
  }

  async waitHealthy(key: ServiceKey, revision: number, o: { intervalMs: number; probeTimeoutMs: number; timeoutMs: number; signal?: AbortSignal }): Promise<ProbeResult> {
    const r = this.revision(key, revision);
    const result = await waitHealthy(r.pid!, r.port!, r.spec.healthPath, o);
    if (result.ok && r.state === 'starting') {
      r.state = 'ready';
      this.save();
    }
    if (!result.ok) {
      const log = this.logFile(key, revision);
      const last = lastLine(log);
      return { ok: false, detail: `${result.detail}; output in ${log}${last ? `, ending: ${last}` : ''}` };
    }
    return result;
  }

  async health(key: ServiceKey, revision: number, timeoutMs: number): Promise<ProbeResult> {
    const r = this.revision(key, revision);
    if (r.state === 'stopped' || !r.pid || !isAlive(r.pid)) return { ok: false, detail: 'process not running' };
    return probe(r.port!, r.spec.healthPath, timeoutMs);
  }

  async switchTraffic(key: ServiceKey, revision: number): Promise<number | undefined> {
    const e = this.entry(key);
    const r = this.revision(key, revision);
    if (r.state === 'stopped' || !r.port) throw new NexusError('REVISION_STOPPED', `revision ${revision} of ${key.service} is not running`);
    const before = e.live;
    this.proxy(key).switchTo({ revision, port: r.port });
    for (const x of e.revisions) if (x.state === 'live') x.state = 'ready';
    r.state = 'live';
    e.live = revision;
    this.save();
    return before;
  }

  async stopRevision(key: ServiceKey, revision: number): Promise<void> {
    const r = this.revision(key, revision);
    const proxy = this.proxy(key);
    if (proxy.liveRevision === revision) throw new NexusError('REVISION_LIVE', `revision ${revision} of ${key.service} is live; switch traffic away first`);
    await proxy.drained(revision);
    const pid = r.pid;
    // Marked stopped before the signal, so supervision does not restart what we are stopping.
    r.state = 'stopped';
    delete r.pid;
    delete r.port;
    this.save();
    if (pid) await stopProcess(pid);
    proxy.release(revision);
  }

  async listRevisions(key: ServiceKey): Promise<RevisionInfo[]> {
    const e = this.services.get(keyOf(key));
    return (e?.revisions ?? []).map((r) => this.info(r)).sort((a, b) => b.spec.revision - a.spec.revision);
  }

  listServices(): ServiceKey[] {
    return [...this.services.values()].map(({ environment, service }) => ({ environment, service }));
  }

  traffic(key: ServiceKey, revision: number, windowMs: number, since: number): TrafficSummary {
    return this.proxy(key).metricsFor(revision).window(windowMs, since);
  }

  /**
   * Takes over from a previous supervisor: proxies come back on their ports; each revision that was running
   * is adopted when its process still answers its health check, otherwise restarted on a fresh port.
   */
  async restore(): Promise<string[]> {
    const notes: string[] = [];
    this.restoring = true;
    try {
      await this.adopt(notes);
    } finally {
      this.restoring = false;
    }
    return notes;
  }

  private async adopt(notes: string[]): Promise<void> {
    const state = readJson<StateFile>(this.statePath);
    for (const e of state?.services ?? []) {
      const proxy = new RevisionProxy();
      await this.listen(proxy, e.proxyPort, e);
      this.services.set(keyOf(e), e);
      this.proxies.set(keyOf(e), proxy);
      for (const r of e.revisions) {
        if (r.state === 'stopped') continue;
        const answering = r.pid && isAlive(r.pid) && r.port ? (await probe(r.port, r.spec.healthPath, 2000)).ok : false;
        if (answering) {
          notes.push(`adopted ${e.service} (${e.environment}) revision ${r.spec.revision}, pid ${r.pid}`);
          continue;
        }
        if (r.pid && isAlive(r.pid)) await stopProcess(r.pid, 1000);
        r.port = await freePort();
        try {
          r.pid = this.launch(r.spec, r.port);
        } catch (err) {
          if (!(err instanceof NexusError)) throw err;
          notes.push(this.giveUp(e, r, err.message));
          continue;
        }
        r.startedAt = new Date().toISOString();
        const healthy = await waitHealthy(r.pid, r.port, r.spec.healthPath, { intervalMs: 100, probeTimeoutMs: 2000, timeoutMs: 60_000 });
        notes.push(`restarted ${e.service} (${e.environment}) revision ${r.spec.revision}: ${healthy.ok ? 'healthy' : healthy.detail}`);
      }
      const live = e.revisions.find((r) => r.spec.revision === e.live && r.state !== 'stopped');
      if (live?.port) proxy.switchTo({ revision: live.spec.revision, port: live.port });
      this.save();
    }
  }

  /** Closes the proxies; with `stopServices` also stops every revision (otherwise they keep running for adoption). */
  async close(stopServices = false): Promise<void> {
    clearInterval(this.watcher);
    for (const [k, proxy] of this.proxies) {
      if (stopServices) {
        const e = this.services.get(k)!;
        for (const r of e.revisions) {
          const pid = r.pid;
          r.state = 'stopped';
          delete r.pid;
          delete r.port;
          if (pid) await stopProcess(pid, 2000);
        }
        delete e.live;
      }
      await proxy.close();
    }
    // A data folder removed under us stays removed.
    if (stopServices && existsSync(dirname(this.statePath))) this.save();
  }
}
