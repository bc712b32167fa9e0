/**
 * The stable front door of one environment+service: a node:http reverse proxy that sends each request to the
 * live revision of the moment. Switching is one assignment, so a request is routed wholly to the old or the new
 * revision and in-flight requests finish where they started; nothing is dropped. Every revision gets its own
 * keep-alive agent and its own metrics.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RevisionMetrics } from './metrics.js';

export interface ProxyTarget {
  revision: number;
  port: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

/** Headers as `rawHeaders` (name, value, ...) without hop-by-hop ones: cheaper than rebuilding an object. */
function forwardHeaders(raw: string[], ...extra: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
  out.push(...extra);
  return out;
}

interface Upstream {
  target: ProxyTarget;
  revisionHeader: string;
  agent: http.Agent;
  inFlight: number;
}

export class RevisionProxy {
  private readonly server: http.Server;
  private live: Upstream | undefined;
  private readonly upstreams = new Map<number, Upstream>();
  readonly metrics = new Map<number, RevisionMetrics>();

  constructor(private readonly options: { metricsRetainMs?: number } = {}) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    // Longer than typical client keep-alive so clients, not we, decide when to close idle connections.
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get liveRevision(): number | undefined {
    return this.live?.target.revision;
  }

  metricsFor(revision: number): RevisionMetrics {
    let m = this.metrics.get(revision);
    if (!m) this.metrics.set(revision, (m = new RevisionMetrics(this.options.metricsRetainMs)));
    return m;
  }

  private upstream(target: ProxyTarget): Upstream {
    let u = this.upstreams.get(target.revision);
    if (!u || u.target.port !== target.port) {
      u?.agent.destroy();
      // Idle sockets close before a Node server's default 5 s keep-alive timeout would close them under us.
      u = { target, revisionHeader: String(target.revision), agent: new http.Agent({ keepAlive: true, timeout: 4000, maxFreeSockets: 256 }), inFlight: 0 };
      this.upstreams.set(target.revision, u);
    }
    return u;
  }

  /** Routes all new requests to `target` from now on. */
  switchTo(target: ProxyTarget): void {
    this.live = this.upstream(target);
    this.metricsFor(target.revision);
  }

  /** Forgets a stopped revision's connections (its metrics stay for the record). */
  release(revision: number): void {
    const u = this.upstreams.get(revision);
    if (u && u !== this.live) {
      u.agent.destroy();
      this.upstreams.delete(revision);
    }
  }

  /** Resolves when no request is in flight to `revision` (or after `timeoutMs`). */
  async drained(revision: number, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while ((this.upstreams.get(revision)?.inFlight ?? 0) > 0) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, retried = false): void {
    const u = this.live;
    if (!u) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no live revision\n');
      return;
    }
    const metrics = this.metricsFor(u.target.revision);
    const started = performance.now();
    u.inFlight++;
    let done = false;
    const finish = (record: () => void) => {
      if (done) return;
      done = true;
      u.inFlight--;
      record();
    };
    const upstream = http.request({ host: '127.0.0.1', port: u.target.port, method: req.method, path: req.url, headers: forwardHeaders(req.rawHeaders), agent: u.agent });
    upstream.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, forwardHeaders(up.rawHeaders, 'x-nexus-revision', u.revisionHeader));
      up.pipe(res);
      up.on('end', () => finish(() => metrics.recordResponse(up.statusCode ?? 502, performance.now() - started)));
      up.on('error', () => finish(() => metrics.recordConnectionError(performance.now() - started)));
    });
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      // A keep-alive socket the revision closed just as we reused it: safe to resend a request without a body.
      const bodyless = req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';
      if (!retried && bodyless && upstream.reusedSocket && e.code === 'ECONNRESET' && !res.headersSent) {
        done = true;
        u.inFlight--;
        this.handle(req, res, true);
        return;
      }
      finish(() => metrics.recordConnectionError(performance.now() - started));
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-nexus-revision': String(u.target.revision) }).end(`revision ${u.target.revision} unreachable: ${e.code ?? e.message}\n`);
      else res.destroy();
    });
    // Most requests have no body: ending at once spares a stream pipe per request.
    if (retried || (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)) upstream.end();
    else req.pipe(upstream);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    for (const u of this.upstreams.values()) u.agent.destroy();
  }
}
