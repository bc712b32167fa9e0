/**
 * Log ingestion: 10 concurrent jobs each sending 50 MB of log lines through the runner protocol (ack-index
 * chunks) to a `nexus serve` process; MB/s overall and the server's resident memory while it ingests.
 * Baseline: the same chunks appended to a store directly, in this process. Target: >= 50 MB/s, flat memory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunnerClient } from '../src/runner/client.js';
import { LogUploader } from '../src/runner/log-uploader.js';
import { openStore } from '../src/store/store.js';

const JOBS = 10;
const MB_PER_JOB = Number(process.env.MB_PER_JOB ?? 50);
const LINE = `${'x'.repeat(99)}`;
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-logs-'));

const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function baseline(): Promise<number> {
  const store = await openStore({ dataDir: join(dir, 'base'), env: {} });
  const p = await store.createProject('p');
  await store.createRun({ projectId: p.id, workflowPath: 'w', workflowName: 'w', event: 'push', ref: 'r', sha: 's', payload: {}, inputs: {}, actor: 'a', status: 'in_progress', plan: {},
    jobs: [{ key: 'j', jobId: 'j', name: 'j', needs: [], runsOn: ['x'], plan: {}, status: 'queued', timeoutMs: 3_600_000 }] });
  const job = (await store.claimJob({ id: 1, labels: ['x'], tokenId: 1, projects: null }, 60_000))!;
  const lease = { jobId: job.id, attempt: job.attempt, leaseToken: job.leaseToken, owner: 1 };
  await store.ackJob(lease, 600_000);
  const chunk = Array.from({ length: 2600 }, () => LINE).join('\n');
  const chunks = Math.ceil((MB_PER_JOB * 1024 * 1024) / chunk.length);
  const t = performance.now();
  for (let i = 0; i < chunks; i++) await store.appendLog(lease, i, chunk);
  const mbs = (chunks * chunk.length) / 1024 / 1024 / ((performance.now() - t) / 1000);
  await store.close();
  return mbs;
}

const serve = spawn(process.execPath, [join(here, '../../bin/nexus.js'), 'serve', '--port', '0', '--runners', '0', '--data', join(dir, 'data')], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const url = await new Promise<string>((resolve) => {
    let out = '';
    serve.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  const admin = readFileSync(join(dir, 'data', 'admin.token'), 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.status === 204 ? {} : res.json();
  };
  const { execFileSync } = await import('node:child_process');
  const repo = join(dir, 'repo');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(join(repo, '.github/workflows'), { recursive: true });
  writeFileSync(join(repo, '.github/workflows/logs.yml'), `on: workflow_dispatch\njobs:\n  log:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        n: [${Array.from({ length: JOBS }, (_, i) => i).join(', ')}]\n    steps:\n      - run: "true"\n`);
  const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'x']]) execFileSync('git', args, { cwd: repo, env });
  await api('POST', '/api/projects', { name: 'logs' });
  execFileSync('git', ['push', '-q', `${url.replace('http://', `http://b:${admin}@`)}/git/logs.git`, 'main'], { cwd: repo });
  await api('POST', '/api/projects/logs/dispatches', { workflow: 'logs.yml', ref: 'main' });
  const token = ((await api('POST', '/api/tokens', { role: 'runner' })) as { token: string }).token;
  const client = new RunnerClient(url, token);
  const { runnerId } = (await client.call<any>('/register', { name: 'bench', labels: ['ubuntu-latest'], capacity: JOBS }))!;
  const leases: { jobId: number; attempt: number; leaseToken: number }[] = [];
  while (leases.length < JOBS) {
    const a = (await client.call<any>('/poll', { runnerId, timeoutMs: 5000 }))?.assignment;
    if (!a) continue;
    const lease = { jobId: a.job.id, attempt: a.job.attempt, leaseToken: a.job.leaseToken };
    await client.call(`/jobs/${lease.jobId}/ack`, lease);
    leases.push(lease);
  }
  const beat = setInterval(() => leases.forEach((l) => void client.call(`/jobs/${l.jobId}/heartbeat`, l).catch(() => {})), 2000);
  const samples: number[] = [rss(serve.pid!)];
  const sampler = setInterval(() => samples.push(rss(serve.pid!)), 250);
  const linesPerJob = Math.ceil((MB_PER_JOB * 1024 * 1024) / (LINE.length + 1));
  const started = performance.now();
  const signal = new AbortController().signal;
  await Promise.all(leases.map(async (lease) => {
    const up = new LogUploader(client, lease, signal);
    for (let i = 0; i < linesPerJob; i++) {
      up.push(LINE);
      // Bounded like a real step's pipe: the producer waits while four chunks are unacknowledged.
      if (i % 10_000 === 0) while (up.backlog > 2) await new Promise((r) => setTimeout(r, 2));
    }
    await up.close();
  }));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  clearInterval(beat);
  const total = (linesPerJob * (LINE.length + 1) * JOBS) / 1024 / 1024;
  const rate = total / seconds;
  const base = await baseline();
  console.log(`log ingestion: ${JOBS} jobs x ${MB_PER_JOB} MB = ${total.toFixed(0)} MB in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} MB/s (target >= 50 MB/s: ${rate >= 50 ? 'met' : 'NOT met'}); ${(rate / base).toFixed(2)}x a bare store append of ${base.toFixed(1)} MB/s`);
  console.log(`server memory while ingesting: start ${samples[0].toFixed(0)} MB, max ${Math.max(...samples).toFixed(0)} MB, end ${samples[samples.length - 1].toFixed(0)} MB (RSS)`);
} finally {
  serve.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
