import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyTracker, FramingError, parseRequestHead, parseResponseHead } from '../../src/deploy/http-framing.js';

const b = (s: string) => Buffer.from(s, 'latin1');

test('request heads: incomplete, bodies by Content-Length or chunked, connection close and upgrade', () => {
  assert.equal(parseRequestHead(b('GET / HTTP/1.1\r\nHost: x\r\n')), undefined, 'no blank line yet');
  const get = parseRequestHead(b('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b'))!;
  assert.deepEqual([get.method, get.body, get.end, get.close, get.upgrade], ['GET', 'none', 28, false, false]);
  const post = parseRequestHead(b('POST / HTTP/1.1\r\nCONTENT-length: 12\r\n\r\n'))!;
  assert.deepEqual([post.body, post.length], ['length', 12]);
  assert.equal(parseRequestHead(b('POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'))!.body, 'chunked');
  assert.equal(parseRequestHead(b('GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n'))!.close, true);
  assert.equal(parseRequestHead(b('GET / HTTP/1.0\r\n\r\n'))!.close, true, 'HTTP/1.0 closes by default');
  assert.equal(parseRequestHead(b('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'))!.close, false);
  assert.equal(parseRequestHead(b('GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'))!.upgrade, true);
  assert.equal(parseRequestHead(b('\r\nGET / HTTP/1.1\r\n\r\n'))!.end, 20, 'a stray blank line before a request is skipped');
  assert.equal(parseRequestHead(b('GET / HTTP/1.1\r\n\r\n'), 0)!.body, 'none');
});

test('malformed request heads are refused, not guessed at', () => {
  for (const bad of ['GET / HTTP/2.0\r\n\r\n', 'GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nno colon\r\n\r\n', 'POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n', 'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n']) {
    assert.throws(() => parseRequestHead(b(bad)), FramingError, bad);
  }
  assert.throws(() => parseRequestHead(Buffer.alloc(70 * 1024, 'a')), /head too large/);
});

test('response heads: which responses have bodies and how they end', () => {
  const r = (head: string, method = 'GET') => parseResponseHead(b(head), method)!;
  assert.deepEqual([r('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n').status, r('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n').body, r('HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\n').length], [200, 'length', 3]);
  assert.equal(r('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n', 'HEAD').body, 'none', 'HEAD responses have no body');
  assert.equal(r('HTTP/1.1 204 No Content\r\n\r\n').body, 'none');
  assert.equal(r('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n').body, 'none');
  assert.equal(r('HTTP/1.1 100 Continue\r\n\r\n').body, 'none');
  assert.equal(r('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').body, 'none');
  assert.equal(r('HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n').body, 'chunked');
  const unframed = r('HTTP/1.1 200 OK\r\n\r\n');
  assert.deepEqual([unframed.body, unframed.close], ['close', true], 'no length: the body ends with the connection');
  assert.equal(r('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n').close, true);
  assert.equal(r('HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n').close, true);
  assert.equal(parseResponseHead(b('HTTP/1.1 200 OK\r\n'), 'GET'), undefined);
  assert.throws(() => parseResponseHead(b('HTTP/1.1 abc\r\n\r\n'), 'GET'), FramingError);
  assert.throws(() => parseResponseHead(b('SSH-2.0\r\n\r\n'), 'GET'), FramingError);
});

test('Content-Length bodies end exactly, across reads', () => {
  const t = new BodyTracker('length', 5);
  assert.equal(t.consume(b('ab')), -1);
  assert.equal(t.consume(b('cdeGET')), 3, 'the next message starts after the fifth byte');
  assert.equal(new BodyTracker('none').consume(b('xyz'), 1), 1);
  assert.equal(new BodyTracker('close').consume(b('xyz')), -1);
});

test('chunked bodies: extensions, trailers, and any split between reads', () => {
  const body = '5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n';
  const next = 'GET / HTTP/1.1\r\n\r\n';
  const whole = new BodyTracker('chunked');
  assert.equal(whole.consume(b(body + next)), body.length);
  // Every split point, and byte by byte, finds the same end.
  for (let cut = 1; cut < body.length; cut++) {
    const t = new BodyTracker('chunked');
    assert.equal(t.consume(b(body.slice(0, cut))), -1, `cut ${cut}`);
    assert.equal(t.consume(b(body.slice(cut) + next)), body.length - cut, `cut ${cut}`);
  }
  const bytewise = new BodyTracker('chunked');
  let end = -1;
  for (let i = 0; i < body.length && end < 0; i++) end = bytewise.consume(b(body[i]));
  assert.equal(end, 1, 'the last byte ends it');
  assert.equal(new BodyTracker('chunked').consume(b('0\r\n\r\n')), 5);
  for (const bad of ['zz\r\n', '5\r\nhelloXX', '\r\n', '5\rX']) assert.throws(() => new BodyTracker('chunked').consume(b(bad)), FramingError, JSON.stringify(bad));
});
