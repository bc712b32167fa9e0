/** A closed-loop HTTP load generator for the deploy benchmarks: N keep-alive clients for a fixed time. */
import http from 'node:http';
import { LatencyHistogram } from '../src/deploy/metrics.js';

export interface LoadFigures {
  requests: number;
  failed: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export async function load(url: string, o: { concurrency: number; durationMs: number; onResponse?: (res: http.IncomingMessage) => void; stop?: () => boolean }): Promise<LoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latency = new LatencyHistogram();
  let requests = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + o.durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      http
        .get(url, { agent }, (res) => {
          o.onResponse?.(res);
          res.resume();
          res.on('end', () => {
            latency.record(performance.now() - t);
            requests++;
            if (res.statusCode !== 200) failed++;
            resolve();
          });
        })
        .on('error', () => {
          failed++;
          resolve();
        });
    });
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < deadline && !o.stop?.()) await one();
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  return { requests, failed, rps: Math.round((requests / elapsed) * 1000), p50Ms: round(latency.quantile(0.5)), p99Ms: round(latency.quantile(0.99)) };
}

export const round = (n: number) => Math.round(n * 100) / 100;
