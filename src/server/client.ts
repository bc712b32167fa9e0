import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NexusError } from '../errors.js';

/** Flags every command that talks to a server accepts. */
export const clientOptions = {
  server: { type: 'string' },
  token: { type: 'string' },
  data: { type: 'string' },
} as const;

export interface ClientFlags {
  server?: string;
  token?: string;
  data?: string;
}

/**
 * The JSON API from the CLI. The server is --server, else NEXUS_SERVER, else http://127.0.0.1:8080; the
 * token is --token, else NEXUS_TOKEN, else the admin token `nexus serve` wrote into the data folder.
 */
export class ApiClient {
  readonly server: string;
  private readonly token: string | undefined;

  constructor(flags: ClientFlags, env: NodeJS.ProcessEnv, cwd: string) {
    this.server = (flags.server ?? env.NEXUS_SERVER ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    const file = join(resolve(cwd, flags.data ?? env.NEXUS_DATA ?? '.nexus'), 'admin.token');
    this.token = flags.token ?? env.NEXUS_TOKEN ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  }

  get credential(): string {
    if (!this.token) throw new NexusError('USAGE', 'no token: pass --token, set NEXUS_TOKEN, or run where `nexus serve` keeps its data (.nexus/admin.token)', { exitCode: 2 });
    return this.token;
  }

  async raw(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<Response> {
    try {
      return await fetch(`${this.server}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.credential}`, accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      if (e instanceof NexusError) throw e;
      throw new NexusError('NETWORK', `cannot reach the server at ${this.server}: ${(e as { cause?: { code?: string } }).cause?.code ?? String(e)}`);
    }
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body);
    const text = await res.text();
    const data = text ? JSON.parse(text) : {};
    if (!res.ok) throw new NexusError(data?.error?.code ?? 'HTTP', `${method} ${path}: ${data?.error?.message ?? `HTTP ${res.status}`}`, { diagnostics: data?.error?.diagnostics ?? [] });
    return data as T;
  }
}

/** Columns padded to their widest cell. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}
