import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { FAST, QUICK, openSupervisor, releaseRequest } from '../deploy/helpers.js';
import { Notifier } from '../../src/alerts/notifier.js';
import { tempDir } from '../helpers/cli.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver; `answers` are the status codes to give, in order (then 200). */
async function receiver(answers: number[] = []) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ path: req.url!, headers: req.headers, body });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'rollup_error');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, received, close: () => new Promise((r) => server.close(r)) };
}

const FAST_RETRY = { attempts: 3, baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 2000 };

test('a release posts Slack Block Kit messages like the spec, and a 500 is retried', async () => {
  const slack = await receiver([500]);
  const { supervisor, dataDir, cleanup } = await openSupervisor();
  try {
    const outcome = await supervisor.releases.deploy(
      releaseRequest(dataDir, {
        commit: 'abc123def456',
        ref: 'refs/heads/main',
        actor: 'alice',
        url: 'https://staging.nexus.example',
        analysis: { ...FAST, durationMs: 100, rollbackWindowMs: 0 },
        notifications: [{ kind: 'slack', url: `${slack.base}/services/T000/B000/SECRETPART`, events: ['deploy_started', 'deploy_succeeded'] }],
      }),
    );
    assert.equal(outcome.conclusion, 'success');
    await supervisor.notifier.settled();
    const deadline = Date.now() + 5000;
    while (slack.received.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(slack.received.length, 3, 'started (500 then retried) + succeeded');
    const bodies = slack.received.map((r) => JSON.parse(r.body));
    assert.deepEqual(bodies[0], bodies[1], 'the retry resends the same message');
    const done = bodies.find((b) => b.text.includes('DEPLOYMENT COMPLETE'));
    assert.equal(done.text, '🚀 STAGING DEPLOYMENT COMPLETE: web revision 1 (abc123def456)');
    assert.equal(done.blocks[0].type, 'section');
    assert.equal(done.blocks[0].text.type, 'mrkdwn');
    assert.equal(
      done.blocks[0].text.text,
      '*Staging Deployment Complete* :rocket:\n\nService: `web` (revision 1)\nCommit: `abc123def456`\nBranch: `main`\nDeployed by: alice\n\n<https://staging.nexus.example|View Staging>',
    );
    assert.match(done.blocks[1].text.text, /^\*Details\*\n• analysis inconclusive/);
    assert.equal(done.blocks.at(-1).type, 'context');
    const dir = join(dataDir, 'alerts', 'deliveries');
    const stored = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    assert.equal(stored.length, 2);
    const started = stored.map((s) => JSON.parse(s)).find((d) => d.event === 'deploy_started');
    assert.deepEqual(started.attempts.map((a: { status: number }) => a.status), [500, 200]);
    assert.equal(started.delivered, true);
    assert.ok(stored.every((s) => !s.includes('SECRETPART')), 'the webhook URL (a secret) is not stored');
  } finally {
    await cleanup();
    await slack.close();
  }
});

test('an automatic rollback is announced with its rule and figures', async () => {
  const slack = await receiver();
  const { supervisor, dataDir, cleanup } = await openSupervisor();
  try {
    await supervisor.releases.deploy(releaseRequest(dataDir, { analysis: QUICK }));
    const notifications = [{ kind: 'slack' as const, url: `${slack.base}/hook`, events: ['deploy_rolled_back' as const] }];
    await supervisor.releases.deploy(releaseRequest(dataDir, { analysis: { ...FAST, durationMs: 300, noTraffic: 'fail' }, notifications }));
    await supervisor.notifier.settled();
    assert.equal(slack.received.length, 1);
    const msg = JSON.parse(slack.received[0].body);
    assert.match(msg.text, /^🔄 STAGING DEPLOYMENT ROLLED BACK: web revision 2/);
    assert.match(msg.blocks[0].text.text, /^\*Staging Deployment Rolled Back\* :rewind:/);
    assert.match(msg.blocks[1].text.text, /^\*Why\*\n• Rule: `no-traffic`\n• Traffic restored to revision 1\n• the window never held/);
    assert.match(msg.blocks[1].text.text, /Requests: 0 · errors: 0/);
  } finally {
    await cleanup();
    await slack.close();
  }
});

test('generic webhooks are signed with HMAC-SHA256; a 4xx is final', async () => {
  const hook = await receiver([400]);
  const { dir, cleanup } = tempDir();
  try {
    const notifier = new Notifier(dir, FAST_RETRY);
    const event = { kind: 'deploy_failed' as const, at: new Date().toISOString(), environment: 'production', service: 'api', deployment: 7, reason: 'smoke test failed' };
    notifier.notify([{ kind: 'webhook', url: `${hook.base}/a`, signingKey: 'k3y', events: ['deploy_failed'] }], event);
    const [rejected] = await notifier.settled();
    assert.equal(rejected.delivered, false);
    assert.equal(rejected.attempts.length, 1, '400 is not retried');
    notifier.notify([{ kind: 'webhook', url: `${hook.base}/b`, signingKey: 'k3y', events: ['deploy_failed'] }], event);
    const [ok] = await notifier.settled();
    assert.equal(ok.delivered, true);
    const got = hook.received[1];
    assert.equal(got.headers['x-nexus-event'], 'deploy_failed');
    assert.equal(got.headers['x-nexus-signature-256'], `sha256=${createHmac('sha256', 'k3y').update(got.body).digest('hex')}`);
    assert.equal(JSON.parse(got.body).deployment, 7);
    notifier.notify([{ kind: 'webhook', url: `${hook.base}/c`, events: ['deploy_succeeded'] }], event);
    assert.deepEqual(await notifier.settled(), [], 'targets only hear the events they listen to');
  } finally {
    cleanup();
    await hook.close();
  }
});

test('429 and unreachable receivers are retried until attempts run out', async () => {
  const hook = await receiver([429, 429, 429]);
  const { dir, cleanup } = tempDir();
  try {
    const notifier = new Notifier(dir, FAST_RETRY);
    const event = { kind: 'deploy_started' as const, at: new Date().toISOString(), environment: 'staging' };
    notifier.notify([{ kind: 'slack', url: `${hook.base}/x`, events: ['deploy_started'] }, { kind: 'slack', url: 'http://127.0.0.1:1/none', events: ['deploy_started'] }], event);
    const records = await notifier.settled();
    for (const r of records) {
      assert.equal(r.delivered, false);
      assert.equal(r.attempts.length, 3);
    }
    assert.deepEqual(records.find((r) => r.target.endsWith(':1'))?.attempts.map((a) => a.status), [undefined, undefined, undefined]);
  } finally {
    cleanup();
    await hook.close();
  }
});
