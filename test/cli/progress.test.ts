/** The live footer of `nexus run` on a terminal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Masker } from '../../src/engine/masker.js';
import { Progress } from '../../src/cli/progress.js';

function terminal(columns: number): { out: Writable & { isTTY: boolean; columns: number }; text: () => string } {
  let written = '';
  const out = Object.assign(new Writable({ write: (chunk, _enc, done) => ((written += String(chunk)), done()) }), { isTTY: true, columns });
  return { out, text: () => written };
}

test('the footer shows each running job and its step, cut to the terminal width; a terminal that reports 0 columns still gets it', () => {
  for (const [columns, expected] of [[0, /^● build \S+ Set up job$/m], [12, /^● build \S+$/m]] as const) {
    const { out, text } = terminal(columns);
    const progress = new Progress({ out, masker: new Masker(), color: false, live: true });
    try {
      progress.jobStarted('build', 'build');
      assert.match(text(), expected, `${columns} columns: ${JSON.stringify(text())}`);
    } finally {
      progress.stop();
    }
  }
});
