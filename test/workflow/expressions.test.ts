/** Expression evaluation as GitHub does it, including where the upstream library needs help. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpressionScope, NEUTRAL_HOST } from '../../src/workflow/expressions.js';

const scope = new ExpressionScope({ env: { A: 'x' }, github: { ref: 'refs/heads/main' } }, NEUTRAL_HOST);

test('every escaped quote of a string literal is unescaped', () => {
  assert.equal(scope.evaluate("'it''s ''quoted'''"), "it's 'quoted'");
  assert.equal(scope.evaluate("format('echo ''{0}'' ''b''', env.A)"), "echo 'x' 'b'");
});

test('documented functions and comparisons', () => {
  assert.equal(scope.evaluate("contains(fromJSON('[\"a\",\"b\"]'), 'b')"), true);
  assert.equal(scope.evaluate("startsWith(github.ref, 'refs/heads/')"), true);
  assert.equal(scope.evaluate("format('{0}-{{literal}}', env.A)"), 'x-{literal}');
  assert.equal(scope.evaluate("join(fromJSON('[1,2]'), '+')"), '1+2');
  assert.equal(scope.evaluate("toJSON(fromJSON('{\"a\":1}'))"), '{\n  "a": 1\n}');
  assert.equal(scope.evaluate("'ABC' == 'abc' && 1 == '1'"), true);
  assert.equal(scope.evaluate('env.MISSING || \'fallback\''), 'fallback');
});

test('bad syntax and unknown names are errors, not crashes', () => {
  assert.throws(() => scope.evaluate('github.ref =='), /invalid expression/);
  assert.throws(() => scope.evaluate('nosuch.x'), /invalid expression.*nosuch/);
  assert.throws(() => scope.evaluate("fromJSON('not json')"), /error evaluating/);
});
