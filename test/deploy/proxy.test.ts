import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { RevisionProxy } from '../../src/deploy/proxy.js';
import { freePort } from '../../src/deploy/supervisor.js';

async function serve(handler: http.RequestListener, onUpgrade?: (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => void): Promise<{ port: number; close: () => void }> {
  const server = http.createServer(handler);
  if (onUpgrade) server.on('upgrade', onUpgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() && server.closeAllConnections() };
}

async function serveRaw(onConnection: (s: net.Socket) => void): Promise<{ port: number; close: () => void }> {
  const server = net.createServer(onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

/** A listening proxy and a one-connection keep-alive client agent, closed with `services` when the test ends. */
async function setUp(t: TestContext, ...services: { close: () => void }[]): Promise<{ proxy: RevisionProxy; port: number; agent: http.Agent }> {
  const proxy = new RevisionProxy();
  const port = await proxy.listen();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(async () => {
    agent.destroy();
    for (const s of services) s.close();
    await proxy.close();
  });
  return { proxy, port, agent };
}

interface Reply {
  status: number;
  revision: string | undefined;
  body: string;
  socket: net.Socket;
}

function request(port: number, agent: http.Agent, o: { method?: string; path?: string; body?: string | Buffer; chunked?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', agent, method: o.method ?? 'GET', path: o.path ?? '/', headers: o.chunked ? { 'transfer-encoding': 'chunked' } : {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, revision: res.headers['x-nexus-revision'] as string | undefined, body: Buffer.concat(parts).toString(), socket: res.socket }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (o.chunked && typeof o.body === 'string') {
      // Several chunks written apart, so the body arrives in pieces.
      for (const piece of o.body.split('|')) req.write(piece);
      req.end();
    } else req.end(o.body);
  });
}

/** Raw bytes in, raw bytes out until the proxy closes or `until` matches. */
function raw(port: number, bytes: string, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    let got = '';
    s.on('data', (c) => {
      got += c.toString('latin1');
      if (until?.test(got)) s.destroy(), resolve(got);
    });
    s.on('end', () => resolve(got));
    s.on('error', reject);
  });
}

test('bodies of every framing pass through intact on reused keep-alive connections', async (t) => {
  const big = Buffer.alloc(3 * 1024 * 1024, 'x');
  const svc = await serve((req, res) => {
    if (req.url === '/chunked') {
      res.write('one,');
      setTimeout(() => res.end('two'), 5);
    } else if (req.url === '/big') res.end(big);
    else if (req.url === '/empty') res.writeHead(204).end();
    else if (req.url === '/fail') res.writeHead(503).end('down');
    else {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => res.setHeader('content-length', Buffer.concat(parts).length + 5).end(`echo:${Buffer.concat(parts)}`));
    }
  });
  const { proxy, port, agent } = await setUp(t, svc);
  proxy.switchTo({ revision: 7, port: svc.port });
  const first = await request(port, agent, { path: '/chunked' });
  assert.deepEqual([first.status, first.revision, first.body], [200, '7', 'one,two']);
  assert.equal((await request(port, agent, { method: 'POST', body: 'payload' })).body, 'echo:payload');
  assert.equal((await request(port, agent, { method: 'POST', body: 'a|bb|ccc', chunked: true })).body, 'echo:abbccc');
  assert.equal((await request(port, agent, { method: 'HEAD', path: '/chunked' })).body, '');
  assert.equal((await request(port, agent, { path: '/empty' })).status, 204);
  const large = await request(port, agent, { path: '/big' });
  assert.equal(large.body.length, big.length, 'a body larger than socket buffers arrives whole');
  const upload = await request(port, agent, { method: 'POST', body: big });
  assert.equal(upload.body.length, big.length + 5);
  assert.equal((await request(port, agent, { path: '/fail' })).status, 503);
  const last = await request(port, agent);
  assert.equal(last.socket, first.socket, 'one client connection carried every exchange');
  const m = proxy.metricsFor(7).totals();
  assert.deepEqual([m.requests, m.errors5xx, m.connectionErrors], [9, 1, 0]);
  assert.ok(m.p99Ms > 0);
});

test('a keep-alive client moves to the new revision at its next request; the in-flight one finishes on the old', async (t) => {
  const blue = await serve((req, res) => setTimeout(() => res.end('blue'), req.url === '/slow' ? 200 : 0));
  const green = await serve((_req, res) => res.end('green'));
  const other = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { proxy, port, agent } = await setUp(t, blue, green, { close: () => other.destroy() });
  proxy.switchTo({ revision: 1, port: blue.port });
  const before = await request(port, agent);
  assert.equal(before.body, 'blue');
  const slow = request(port, other, { path: '/slow' });
  await new Promise((r) => setTimeout(r, 50));
  proxy.switchTo({ revision: 2, port: green.port });
  assert.equal(await proxy.drained(1, 20), false, 'the slow request is still in flight on revision 1');
  const after = await request(port, agent);
  assert.deepEqual([after.body, after.revision], ['green', '2']);
  assert.equal(after.socket, before.socket, 'same client connection, new revision');
  assert.deepEqual([(await slow).body, (await slow).revision], ['blue', '1']);
  assert.equal(await proxy.drained(1, 1000), true);
  proxy.release(1);
  assert.equal(proxy.metricsFor(1).totals().requests, 2, 'metrics of a released revision stay');
});

test('connection errors: nothing listening gives a 502, a revision dying mid-response cuts the client', async (t) => {
  const svc = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': 100 });
    res.write('partial');
    setTimeout(() => res.destroy(), 10);
  });
  const { proxy, port, agent } = await setUp(t, svc);
  assert.match(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', /no live revision\n/), /^HTTP\/1.1 503 /);
  proxy.switchTo({ revision: 3, port: await freePort() });
  const refused = await request(port, agent);
  assert.deepEqual([refused.status, refused.revision], [502, '3']);
  assert.match(refused.body, /revision 3 unreachable: ECONNREFUSED/);
  proxy.switchTo({ revision: 4, port: svc.port });
  await assert.rejects(request(port, agent), /aborted|socket hang up|ECONNRESET/);
  assert.equal(proxy.metricsFor(3).totals().connectionErrors, 1);
  assert.equal(proxy.metricsFor(4).totals().connectionErrors, 1);
  assert.equal(await proxy.drained(4, 1000), true);
});

test('pipelined requests are answered in order; an unframed response ends the connection; bad requests get a 400', async (t) => {
  const svc = await serve((req, res) => res.end(`you asked ${req.url}`));
  const unframed = await serveRaw((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\n\r\nuntil close')));
  const { proxy, port } = await setUp(t, svc, unframed);
  proxy.switchTo({ revision: 1, port: svc.port });
  const both = await raw(port, 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(both, /you asked \/a[^]*HTTP\/1.1 200 OK[^]*you asked \/b$/);
  assert.equal(both.match(/x-nexus-revision: 1\r\n/g)?.length, 2);
  assert.match(await raw(port, 'NONSENSE\r\n\r\n'), /^HTTP\/1.1 400 Bad Request[^]*bad request line/);
  proxy.switchTo({ revision: 2, port: unframed.port });
  assert.match(await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'), /x-nexus-revision: 2\r\n\r\nuntil close$/);
  assert.equal(proxy.metricsFor(2).totals().requests, 1);
});

test('a reused connection that dies before answering: an idempotent request is resent once, others get a 502', async (t) => {
  // Answers the first request of each connection, then drops the connection when the next one arrives.
  const svc = await serveRaw((s) => {
    let seen = 0;
    s.on('data', () => (seen++ === 0 ? s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok') : s.destroy()));
    s.on('error', () => {});
  });
  const { proxy, port, agent } = await setUp(t, svc);
  proxy.switchTo({ revision: 1, port: svc.port });
  assert.equal((await request(port, agent)).body, 'ok');
  assert.equal((await request(port, agent)).body, 'ok', 'resent on a fresh connection');
  const del = await request(port, agent, { method: 'DELETE' });
  assert.equal(del.status, 502, 'a DELETE is not sent twice');
  assert.deepEqual([proxy.metricsFor(1).totals().requests, proxy.metricsFor(1).totals().connectionErrors], [3, 1]);
});

test('an Upgrade answered with 101 joins the two connections (WebSocket-style), counted as one request', async (t) => {
  const svc = await serve(
    (_req, res) => res.end('plain'),
    (_req, socket, head) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
      if (head.length) socket.write(head);
      socket.pipe(socket);
    },
  );
  const { proxy, port } = await setUp(t, svc);
  proxy.switchTo({ revision: 5, port: svc.port });
  const got = await new Promise<string>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nearly|'));
    let text = '';
    s.on('data', (c) => {
      text += c.toString('latin1');
      if (text.endsWith('early|')) s.write('later');
      if (text.endsWith('later')) s.destroy(), resolve(text);
    });
    s.on('error', reject);
  });
  assert.match(got, /^HTTP\/1.1 101 Switching Protocols\r\n[^]*x-nexus-revision: 5\r\n\r\nearly\|later$/);
  assert.equal(proxy.metricsFor(5).totals().requests, 1);
  assert.equal(await proxy.drained(5, 1000), true);
});
