/**
 * Proxy overhead: the same closed-loop load against a service directly, through a plain TCP relay (the floor of
 * any extra hop written in Node: it forwards bytes and knows nothing of HTTP) and through the deploy proxy, each
 * in its own process, rounds alternating in one run.
 * Targets: proxied throughput >= 0.8x direct, proxied p99 <= direct p99 + 1 ms.
 *
 * The load comes from another process with the same client and connection count for every target: `wrk` when it
 * is on PATH (C, cheap per request), else this script's own Node client (`--client node`). An in-process Node
 * client, as earlier versions used, spends more CPU per request than the trivial service and so capped the direct
 * figure near the client's own limit while competing with the proxy for the same cores.
 * `--service-delay-ms N` makes the service answer after N ms (a service doing I/O); 0 is the worst case, where
 * the proxy's own CPU cost competes with the service and the load generator for the same cores.
 *   node dist/bench/proxy-overhead.js [--connections 16] [--seconds 3] [--rounds 3] [--service-delay-ms 0] [--client wrk|node]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../src/deploy/supervisor.js';
import { load, round, type LoadFigures } from './proxy-load.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    'service-delay-ms': { type: 'string', default: '0' },
    client: { type: 'string' },
    /** Internal: run the Node client against this URL and print its figures as JSON. */
    load: { type: 'string' },
  },
});
const connections = Number(values.connections);
const durationMs = Number(values.seconds) * 1000;

if (values.load) {
  console.log(JSON.stringify(await load(values.load, { concurrency: connections, durationMs })));
  process.exit(0);
}

const delay = Number(values['service-delay-ms']);
const rounds = Number(values.rounds);
const proxyModule = fileURLToPath(new URL('../src/deploy/proxy.js', import.meta.url));
const hasWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    // wrk --version exits 1 after printing its version; only a missing binary throws ENOENT.
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
})();
const client = values.client ?? (hasWrk ? 'wrk' : 'node');

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}`))));
  });
}

const MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

/** Parses wrk's summary (with --latency): requests, non-2xx/socket errors, req/s, p50, p99. */
function wrkFigures(out: string): LoadFigures {
  const latency = (q: string) => {
    const m = out.match(new RegExp(`^\\s+${q}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm'));
    if (!m) throw new Error(`no ${q}% latency in wrk output:\n${out}`);
    return round(Number(m[1]) * MS[m[2]]);
  };
  const requests = Number(out.match(/(\d+) requests in/)![1]);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  const socket = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const failed = non2xx + (socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0);
  return { requests, failed, rps: Math.round(Number(out.match(/Requests\/sec:\s+([\d.]+)/)![1])), p50Ms: latency('50'), p99Ms: latency('99') };
}

async function measure(url: string): Promise<LoadFigures> {
  if (client === 'wrk') return wrkFigures(await run('wrk', ['-t1', `-c${connections}`, `-d${durationMs / 1000}s`, '--latency', url]));
  return JSON.parse(await run(process.execPath, [fileURLToPath(import.meta.url), '--load', url, '--connections', String(connections), '--seconds', String(durationMs / 1000)]));
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await sleep(25);
    }
  }
  throw new Error(`${url} never answered`);
}

/** CPU time (user + system, ms) a process has used: load-independent, unlike req/s on a shared machine. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const children: ChildProcess[] = [];
const start = (args: string[]) => {
  const c = spawn(process.execPath, args, { stdio: 'inherit' });
  children.push(c);
  return c.pid!;
};

try {
  const [servicePort, relayPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
  const servicePid = start(['-e', `const d = ${delay}; require('http').createServer((q, s) => (d ? setTimeout(() => s.end('ok\\n'), d) : s.end('ok\\n'))).listen(${servicePort}, '127.0.0.1')`]);
  const relayPid = start(['-e', `const net = require('net'); net.createServer({ noDelay: true }, (c) => { const u = net.connect({ port: ${servicePort}, host: '127.0.0.1', noDelay: true }); c.pipe(u).pipe(c); c.on('error', () => u.destroy()); u.on('error', () => c.destroy()); }).listen(${relayPort}, '127.0.0.1')`]);
  const proxyPid = start(['--input-type=module', '-e', `import { RevisionProxy } from ${JSON.stringify(proxyModule)}; const p = new RevisionProxy(); await p.listen(${proxyPort}); p.switchTo({ revision: 1, port: ${servicePort} });`]);
  const targets = { direct: `http://127.0.0.1:${servicePort}/`, relay: `http://127.0.0.1:${relayPort}/`, proxied: `http://127.0.0.1:${proxyPort}/` };
  for (const url of Object.values(targets)) await waitFor(url);
  const loadBefore = loadavg()[0];
  const results: Record<keyof typeof targets, LoadFigures[]> = { direct: [], relay: [], proxied: [] };
  const hopPid = { direct: undefined, relay: relayPid, proxied: proxyPid };
  /** CPU ms of the service and of the process in between, and requests, per target. */
  const cpu = Object.fromEntries(Object.keys(targets).map((k) => [k, { service: 0, hop: 0, requests: 0 }]));
  for (let r = 0; r < rounds; r++) {
    for (const name of Object.keys(targets) as (keyof typeof targets)[]) {
      const pid = hopPid[name];
      const before = { service: cpuMs(servicePid), hop: pid ? cpuMs(pid) : 0 };
      const figures = await measure(targets[name]);
      results[name].push(figures);
      cpu[name].service += cpuMs(servicePid) - before.service;
      cpu[name].hop += pid ? cpuMs(pid) - before.hop : 0;
      cpu[name].requests += figures.requests;
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = (name: keyof typeof targets) => ({ rps: median(results[name].map((x) => x.rps)), p99: median(results[name].map((x) => x.p99Ms)), rounds: results[name].map((x) => `${x.rps}/${x.p99Ms}`).join(' ') });
  const d = summary('direct');
  const failed = Object.values(results).flat().reduce((n, x) => n + x.failed, 0);
  console.log(`proxy overhead (${client}, ${connections} keep-alive connections, service answers after ${delay} ms, ${rounds} x ${values.seconds} s each, medians; load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)} on ${execFileSync('nproc').toString().trim()} cores):`);
  const perRequest = (name: keyof typeof targets, ms: number) => Math.round((ms * 1000) / cpu[name].requests);
  for (const name of Object.keys(targets) as (keyof typeof targets)[]) {
    const s = summary(name);
    const versus = name === 'direct' ? '' : `  (${round(s.rps / d.rps)}x, p99 +${round(s.p99 - d.p99)} ms)`;
    const hop = name === 'direct' ? '' : `, ${name} ${perRequest(name, cpu[name].hop)} µs`;
    console.log(`  ${name.padEnd(8)} ${String(s.rps).padStart(6)} req/s  p99 ${s.p99} ms${versus}; CPU per request: service ${perRequest(name, cpu[name].service)} µs${hop}`);
    console.log(`           rounds (req/s / p99 ms): ${s.rounds}`);
  }
  const p = summary('proxied');
  const ratio = round(p.rps / d.rps);
  const added = round(p.p99 - d.p99);
  console.log(`  throughput ${ratio}x direct (target >= 0.8x: ${ratio >= 0.8 ? 'met' : 'NOT met'}); p99 +${added} ms (target <= +1 ms: ${added <= 1 ? 'met' : 'NOT met'}); failed requests ${failed}`);
} finally {
  for (const c of children) c.kill('SIGKILL');
}
