/** A benchmark runner: the real protocol client (long-poll, ack, heartbeats, logs, finish) with a job that succeeds at once. */
import { tmpdir } from 'node:os';
import { Runner } from '../src/runner/runner.js';

const [url, token, capacity] = process.argv.slice(2);
const runner = new Runner({
  server: url,
  token,
  name: `bench-${process.pid}`,
  labels: ['ubuntu-latest'],
  capacity: Number(capacity),
  workDir: tmpdir(),
  executor: {
    async execute(_a, observer) {
      observer.log('ok');
      return { conclusion: 'success', outputs: {} };
    },
  },
});
runner.start();
process.on('SIGTERM', () => void runner.stop().then(() => process.exit(0)));
