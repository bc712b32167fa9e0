/**
 * Entry point of the detached deploy daemon: `node daemon-main.js DATA_DIR`. The client that starts it writes the
 * handover (secret values held in memory only, as JSON) to its stdin and closes it.
 */
import { text } from 'node:stream/consumers';
import { runDaemon } from './daemon.js';
import type { Handover } from './handover.js';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: daemon-main.js DATA_DIR\n');
  process.exit(2);
}
const input = process.stdin.isTTY ? '' : await text(process.stdin);
runDaemon(dataDir, input.trim() ? (JSON.parse(input) as Handover) : undefined).catch((e) => {
  process.stderr.write(`deploy daemon failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
