/** The masker: exact values, the encodings a process prints them in, multi-line values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Masker } from '../../src/engine/masker.js';

test('masks a value wherever it appears, longest value first', () => {
  const m = new Masker();
  m.add('abc123');
  m.add('abc123-longer');
  assert.equal(m.mask('x abc123 y abc123-longer z'), 'x *** y *** z');
  assert.equal(m.mask('nothing here'), 'nothing here');
});

test('ignores empty values and leaves regex characters literal', () => {
  const m = new Masker();
  m.add('');
  m.add(undefined);
  assert.equal(m.size, 0);
  m.add('a.b*c(d)');
  assert.equal(m.mask('a.b*c(d) aXbbbc(d)'), '*** aXbbbc(d)');
});

test('masks JSON-escaped, URI-encoded and base64 forms at every alignment', () => {
  const secret = 'p@ss "word"/ü';
  const m = new Masker();
  m.add(secret);
  assert.equal(m.mask(JSON.stringify({ s: secret })), '{"s":"***"}');
  assert.equal(m.mask(`u=${encodeURIComponent(secret)}`), 'u=***');
  for (const prefix of ['', 'a', 'ab']) {
    const b64 = Buffer.from(prefix + secret + 'tail').toString('base64');
    assert.ok(m.mask(b64).includes('***'), `base64 with ${prefix.length} leading bytes is masked`);
    assert.ok(!m.mask(b64).includes(Buffer.from(secret).toString('base64').slice(4, 12)));
  }
});

test('a multi-line value is masked whole and line by line', () => {
  const m = new Masker();
  m.add('-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34\n-----END KEY-----');
  assert.equal(m.mask('key:\n-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34\n-----END KEY-----\n'), 'key:\n***\n');
  assert.equal(m.mask('line: MIIBOgIBAAJBAKj34'), 'line: ***');
  assert.equal(m.mask(JSON.stringify('-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34\n-----END KEY-----')), '"***"');
});

test('fork keeps the values and takes more without changing the original', () => {
  const m = new Masker();
  m.add('one-value');
  const f = m.fork();
  f.add('two-value');
  assert.equal(f.mask('one-value two-value'), '*** ***');
  assert.equal(m.mask('one-value two-value'), '*** two-value');
});
