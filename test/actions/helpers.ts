/** Fixtures for action tests: a git repository with workflows and actions, run through the real `nexus run`. */
import { symlinkSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gitRepo, repoRoot, runNexus, tempDir, type CliResult } from '../helpers/cli.js';

export interface Project {
  dir: string;
  store: string;
  data: string;
  sha: string;
  cleanup: () => void;
  run: (...args: string[]) => Promise<CliResult>;
}

/**
 * A repository holding `files`; every folder listed in `toolkit` gets a `node_modules` link to this
 * repository's, so actions there import the real @actions/* packages.
 */
export function project(files: Record<string, string>, toolkit: string[] = [], env: NodeJS.ProcessEnv = {}): Project {
  const { dir: base, cleanup } = tempDir('nexus-actions-');
  const dir = join(base, 'repo');
  const store = join(base, 'store');
  const data = join(base, 'data');
  mkdirSync(dir);
  for (const folder of toolkit) {
    mkdirSync(join(dir, folder), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, folder, 'node_modules'));
  }
  const sha = gitRepo(dir, { '.gitignore': '.nexus/\n', ...files });
  return {
    dir, store, data, sha, cleanup,
    run: (...args: string[]) => runNexus(['run', '--action-cache', store, '--data', data, ...args], { cwd: dir, env }),
  };
}

export interface Receiver {
  /** http://127.0.0.1:PORT */
  base: string;
  /** Each request as `<path> <body>`, in arrival order. */
  requests: string[];
  close: () => void;
}

/** A real HTTP server on 127.0.0.1 that records what is posted to it; `status` picks each answer (default 200). */
export async function receiver(status: (path: string, count: number) => number = () => 200): Promise<Receiver> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests.push(`${req.url} ${body}`);
      res.writeHead(status(req.url ?? '', requests.length)).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => server.close() };
}

/** The body of a recorded request, parsed as JSON. */
export const bodyOf = (request: string): unknown => JSON.parse(request.slice(request.indexOf(' ') + 1));
