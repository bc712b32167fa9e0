/**
 * Time from a healthy new revision to traffic moved: releases run in-process on the local target while keep-alive
 * clients request the service without pause; for each release we take the moment the new revision's health
 * check passed and the moment the first response from it reached a client. Target: under 100 ms.
 *   node dist/bench/switch-time.js [--releases 5] [--concurrency 4]
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSupervisor } from '../src/deploy/local-supervisor.js';
import { DEFAULT_ANALYSIS } from '../src/deploy/analysis.js';
import type { DeployRequest } from '../src/deploy/blue-green.js';
import { load, round } from './proxy-load.js';

const { values } = parseArgs({ options: { releases: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '4' } } });
const releases = Number(values.releases);
const dataDir = mkdtempSync(join(tmpdir(), 'nexus-bench-switch-'));
const supervisor = await LocalSupervisor.open(dataDir);
const service = "exec node -e \"require('http').createServer((q, s) => s.end(process.env.NEXUS_REVISION)).listen(process.env.PORT, '127.0.0.1')\"";
const request = (): DeployRequest => ({
  environment: 'bench',
  service: 'web',
  command: service,
  workspace: dataDir,
  actor: 'bench',
  healthPath: '/',
  smokeTimeoutMs: 10_000,
  startupTimeoutMs: 30_000,
  analysis: { ...DEFAULT_ANALYSIS, durationMs: 0, rollbackWindowMs: 0, probeIntervalMs: 50, evaluateEveryMs: 10 },
  variables: {},
  notifications: [],
});

try {
  const first = await supervisor.releases.deploy(request());
  const samples: number[] = [];
  const switched: number[] = [];
  for (let i = 0; i < releases; i++) {
    const revision = first.deployment.revision + i + 1;
    let healthyAt = 0;
    let firstAnswerAt = 0;
    let stop = false;
    const loadRun = load(first.serviceUrl, {
      concurrency: Number(values.concurrency),
      durationMs: 60_000,
      stop: () => stop,
      onResponse: (res) => {
        if (!firstAnswerAt && res.headers['x-nexus-revision'] === String(revision)) {
          firstAnswerAt = performance.now();
          stop = true;
        }
      },
    });
    const release = supervisor.releases.deploy(request(), {
      log: (line) => {
        if (line === `revision ${revision} is healthy`) healthyAt = performance.now();
        if (line.startsWith(`traffic switched to revision ${revision}`)) switched.push(round(performance.now() - healthyAt));
      },
    });
    while (!stop) await new Promise((r) => setTimeout(r, 5));
    samples.push(round(firstAnswerAt - healthyAt));
    await Promise.all([release, loadRun]);
  }
  const report = (what: string, xs: number[]) => {
    xs.sort((a, b) => a - b);
    console.log(`  ${what}: ${xs.join(', ')} ms; median ${xs[Math.floor(xs.length / 2)]} ms, max ${xs.at(-1)} ms (target < 100 ms: ${xs.at(-1)! < 100 ? 'met' : 'NOT met'})`);
  };
  console.log(`${releases} releases under ${values.concurrency} keep-alive clients, time after the new revision's health check passed:`);
  report('proxy switched (recorded)', switched);
  report('first response from the new revision at a client', samples);
} finally {
  await supervisor.close(true);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
