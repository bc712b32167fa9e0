/**
 * A real `nexus serve` in its own process on a free port, a hosted project to push to, tokens of
 * each role, and Debian's Chromium driven by playwright-core: what the web tests and benchmarks use.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DeployDaemonClient } from '../../src/deploy/client.js';
import { gitRepo, nexusBin, repoRoot, tempDir, writeTree } from '../helpers/cli.js';

export const outputDir = join(repoRoot, 'test-output');

export interface WebServer {
  url: string;
  dir: string;
  adminToken: string;
  api<T = unknown>(path: string, init?: { method?: string; body?: unknown; token?: string }): Promise<T>;
  token(role: 'viewer' | 'developer' | 'admin', name?: string): Promise<string>;
  /** Creates a project and a local clone whose `push(files)` commits and pushes to it over HTTP. */
  project(name: string): Promise<Project>;
  close(): Promise<void>;
}

export interface Project {
  name: string;
  push(files: Record<string, string>, message?: string): string;
}

const gitEnv = { GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com', GIT_TERMINAL_PROMPT: '0' };

export async function startWebServer(args: string[] = []): Promise<WebServer> {
  const { dir, cleanup } = tempDir('nexus-web-');
  const data = join(dir, 'data');
  const child: ChildProcess = spawn(process.execPath, [nexusBin, 'serve', '--port', '0', '--data', 'data', ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', NEXUS_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`nexus serve did not start: ${out}${stderr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]));
    });
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`nexus serve exited ${code}: ${out}${stderr}`))));
  });
  const adminToken = readFileSync(join(data, 'admin.token'), 'utf8').trim();
  const api = async <T>(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> => {
    const res = await fetch(`${url}/api${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.token ?? adminToken}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }).catch((e) => {
      throw new Error(`${init.method ?? 'GET'} ${path}: ${e}; nexus serve said: ${stderr.slice(-2000)}`);
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const server: WebServer = {
    url,
    dir,
    adminToken,
    api,
    token: async (role, name = role) => (await api<{ token: string }>('/tokens', { method: 'POST', body: { role, name } })).token,
    async project(name) {
      await api('/projects', { method: 'POST', body: { name } });
      const pusher = await server.token('developer', 'dev');
      const clone = join(dir, 'work', name);
      mkdirSync(clone, { recursive: true });
      const remote = `${url.replace('http://', `http://dev:${pusher}@`)}/git/${name}.git`;
      const git = (...a: string[]) => execFileSync('git', a, { cwd: clone, encoding: 'utf8', env: { ...process.env, ...gitEnv } }).trim();
      return {
        name,
        push(files, message = 'change') {
          if (!existsSync(join(clone, '.git'))) {
            gitRepo(clone, files, message);
            git('remote', 'add', 'origin', remote);
          } else {
            writeTree(clone, files);
            git('add', '-A');
            git('commit', '-q', '-m', message);
          }
          git('push', '-q', 'origin', 'HEAD:refs/heads/main');
          return git('rev-parse', 'HEAD');
        },
      };
    },
    async close() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      // Releases made by the in-process runner live on in its deploy daemon until it is told to stop.
      await (await DeployDaemonClient.find(join(data, 'work', '_data')))?.shutdown(true);
      cleanup();
    },
  };
  return server;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page signed in with `token` (the token goes into sessionStorage, as the sign-in form puts it). */
export async function signedInPage(browser: Browser, token: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript((t) => sessionStorage.setItem('nexus.token', t), token);
  return context.newPage();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(outputDir, { recursive: true });
  const path = join(outputDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Waits until `fn` returns a truthy value, polling quickly. */
export async function until<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
