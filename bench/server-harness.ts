/** Shared by the server benchmarks: a server with a dispatchable project, runner worker processes, percentiles. */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnginePipeline } from '../src/server/engine-pipeline.js';
import { startServer, type NexusServer } from '../src/server/server.js';
import type { JobExecutor } from '../src/runner/assignment.js';
import { startPostgres, type PgCluster } from '../test/helpers/postgres.js';

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export interface BenchServer {
  server: NexusServer;
  admin: string;
  api(method: string, path: string, body?: unknown): Promise<any>;
  dispatch(count: number, parallel?: number): Promise<void>;
  close(): Promise<void>;
}

/** Never runs anything: the benchmarks' in-process server has no runner of its own. */
const unused: JobExecutor = { execute: async () => ({ conclusion: 'failure', outputs: {}, reason: 'no in-process runner in benchmarks' }) };

export async function benchServer(kind: 'sqlite' | 'postgres', workflow: string): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-server-'));
  let cluster: PgCluster | undefined;
  const databaseUrl = kind === 'postgres' ? await (cluster = await startPostgres()).newDatabase() : undefined;
  const server = await startServer(
    { port: 0, dataDir: join(dir, 'data'), databaseUrl, inProcessRunners: 0, heartbeatMs: 2000, env: {} },
    { pipeline: new EnginePipeline(), executor: unused, log: () => {} },
  );
  const admin = readFileSync(join(dir, 'data', 'admin.token'), 'utf8').trim();
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, '.github/workflows'), { recursive: true });
  writeFileSync(join(repo, '.github/workflows/bench.yml'), workflow);
  const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'bench');
  await api('POST', '/api/projects', { name: 'bench' });
  await new Promise<void>((resolve, reject) => {
    const push = spawn('git', ['push', '-q', `${server.url.replace('http://', `http://b:${admin}@`)}/git/bench.git`, 'main'], { cwd: repo, stdio: 'ignore' });
    push.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git push exited ${code}`))));
  });
  return {
    server,
    admin,
    api,
    async dispatch(count, parallel = 8) {
      for (let i = 0; i < count; i += parallel) {
        await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, () => api('POST', '/api/projects/bench/dispatches', { workflow: 'bench.yml', ref: 'main' })));
      }
    },
    async close() {
      await server.close();
      await cluster?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A runner process (bench/server-runner-worker.ts) whose jobs succeed at once: it measures the server, not the steps. */
export function runnerWorker(url: string, token: string, capacity = 1): ChildProcess {
  const here = dirname(fileURLToPath(import.meta.url));
  return spawn(process.execPath, ['--import', join(here, '../src/compat/register.js'), join(here, 'server-runner-worker.js'), url, token, String(capacity)], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function runnerToken(b: BenchServer): Promise<string> {
  return (await b.api('POST', '/api/tokens', { role: 'runner', name: 'bench' })).token;
}
