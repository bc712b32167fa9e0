/** The built-in Slack action posting to a local HTTP receiver, retrying after a 500, without showing the webhook. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { project, receiver } from './helpers.js';

test('slack-github-action posts the payload to SLACK_WEBHOOK_URL, retries after a 500, and a refused message fails the step', async () => {
  const server = await receiver((path, count) => (path === '/hook/bad' ? 404 : count === 1 ? 500 : 200));
  const bodies = server.requests;
  const base = `${server.base}/hook`;
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
