/** Entry point of the detached deploy daemon: `node daemon-main.js DATA_DIR`. */
import { runDaemon } from './daemon.js';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: daemon-main.js DATA_DIR\n');
  process.exit(2);
}
runDaemon(dataDir).catch((e) => {
  process.stderr.write(`deploy daemon failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
