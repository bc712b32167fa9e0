/** The log view's model: GitHub's markers, groups, numbering, search and ANSI colours. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnsi, stripAnsi } from '../../src/web/lib/ansi.js';
import { LogModel } from '../../src/web/lib/log-model.js';
import { layoutGraph } from '../../src/web/lib/graph-layout.js';

test('groups collapse, markers classify lines, numbering skips the group end', () => {
  const m = new LogModel();
  m.append('##[command]npm test\n##[group]Install\nadded 3 packages\n##[endgroup]\n');
  m.append('::error file=src/a.ts,line=3::broken\n##[warning]careful\nplain\n');
  assert.deepEqual(m.lines.map((l) => [l.n, l.kind, l.text, l.group]), [
    [1, 'command', 'npm test', -1],
    [2, 'group', 'Install', -1],
    [3, 'line', 'added 3 packages', 1],
    [4, 'error', 'broken', -1],
    [5, 'warning', 'careful', -1],
    [6, 'line', 'plain', -1],
  ]);
  assert.deepEqual(m.lines[3].props, { file: 'src/a.ts', line: '3' });
  assert.deepEqual(m.visible(new Set()), [0, 1, 3, 4, 5]);
  assert.deepEqual(m.visible(new Set([1])), [0, 1, 2, 3, 4, 5]);
});

test('an annotation reads as written, its properties unescaped; printed output starting with Error: is only output', () => {
  const m = new LogModel();
  m.append('::error file=src/a%2Cb.ts,line=3,title=T%3A 1::coverage 50% too low\nError: the program said so\n##[error]Process completed with exit code 1.\n');
  assert.deepEqual(m.lines.map((l) => [l.kind, l.text]), [
    ['error', 'coverage 50% too low'],
    ['line', 'Error: the program said so'],
    ['error', 'Process completed with exit code 1.'],
  ]);
  assert.deepEqual(m.lines[0].props, { file: 'src/a,b.ts', line: '3', title: 'T: 1' });
});

test('search is case-insensitive and ignores colour codes', () => {
  const m = new LogModel();
  m.append('\x1b[31mFAILED\x1b[0m test one\nok two\nfailed three\n');
  assert.deepEqual(m.search('failed'), [0, 2]);
  assert.deepEqual(m.search('d test'), [0]);
  assert.deepEqual(m.search(''), []);
});

test('ANSI SGR becomes classes and colours; other escapes vanish', () => {
  assert.deepEqual(parseAnsi('\x1b[1;32mok\x1b[0m done\x1b[K'), [
    { text: 'ok', className: 'ansi-fg-2 ansi-bold' },
    { text: ' done', className: '' },
  ]);
  assert.deepEqual(parseAnsi('\x1b[38;2;255;0;10mrgb\x1b[39;48;5;196m bg'), [
    { text: 'rgb', className: '', color: 'rgb(255,0,10)' },
    { text: ' bg', className: '', background: 'rgb(255,0,0)' },
  ]);
  assert.equal(stripAnsi('\x1b[90mgrey\x1b[0m'), 'grey');
});

test('the job graph puts each job one stage after what it needs and groups matrix instances', () => {
  const job = (id: number, key: string, jobId: string, needs: string[] = []) => ({ id, key, jobId, name: key, needs });
  const { boxes, edges } = layoutGraph([job(1, 'lint', 'lint'), job(2, 'test (a)', 'test', ['lint']), job(3, 'test (b)', 'test', ['lint']), job(4, 'deploy', 'deploy', ['test', 'lint'])]);
  assert.deepEqual(boxes.map((b) => [b.jobId, b.stage, b.jobs.length, b.matrix]), [['lint', 0, 1, false], ['test', 1, 2, true], ['deploy', 2, 1, false]]);
  assert.deepEqual(edges.map((e) => `${e.from}->${e.to}`).sort(), ['lint->deploy', 'lint->test', 'test->deploy']);
  assert.ok(boxes[1].x > boxes[0].x && boxes[2].x > boxes[1].x);
});
