#!/usr/bin/env node
// A stand-in for a Slack incoming webhook on 127.0.0.1: prints the text of every message it receives.
// Prints its URL on the first line, then one line per message. Stops on SIGTERM.
import { createServer } from 'node:http';

const server = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  let text = body;
  try {
    const message = JSON.parse(body);
    text = [message.text, ...(message.blocks ?? []).map((b) => b.text?.text).filter(Boolean)].join('\n    ');
  } catch {
    // Not JSON: shown as it came.
  }
  process.stdout.write(`slack ← ${text}\n`);
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}/hook\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
