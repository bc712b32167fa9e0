/**
 * The stable front door of one environment+service: a reverse proxy that sends each request to the live revision
 * of the moment. The live revision is read once per request, when its head has arrived, so switching is one
 * assignment: a request is routed wholly to the old or the new revision, in-flight requests finish where they
 * started, and a keep-alive client moves to the new revision at its next request. Nothing is dropped.
 *
 * It forwards bytes between sockets instead of going through node:http: on a busy machine node:http's own
 * parsing, objects and several writes per message cost ~10x a small service's work (see README "Deployments").
 * http-framing finds message boundaries and statuses; bodies are passed on untouched. Requests are handled one at
 * a time per client connection (pipelined ones wait, which HTTP/1.1 allows); every revision has its own pool of
 * keep-alive connections and its own metrics.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { BodyTracker, FramingError, parseRequestHead, parseResponseHead, type RequestHead } from './http-framing.js';
import { RevisionMetrics } from './metrics.js';

export interface ProxyTarget {
  revision: number;
  port: number;
}

/** Idle upstream connections close before a Node server's default 5 s keep-alive timeout would close them under us. */
const UPSTREAM_IDLE_MS = 4000;
/** Longer than typical client keep-alive so clients, not we, decide when to close idle connections. */
const CLIENT_IDLE_MS = 65_000;
const MAX_IDLE_UPSTREAM = 256;

/** A connection to a revision; its listeners are attached once and report to whichever exchange owns it. */
class UpstreamSocket {
  owner: ClientConnection | undefined;
  idleSince = 0;
  /** Set once it has carried a complete exchange: a failure before any answer may then be a keep-alive race. */
  reused = false;

  constructor(readonly pool: Upstream, readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.owner?.onUpstreamData(chunk));
    socket.on('drain', () => this.owner?.onUpstreamDrain());
    socket.on('end', () => this.gone(undefined));
    socket.on('error', (e) => this.gone(e));
    socket.on('close', () => this.gone(undefined));
  }

  private gone(error: NodeJS.ErrnoException | undefined): void {
    const owner = this.owner;
    this.owner = undefined;
    this.pool.forget(this);
    this.socket.destroy();
    owner?.onUpstreamGone(this, error);
  }
}

class Upstream {
  inFlight = 0;
  readonly revisionLine: Buffer;
  private readonly idle: UpstreamSocket[] = [];

  constructor(readonly target: ProxyTarget, readonly metrics: RevisionMetrics) {
    this.revisionLine = Buffer.from(`x-nexus-revision: ${target.revision}\r\n\r\n`, 'latin1');
  }

  acquire(fresh: boolean): UpstreamSocket {
    if (!fresh) {
      const s = this.idle.pop();
      if (s) return s;
    }
    return new UpstreamSocket(this, net.connect({ host: '127.0.0.1', port: this.target.port, noDelay: true }));
  }

  release(s: UpstreamSocket): void {
    s.owner = undefined;
    s.reused = true;
    if (this.idle.length >= MAX_IDLE_UPSTREAM) return void s.socket.destroy();
    s.idleSince = performance.now();
    this.idle.push(s);
  }

  forget(s: UpstreamSocket): void {
    const i = this.idle.indexOf(s);
    if (i >= 0) this.idle.splice(i, 1);
  }

  closeIdle(olderThan: number): void {
    while (this.idle.length && this.idle[0].idleSince <= olderThan) this.idle.shift()!.socket.destroy();
  }

  destroy(): void {
    for (const s of this.idle.splice(0)) s.socket.destroy();
  }
}

interface Exchange {
  upstream: Upstream;
  socket: UpstreamSocket;
  method: string;
  started: number;
  /** The request head, kept to resend an idempotent bodyless request once if a reused connection turns out dead. */
  resend: Buffer | undefined;
  /** The request body still arriving from the client; undefined once the request is wholly sent. */
  requestBody: BodyTracker | undefined;
  requestClose: boolean;
  /** Response head bytes gathered so far. */
  head: Buffer | undefined;
  responseBody: BodyTracker | undefined;
  status: number;
  responseClose: boolean;
  /** Bytes of the response already passed to the client. */
  answered: boolean;
}

/** Requests safe to send twice when a reused connection dies before answering. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

const UNAVAILABLE = Buffer.from('HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 17\r\n\r\nno live revision\n', 'latin1');

function plainResponse(status: string, text: string, extra = ''): Buffer {
  return Buffer.from(`HTTP/1.1 ${status}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${extra}\r\n${text}`, 'latin1');
}

class ClientConnection {
  private pending: Buffer | undefined;
  private exchange: Exchange | undefined;
  private ended = false;
  private closing = false;
  idleSince = performance.now();

  constructor(private readonly proxy: RevisionProxy, readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.exchange?.socket.socket.resume());
    socket.on('end', () => {
      this.ended = true;
      if (!this.exchange) socket.end();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose());
  }

  private onData(chunk: Buffer): void {
    const ex = this.exchange;
    if (ex?.requestBody) {
      const end = ex.requestBody.consume(chunk);
      if (end < 0) return this.toUpstream(ex, chunk);
      ex.requestBody = undefined;
      this.toUpstream(ex, end === chunk.length ? chunk : chunk.subarray(0, end));
      if (end < chunk.length) this.hold(chunk.subarray(end));
      return;
    }
    if (ex || this.closing) return this.hold(chunk);
    this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.next();
  }

  /** Keeps bytes of a later (pipelined) request until the current exchange is over. */
  private hold(bytes: Buffer): void {
    this.pending = this.pending ? Buffer.concat([this.pending, bytes]) : bytes;
    this.socket.pause();
  }

  private toUpstream(ex: Exchange, bytes: Buffer): void {
    if (!ex.socket.socket.write(bytes)) this.socket.pause();
  }

  onUpstreamDrain(): void {
    if (this.exchange?.requestBody) this.socket.resume();
  }

  /** Starts the next request waiting in `pending`, if its head is complete. */
  private next(): void {
    const buf = this.pending;
    if (!buf || this.exchange || this.closing) return;
    let head: RequestHead | undefined;
    try {
      head = parseRequestHead(buf);
    } catch (e) {
      const tooLarge = e instanceof FramingError && e.message === 'head too large';
      return this.refuse(plainResponse(tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request', `${(e as Error).message}\n`, 'connection: close\r\n'));
    }
    if (!head) return;
    const upstream = this.proxy.liveUpstream;
    if (!upstream) {
      if (head.body !== 'none') return this.refuse(UNAVAILABLE);
      this.pending = head.end < buf.length ? buf.subarray(head.end) : undefined;
      this.socket.write(UNAVAILABLE);
      return this.next();
    }
    let requestBody: BodyTracker | undefined = new BodyTracker(head.body, head.length);
    let end: number;
    try {
      end = requestBody.consume(buf, head.end);
    } catch (e) {
      return this.refuse(plainResponse('400 Bad Request', `${(e as Error).message}\n`, 'connection: close\r\n'));
    }
    if (end >= 0) requestBody = undefined;
    const sent = end < 0 || end === buf.length ? buf : buf.subarray(0, end);
    this.pending = end >= 0 && end < buf.length ? buf.subarray(end) : undefined;
    if (this.pending) this.socket.pause();
    upstream.inFlight++;
    const socket = upstream.acquire(false);
    this.exchange = {
      upstream,
      socket,
      method: head.method,
      started: performance.now(),
      resend: head.body === 'none' && IDEMPOTENT.has(head.method) ? sent : undefined,
      requestBody,
      requestClose: head.close || head.upgrade,
      head: undefined,
      responseBody: undefined,
      status: 0,
      responseClose: false,
      answered: false,
    };
    socket.owner = this;
    this.toUpstream(this.exchange, sent);
  }

  /** Answers a request that cannot be forwarded, then closes the connection: its framing is unknown. */
  private refuse(response: Buffer): void {
    this.closing = true;
    this.pending = undefined;
    this.socket.end(response);
  }

  onUpstreamData(chunk: Buffer): void {
    const ex = this.exchange!;
    let from = 0;
    try {
      if (!ex.responseBody) {
        const buf = ex.head ? Buffer.concat([ex.head, chunk]) : chunk;
        ex.head = undefined;
        for (;;) {
          const head = parseResponseHead(buf, ex.method, from);
          if (!head) {
            ex.head = from ? buf.subarray(from) : buf;
            return;
          }
          ex.answered = true;
          if (head.status < 200 && head.status !== 101) {
            // An interim response (100 Continue): pass it on and wait for the real one.
            this.socket.write(buf.subarray(from, head.end));
            from = head.end;
            if (from === buf.length) return;
            continue;
          }
          ex.status = head.status;
          ex.responseClose = head.close || head.status === 101;
          ex.responseBody = new BodyTracker(head.body, head.length);
          const bodyEnd = head.status === 101 ? buf.length : ex.responseBody.consume(buf, head.end);
          const upTo = bodyEnd < 0 ? buf.length : bodyEnd;
          // The revision header goes in place of the blank line ending the head: one write for head and body.
          this.toClient(ex, Buffer.concat([buf.subarray(from, head.end - 2), ex.upstream.revisionLine, buf.subarray(head.end, upTo)]));
          if (head.status === 101) return this.tunnel(ex);
          if (bodyEnd >= 0) this.complete(ex, bodyEnd === buf.length);
          return;
        }
      }
      const end = ex.responseBody.consume(chunk);
      if (end < 0) return this.toClient(ex, chunk);
      this.toClient(ex, end === chunk.length ? chunk : chunk.subarray(0, end));
      this.complete(ex, end === chunk.length);
    } catch (e) {
      if (!(e instanceof FramingError)) throw e;
      this.fail(ex);
    }
  }

  private toClient(ex: Exchange, bytes: Buffer): void {
    if (!this.socket.write(bytes)) ex.socket.socket.pause();
  }

  /** The response is whole: record it, give the upstream connection back and move to the next request. */
  private complete(ex: Exchange, clean: boolean): void {
    this.exchange = undefined;
    ex.upstream.inFlight--;
    ex.upstream.metrics.recordResponse(ex.status, performance.now() - ex.started);
    // A revision that answered before reading the whole request, or sent bytes past its response, is not reused.
    if (clean && !ex.requestBody && !ex.responseClose && !ex.requestClose) {
      ex.socket.socket.resume();
      ex.upstream.release(ex.socket);
    } else {
      ex.socket.owner = undefined;
      ex.socket.socket.destroy();
    }
    if (ex.requestBody || ex.requestClose || ex.responseClose || this.ended) {
      this.closing = true;
      this.socket.end();
      return;
    }
    this.idleSince = performance.now();
    this.socket.resume();
    this.next();
  }

  /** After 101 Switching Protocols the two connections are joined as they are. */
  private tunnel(ex: Exchange): void {
    this.exchange = undefined;
    ex.upstream.inFlight--;
    ex.upstream.metrics.recordResponse(ex.status, performance.now() - ex.started);
    this.closing = true;
    ex.socket.owner = undefined;
    const up = ex.socket.socket;
    up.removeAllListeners('data').removeAllListeners('drain').removeAllListeners('end').removeAllListeners('close');
    this.socket.removeAllListeners('data').removeAllListeners('drain').removeAllListeners('end');
    up.on('close', () => this.socket.destroy());
    this.socket.on('close', () => up.destroy());
    if (this.pending) up.write(this.pending);
    this.pending = undefined;
    up.pipe(this.socket);
    this.socket.pipe(up);
    this.socket.resume();
  }

  onUpstreamGone(socket: UpstreamSocket, error: NodeJS.ErrnoException | undefined): void {
    const ex = this.exchange;
    if (!ex || ex.socket !== socket) return;
    if (ex.responseBody && !ex.responseClose) return this.fail(ex);
    if (ex.responseBody) return this.complete(ex, false); // a body delimited by the connection's end
    // A keep-alive connection the revision closed just as we reused it: safe to resend a request without a body.
    if (!ex.answered && socket.reused && ex.resend && (!error || error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
      ex.socket = ex.upstream.acquire(true);
      ex.socket.owner = this;
      const resend = ex.resend;
      ex.resend = undefined;
      this.toUpstream(ex, resend);
      return;
    }
    this.fail(ex, error);
  }

  /** The revision did not answer properly: a connection error; a 502 if nothing of the response was sent yet. */
  private fail(ex: Exchange, error?: NodeJS.ErrnoException): void {
    this.exchange = undefined;
    ex.upstream.inFlight--;
    ex.upstream.metrics.recordConnectionError(performance.now() - ex.started);
    ex.socket.owner = undefined;
    ex.socket.socket.destroy();
    if (ex.answered) return void this.socket.destroy();
    const revision = ex.upstream.target.revision;
    this.closing = true;
    this.socket.end(plainResponse('502 Bad Gateway', `revision ${revision} unreachable: ${error?.code ?? error?.message ?? 'bad response'}\n`, `x-nexus-revision: ${revision}\r\nconnection: close\r\n`));
  }

  private onClose(): void {
    this.proxy.clients.delete(this);
    const ex = this.exchange;
    if (!ex) return;
    // The client left: the exchange is abandoned, which says nothing about the revision.
    this.exchange = undefined;
    ex.upstream.inFlight--;
    ex.socket.owner = undefined;
    ex.socket.socket.destroy();
  }

  get idle(): boolean {
    return !this.exchange;
  }
}

export class RevisionProxy {
  private readonly server: net.Server;
  private live: Upstream | undefined;
  private readonly upstreams = new Map<number, Upstream>();
  readonly metrics = new Map<number, RevisionMetrics>();
  readonly clients = new Set<ClientConnection>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor() {
    // Half-open: a client may finish sending before its response arrives.
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.clients.add(new ClientConnection(this, socket)));
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    // One timer for all idle connections instead of a timer per request.
    this.sweeper = setInterval(() => this.sweep(), 1000).unref();
    return (this.server.address() as AddressInfo).port;
  }

  private sweep(): void {
    const now = performance.now();
    for (const u of this.upstreams.values()) u.closeIdle(now - UPSTREAM_IDLE_MS);
    for (const c of this.clients) if (c.idle && c.idleSince < now - CLIENT_IDLE_MS) c.socket.destroy();
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get liveRevision(): number | undefined {
    return this.live?.target.revision;
  }

  /** @internal the revision new requests go to. */
  get liveUpstream(): Upstream | undefined {
    return this.live;
  }

  metricsFor(revision: number): RevisionMetrics {
    let m = this.metrics.get(revision);
    if (!m) this.metrics.set(revision, (m = new RevisionMetrics()));
    return m;
  }

  private upstream(target: ProxyTarget): Upstream {
    let u = this.upstreams.get(target.revision);
    if (!u || u.target.port !== target.port) {
      u?.destroy();
      u = new Upstream(target, this.metricsFor(target.revision));
      this.upstreams.set(target.revision, u);
    }
    return u;
  }

  /** Routes all new requests to `target` from now on. */
  switchTo(target: ProxyTarget): void {
    this.live = this.upstream(target);
  }

  /** Forgets a stopped revision's connections (its metrics stay for the record). */
  release(revision: number): void {
    const u = this.upstreams.get(revision);
    if (u && u !== this.live) {
      u.destroy();
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

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const c of this.clients) c.socket.destroy();
    });
    for (const u of this.upstreams.values()) u.destroy();
  }
}
