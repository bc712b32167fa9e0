/**
 * Service processes on this machine. Each revision runs `sh -c COMMAND` in its own process group (so a stop
 * reaches its children too) with PORT set, output appended to a log file, detached so that the supervisor
 * can restart and adopt it again instead of taking it down.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What a service (or smoke test) inherits from the supervisor: only what programs need to run. Everything else
 * comes from the environment's `variables`, so a service never sees the secrets of whoever started the daemon.
 */
const INHERITED = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SHELL'];

export function baseEnvironment(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) out[name] = process.env[name]!;
  return out;
}

export interface ProcessSpec {
  command: string;
  cwd: string;
  env: Record<string, string>;
  logFile: string;
}

export function startProcess(spec: ProcessSpec, port: number): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn('sh', ['-c', spec.command], {
      cwd: spec.cwd,
      env: { ...baseEnvironment(), ...spec.env, PORT: String(port) },
      stdio: ['ignore', log, log],
      detached: true,
    });
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start: ${spec.command}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGTERM to the whole process group, SIGKILL after `graceMs` if anything is left. */
export async function stopProcess(pid: number, graceMs = 5000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      try {
        process.kill(pid, s);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(20);
  if (isAlive(pid)) signal('SIGKILL');
}

/** A port the OS just handed out on 127.0.0.1 (free at the time of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ProbeResult {
  ok: boolean;
  detail: string;
}

/** One health probe: GET the path, healthy on any 2xx within the timeout. */
export function probe(port: number, path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
      res.on('end', () => resolve({ ok, detail: `HTTP ${res.statusCode}` }));
      res.on('error', () => resolve({ ok: false, detail: 'response aborted' }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, detail: e.code ?? e.message }));
  });
}

/** Probes until healthy, the process dies, the deadline passes or the signal aborts. */
export async function waitHealthy(pid: number, port: number, path: string, o: { intervalMs: number; probeTimeoutMs: number; timeoutMs: number; signal?: AbortSignal }): Promise<ProbeResult> {
  const deadline = Date.now() + o.timeoutMs;
  let last: ProbeResult = { ok: false, detail: 'not probed' };
  for (;;) {
    o.signal?.throwIfAborted();
    if (!isAlive(pid)) return { ok: false, detail: `the process exited before becoming healthy (last probe: ${last.detail})` };
    last = await probe(port, path, o.probeTimeoutMs);
    if (last.ok) return last;
    if (Date.now() >= deadline) return { ok: false, detail: `not healthy within ${o.timeoutMs} ms (last probe of ${path}: ${last.detail})` };
    await sleep(o.intervalMs, undefined, { signal: o.signal });
  }
}
