/**
 * Proxy overhead: the same closed-loop load against a service directly and through the deploy proxy (running in
 * its own process, as in the deploy daemon), alternating rounds in one run.
 * Targets: proxied throughput >= 0.8x direct, proxied p99 <= direct p99 + 1 ms.
 * `--service-delay-ms N` makes the service answer after N ms (a service doing I/O); 0 is the worst case, where
 * the proxy's own CPU cost competes with the service and the load generator for the same cores.
 *   node dist/bench/proxy-overhead.js [--concurrency 16] [--seconds 3] [--rounds 3] [--service-delay-ms 0]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../src/deploy/supervisor.js';
import { load, round, type LoadFigures } from './proxy-load.js';

const { values } = parseArgs({ options: { concurrency: { type: 'string', default: '16' }, seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' }, 'service-delay-ms': { type: 'string', default: '0' } } });
const delay = Number(values['service-delay-ms']);
const concurrency = Number(values.concurrency);
const durationMs = Number(values.seconds) * 1000;
const rounds = Number(values.rounds);
const proxyModule = fileURLToPath(new URL('../src/deploy/proxy.js', import.meta.url));

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
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
const start = (args: string[], env: Record<string, string>) => {
  const c = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'inherit' });
  children.push(c);
  return c.pid!;
};

try {
  const servicePort = await freePort();
  const proxyPort = await freePort();
  const servicePid = start(['-e', "const d = Number(process.env.DELAY); require('http').createServer((q, s) => (d ? setTimeout(() => s.end('ok\\n'), d) : s.end('ok\\n'))).listen(process.env.PORT, '127.0.0.1')"], { PORT: String(servicePort), DELAY: String(delay) });
  const proxyPid = start(['--input-type=module', '-e', `import { RevisionProxy } from ${JSON.stringify(proxyModule)}; const p = new RevisionProxy(); await p.listen(${proxyPort}); p.switchTo({ revision: 1, port: ${servicePort} });`], {});
  const direct = `http://127.0.0.1:${servicePort}/`;
  const proxied = `http://127.0.0.1:${proxyPort}/`;
  await waitFor(direct);
  await waitFor(proxied);
  await load(direct, { concurrency, durationMs: 500 });
  await load(proxied, { concurrency, durationMs: 500 });
  const results: { direct: LoadFigures[]; proxied: LoadFigures[] } = { direct: [], proxied: [] };
  const cpu = { service: 0, proxy: 0, requests: 0 };
  for (let r = 0; r < rounds; r++) {
    results.direct.push(await load(direct, { concurrency, durationMs }));
    const before = { service: cpuMs(servicePid), proxy: cpuMs(proxyPid) };
    const round = await load(proxied, { concurrency, durationMs });
    results.proxied.push(round);
    cpu.service += cpuMs(servicePid) - before.service;
    cpu.proxy += cpuMs(proxyPid) - before.proxy;
    cpu.requests += round.requests;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const d = { rps: median(results.direct.map((x) => x.rps)), p99: median(results.direct.map((x) => x.p99Ms)) };
  const p = { rps: median(results.proxied.map((x) => x.rps)), p99: median(results.proxied.map((x) => x.p99Ms)) };
  const failed = [...results.direct, ...results.proxied].reduce((n, x) => n + x.failed, 0);
  const ratio = round(p.rps / d.rps);
  const added = round(p.p99 - d.p99);
  console.log(`proxy overhead (${concurrency} keep-alive clients, service answers after ${delay} ms, ${rounds} x ${values.seconds} s each, medians):`);
  console.log(`  direct   ${d.rps} req/s  p99 ${d.p99} ms`);
  console.log(`  proxied  ${p.rps} req/s  p99 ${p.p99} ms`);
  const perRequest = (ms: number) => Math.round((ms * 1000) / cpu.requests);
  console.log(`  CPU per proxied request: service ${perRequest(cpu.service)} µs, proxy ${perRequest(cpu.proxy)} µs`);
  console.log(`  throughput ${ratio}x direct (target >= 0.8x: ${ratio >= 0.8 ? 'met' : 'NOT met'}); p99 +${added} ms (target <= +1 ms: ${added <= 1 ? 'met' : 'NOT met'}); failed requests ${failed}`);
} finally {
  for (const c of children) c.kill('SIGKILL');
}
