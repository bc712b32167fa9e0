/** Real servers and runners for the server tests: in-process or as `nexus` processes, on 127.0.0.1 port 0. */
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActionHost } from '../../src/actions/host.js';
import { EngineExecutor } from '../../src/runner/engine-executor.js';
import type { ServerOptions } from '../../src/server/config.js';
import { EnginePipeline } from '../../src/server/engine-pipeline.js';
import { startServer, type NexusServer } from '../../src/server/server.js';
import { gitRepo, nexusBin, tempDir, writeTree } from '../helpers/cli.js';
import type { RunView } from '../../src/server/api-types.js';

export interface Harness {
  server: NexusServer;
  url: string;
  dir: string;
  admin: string;
  api<T = any>(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: T; text: string }>;
  close(): Promise<void>;
}

export async function withServer(options: ServerOptions = {}): Promise<Harness> {
  const { dir, cleanup } = tempDir('nexus-server-');
  const dataDir = join(dir, 'data');
  const server = await startServer(
    { port: 0, dataDir, heartbeatMs: 1000, pollTimeoutMs: 5000, inProcessRunners: 1, env: {}, ...options },
    { pipeline: new EnginePipeline(), executor: new EngineExecutor(join(dataDir, 'work'), 'in-process', createActionHost({ dataDir, env: process.env })), log: () => {} },
  );
  const admin = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  return {
    server,
    url: server.url,
    dir,
    admin,
    api: (method, path, body, token = admin) => call(server.url, method, path, body, token),
    async close() {
      await server.close();
      cleanup();
    },
  };
}

export async function call(url: string, method: string, path: string, body?: unknown, token?: string | null) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // any: the body is whatever JSON the endpoint answers; each test asserts the shape it expects.
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text (logs)
  }
  return { status: res.status, body: parsed, text };
}

const author = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' };
export const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...author } }).trim();
/** For git talking to an in-process server: a synchronous call would block the server it waits for. */
export const gitAsync = async (cwd: string, ...args: string[]): Promise<string> =>
  (await promisify(execFile)('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...author, GIT_TERMINAL_PROMPT: '0' } })).stdout.trim();

/** The git URL of a project with a token as the Basic password. */
export const gitUrl = (url: string, project: string, token: string): string => url.replace('http://', `http://nexus:${token}@`) + `/git/${project}.git`;

/** A local clone-to-be with `files` committed on main, and a project on the server it pushes to. */
export async function newProject(h: Pick<Harness, 'api' | 'url' | 'admin' | 'dir'>, name: string, files: Record<string, string>, opts: { retryRunnerLost?: boolean } = {}): Promise<{ repo: string; push: (...refs: string[]) => Promise<string>; commit: (files: Record<string, string>, message?: string) => string }> {
  const repo = join(h.dir, `src-${name}`);
  gitRepo(repo, files);
  const r = await h.api('POST', '/api/projects', { name, retryRunnerLost: opts.retryRunnerLost });
  if (r.status !== 201) throw new Error(`project create failed: ${r.text}`);
  return {
    repo,
    push: (...refs) => gitAsync(repo, 'push', '-q', gitUrl(h.url, name, h.admin), ...(refs.length ? refs : ['main'])),
    commit: (more, message = 'change') => {
      writeTree(repo, more);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', message);
      return git(repo, 'rev-parse', 'HEAD');
    },
  };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the project has `count` runs and all of them are completed. */
export async function settledRuns(h: Pick<Harness, 'api'>, project: string, count: number, timeoutMs = 60_000): Promise<any[]> {
  return waitFor(`${count} completed run(s) of ${project}`, async () => {
    const { body } = await h.api('GET', `/api/runs?project=${project}&limit=500`);
    const runs = body.runs ?? [];
    return runs.length >= count && runs.every((r: RunView) => r.status === 'completed') ? runs : undefined;
  }, timeoutMs);
}

export interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** A `nexus` process (serve or runner) that lives beyond one command. */
export function spawnNexus(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Proc {
  // Its own process group, so a test can kill -9 it with every step process it started, like a machine dying.
  const child = spawn(process.execPath, [nexusBin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

export function killHard(p: Proc): Promise<number | null> {
  try {
    process.kill(-p.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  return p.exited;
}

/** Starts `nexus serve` as a process and resolves once it listens. */
export async function spawnServe(dataDir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Proc & { url: string }> {
  const p = spawnNexus(['serve', '--port', '0', '--data', dataDir, ...args], env);
  const url = await waitFor('nexus serve to listen', async () => /listening on (http:\/\/\S+)/.exec(p.stdout())?.[1] ?? (p.child.exitCode !== null ? Promise.reject(new Error(p.stderr())) : undefined), 20_000);
  return { ...p, url };
}
