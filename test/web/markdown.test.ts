/** Step summaries are job output: the Markdown reader must never turn any of it into markup or script. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInline, parseMarkdown, safeHref } from '../../src/web/lib/markdown.js';

test('HTML and script in a summary stay text', () => {
  const blocks = parseMarkdown('## Results <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n| a | b |\n|---|---|\n| <b>x</b> | 2 |');
  assert.deepEqual(blocks[0], { t: 'h', level: 2, c: [{ t: 'text', v: 'Results <script>alert(1)</script>' }] });
  assert.deepEqual(blocks[1], { t: 'p', c: [{ t: 'text', v: '<img src=x onerror=alert(1)>' }] });
  assert.equal(blocks[2].t, 'table');
  assert.deepEqual(blocks[2].t === 'table' && blocks[2].rows[0][0], [{ t: 'text', v: '<b>x</b>' }]);
});

test('only http(s), mailto and relative links become links', () => {
  assert.deepEqual(parseInline('[ok](https://example.com/x)'), [{ t: 'link', href: 'https://example.com/x', c: [{ t: 'text', v: 'ok' }] }]);
  assert.deepEqual(parseInline('[bad](javascript:alert(1))'), [{ t: 'text', v: 'bad' }, { t: 'text', v: ')' }]);
  assert.equal(safeHref('data:text/html,<script>'), undefined);
  assert.equal(safeHref('//evil.example/x'), undefined);
  assert.equal(safeHref(' JAVASCRIPT:alert(1)'), undefined);
  assert.equal(safeHref('/p/x/runs/1'), '/p/x/runs/1');
});

test('GitHub-flavoured basics: emphasis, code, lists, fences, quotes', () => {
  assert.deepEqual(parseInline('**bold** and *it* and `a*b*c` and ~~gone~~'), [
    { t: 'strong', c: [{ t: 'text', v: 'bold' }] },
    { t: 'text', v: ' and ' },
    { t: 'em', c: [{ t: 'text', v: 'it' }] },
    { t: 'text', v: ' and ' },
    { t: 'code', v: 'a*b*c' },
    { t: 'text', v: ' and ' },
    { t: 'del', c: [{ t: 'text', v: 'gone' }] },
  ]);
  assert.deepEqual(parseInline('snake_case_name stays'), [{ t: 'text', v: 'snake_case_name stays' }]);
  const blocks = parseMarkdown('- one\n- two\n\n1. first\n\n```js\nlet a = "<b>";\n```\n\n> quoted\n\n---');
  assert.deepEqual(blocks.map((b) => b.t), ['list', 'list', 'pre', 'quote', 'hr']);
  assert.deepEqual(blocks[2], { t: 'pre', v: 'let a = "<b>";', lang: 'js' });
  assert.equal(blocks[1].t === 'list' && blocks[1].ordered, true);
});
