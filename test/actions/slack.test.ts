/** The built-in Slack action posting to a local HTTP receiver, retrying after a 500, without showing the webhook. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { project } from './helpers.js';

test('slack-github-action posts the payload to SLACK_WEBHOOK_URL, retries after a 500, and a refused message fails the step', async () => {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      bodies.push(`${req.url} ${body}`);
      if (req.url === '/hook/bad') res.writeHead(404).end('no_service');
      else res.writeHead(bodies.length === 1 ? 500 : 200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const p = project({
    '.github/workflows/ci.yml': `on: push
jobs:
  notify:
    runs-on: ubuntu-latest
    steps:
      - uses: slackapi/slack-github-action@v1.24.0
        id: s
        with:
          payload: |
            {"text": "build of \${{ github.sha }}", "blocks": [{"type": "section"}]}
        env:
          SLACK_WEBHOOK_URL: \${{ secrets.SLACK_WEBHOOK_URL }}
      - run: echo "ok=\${{ steps.s.outputs.ok }}"
      - uses: slackapi/slack-github-action@v2
        with:
          webhook: ${base}/bad
          payload: |
            text: yaml payload
`,
  });
  try {
    const r = await p.run('-s', `SLACK_WEBHOOK_URL=${base}/good`);
    assert.equal(r.code, 1, r.stdout);
    assert.deepEqual(bodies.slice(0, 2).map((b) => b.split(' ')[0]), ['/hook/good', '/hook/good']);
    const sent = JSON.parse(bodies[1].slice(bodies[1].indexOf(' ') + 1));
    assert.equal(sent.text, `build of ${p.sha}`);
    assert.deepEqual(sent.blocks, [{ type: 'section' }]);
    assert.match(r.stdout, /Slack attempt 1: HTTP 500/);
    assert.match(r.stdout, /Slack attempt 2: HTTP 200/);
    assert.match(r.stdout, /ok=true/);
    assert.equal(bodies.length, 3, 'a 404 is not retried');
    assert.deepEqual(JSON.parse(bodies[2].slice(bodies[2].indexOf(' ') + 1)), { text: 'yaml payload' });
    assert.match(r.stdout, /The Slack webhook did not accept the message after 1 attempt\(s\) \(last: 404\)/);
    assert.doesNotMatch(r.stdout, /\/hook\/good/);
  } finally {
    p.cleanup();
    server.close();
  }
});
