/**
 * The acceptance run of the reference monorepo (issue 7): the spec's whole pipeline through `nexus run` on this
 * machine, push to main with production approved up front, then the scheduled security scan. Slow by nature
 * (several npm ci, builds, two deploys, Chromium): minutes, not seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeployDaemonClient } from '../../src/deploy/index.js';
import { repoRoot, runNexus, tempDir } from '../helpers/cli.js';

interface JobReport {
  key: string;
  conclusion: string;
  outputs: Record<string, string>;
  steps: { name: string; conclusion: string }[];
}

const MINUTES = 60_000;
const SERVICES = ['bmad', 'execution', 'frontend', 'orchestration', 'voice'];

interface Deployment {
  id: number;
  service: string;
  revision: number;
  runId?: string;
  creator: string;
  approver?: string;
  statuses: { state: string; at: string; reason: string }[];
  analysis?: { previousRevision?: number; startedAt: string; endsAt: string; settings: { durationMs: number; rollbackWindowMs: number } };
}

/**
 * Revision 1 of every production service, released with `nexus deploy` and approved by the release manager from
 * another process, so that the pipeline's production deploy is a real blue/green switch. This first release
 * answers its health check and nothing else: a smoke test that passes ran against the new revision.
 */
async function firstProductionRelease(project: string, data: string, stub: string): Promise<Map<string, string>> {
  writeFileSync(stub, "require('node:http').createServer((q, s) => { s.statusCode = q.url === '/health' ? 200 : 503; s.end('first release'); }).listen(Number(process.env.PORT), '127.0.0.1');\n");
  const quick = ['--analysis-duration', '1s', '--rollback-window', '0s', '--no-traffic', 'pass'];
  const releases = SERVICES.map((service) => runNexus(['deploy', service, '--env', 'production', '--command', `exec node ${stub}`, '--as', 'release-bot', '--data', data, ...quick], { cwd: project }));
  const approvals = join(data, 'approvals');
  const approved = new Set<string>();
  for (let i = 0; i < 1200 && approved.size < SERVICES.length; i++) {
    for (const file of existsSync(approvals) ? readdirSync(approvals) : []) {
      const request = JSON.parse(readFileSync(join(approvals, file), 'utf8')) as { run: string };
      if (approved.has(request.run)) continue;
      const review = await runNexus(['approve', request.run, '--env', 'production', '--as', 'engineering-lead', '--data', data], { cwd: project });
      assert.equal(review.code, 0, review.stderr);
      approved.add(request.run);
    }
    await sleep(50);
  }
  const urls = new Map<string, string>();
  for (const [i, r] of (await Promise.all(releases)).entries()) {
    assert.equal(r.code, 0, r.stdout + r.stderr);
    urls.set(SERVICES[i], /serves revision 1 at (http:\/\/127\.0\.0\.1:\d+)/.exec(r.stdout)![1]);
  }
  return urls;
}

/** A Slack incoming-webhook stand-in that keeps every payload it is sent. */
async function slackReceiver() {
  const payloads: { text: string; blocks: { text: { text: string } }[] }[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    payloads.push(JSON.parse(body));
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, payloads, close: () => server.close() };
}

test('the Nexus pipeline runs all seven stages green, then the security scan reports what it can reach', { timeout: 40 * MINUTES }, async (t) => {
  const work = tempDir('nexus-example-');
  const project = join(work.dir, 'nexus');
  const data = join(work.dir, 'data');
  const slack = await slackReceiver();
  t.after(async () => {
    await (await DeployDaemonClient.find(data))?.shutdown(true);
    slack.close();
    work.cleanup();
  });
  execFileSync('bash', [join(repoRoot, 'examples/nexus/scripts/as-repository.sh'), project], { stdio: 'ignore' });
  const firstUrls = await firstProductionRelease(project, data, join(work.dir, 'first-release.cjs'));
  assert.equal((await fetch(`${firstUrls.get('orchestration')}/api/status`)).status, 503, 'revision 1 serves production before the pipeline');

  const run = await runNexus(
    ['run', 'push', '--approve', 'production', '--as', 'engineering-lead', '--data', data, '--json', join(work.dir, 'ci.json'), '-s', `SLACK_WEBHOOK_URL=${slack.url}`],
    { cwd: project, timeoutMs: 35 * MINUTES },
  );
  assert.equal(run.code, 0, run.stdout.slice(-6000) + run.stderr);
  const report = JSON.parse(readFileSync(join(work.dir, 'ci.json'), 'utf8')) as { conclusion: string; jobs: JobReport[] };
  assert.equal(report.conclusion, 'success');
  assert.equal(report.jobs.length, 14);
  for (const job of report.jobs) assert.equal(job.conclusion, 'success', job.key);

  // Stage 4 ran on the bundles, E2E ran against staging, production went blue/green with a smoke test per service.
  assert.match(run.stdout, /\[deploy-staging\]\s+✔ when execution goes down, orchestration says so/);
  const stagingUrl = report.jobs.find((j) => j.key === 'deploy-staging')!.outputs.url;
  assert.match(stagingUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  const e2e = report.jobs.find((j) => j.key === 'e2e-tests')!;
  assert.equal(e2e.steps.find((s) => s.name === 'Run Playwright E2E tests')?.conclusion, 'success');
  assert.equal(run.stdout.match(/\[deploy-production\]\s+smoke test passed/g)?.length, 5);
  // Each production release started beside revision 1 and switched from it: revision 1 answers nothing but /health,
  // so the smoke tests that passed ran against revision 2.
  const switched = [...run.stdout.matchAll(/\[deploy-production\]\s+deployment #\d+: (\w+) revision 2 to 'production' \(http:\/\/127\.0\.0\.1:\d+, live: revision 1\)/g)].map((m) => m[1]);
  assert.deepEqual(switched.sort(), SERVICES);
  assert.equal(run.stdout.match(/\[deploy-production\]\s+traffic switched to revision 2; analysing until \S+ \(revision 1 stays warm until then\)/g)?.length, 5);

  // Slack heard both deployments, and the production link serves the page with its whole back end behind it.
  assert.deepEqual(slack.payloads.map((p) => p.text), [
    `✅ Staging deployment complete: ${execFileSync('git', ['rev-parse', 'HEAD'], { cwd: project, encoding: 'utf8' }).trim()}`,
    '🚀 PRODUCTION DEPLOYMENT COMPLETE',
  ]);
  assert.ok(slack.payloads[0].blocks[0].text.text.includes(`<${stagingUrl}|View Staging>`));
  const productionUrl = /<(http:\/\/127\.0\.0\.1:\d+)\|View Production>/.exec(slack.payloads[1].blocks[0].text.text)![1];
  assert.notEqual(productionUrl, stagingUrl);
  assert.equal(productionUrl, firstUrls.get('frontend'), 'the stable URL of production stayed the same across the switch');
  assert.match(await (await fetch(productionUrl)).text(), /id="root"/);
  assert.deepEqual(await (await fetch(`${productionUrl}/api/status`)).json(), { bmad: 'ok', execution: 'ok' });

  // The release is recorded, and the deployment records name every production service.
  const release = JSON.parse(readFileSync(join(data, 'releases', 'v1.json'), 'utf8'));
  assert.equal(release.name, 'Release v1');
  const deployments = await runNexus(['deployments', '--env', 'production', '--json', '--data', data], { cwd: project });
  assert.equal(deployments.code, 0, deployments.stderr);
  const records = JSON.parse(deployments.stdout) as Deployment[];
  const released = records.filter((d) => d.runId);
  assert.deepEqual(released.map((d) => d.service).sort(), SERVICES);
  for (const d of released) {
    assert.equal(d.revision, 2, d.service);
    assert.equal(d.analysis?.previousRevision, 1, `${d.service}: a blue/green switch from the first release`);
    assert.equal(d.approver, 'engineering-lead', `${d.service}: approved by the release manager who ran --approve, and recorded so`);
    assert.notEqual(d.creator, d.approver, `${d.service}: production prevents self-review, so whoever pushed did not approve`);
  }
  assert.deepEqual(records.filter((d) => !d.runId).map((d) => [d.service, d.revision, d.creator, d.approver]).sort(), SERVICES.map((s) => [s, 1, 'release-bot', 'engineering-lead']));

  // Orchestration's release waited out its analysis (20 s) and the rollback window (30 s), then retired revision 1;
  // the others returned at the switch and keep revision 1 warm through their own window.
  const orchestration = released.find((d) => d.service === 'orchestration')!;
  const a = orchestration.analysis!;
  assert.equal(Date.parse(a.endsAt) - Date.parse(a.startedAt), a.settings.durationMs + a.settings.rollbackWindowMs);
  assert.equal(a.settings.rollbackWindowMs, 30_000);
  const done = orchestration.statuses.at(-1)!;
  assert.equal(done.state, 'success');
  assert.match(done.reason, /revision 1 stopped$/);
  assert.ok(Date.parse(done.at) >= Date.parse(a.endsAt), 'revision 1 was stopped only after the rollback window');
  const live = JSON.parse((await runNexus(['deployments', '--live', '--env', 'production', '--json', '--data', data], { cwd: project })).stdout) as { service: string; revisions: { revision: number; state: string }[] }[];
  for (const s of live) {
    assert.deepEqual(s.revisions.map((r) => [r.revision, r.state]), [[2, 'live'], [1, s.service === 'orchestration' ? 'stopped' : 'ready']], s.service);
  }

  // The weekly scan: the secret scans run and upload SARIF; npm audit's refusal is reported as a step failure.
  const scan = await runNexus(
    ['run', 'schedule', '-W', '.github/workflows/security-scan.yml', '--data', data, '--json', join(work.dir, 'scan.json')],
    { cwd: project, timeoutMs: 15 * MINUTES },
  );
  assert.doesNotMatch(scan.stderr, /\n\s+at /, 'no stack trace');
  const scanJobs = (JSON.parse(readFileSync(join(work.dir, 'scan.json'), 'utf8')) as { jobs: JobReport[] }).jobs;
  const conclusion = (key: string) => scanJobs.find((j) => j.key === key)?.conclusion;
  assert.equal(conclusion('sast-scan'), 'success');
  assert.equal(conclusion('docker-scan'), 'success');
  const audit = scanJobs.find((j) => j.key === 'dependency-audit')!;
  if (audit.conclusion !== 'success') {
    assert.match(scan.stdout, /\[dependency-audit\]\s+npm (error|ERR!) audit/, 'npm says why the audit could not run');
  }
  const runs = readdirSync(join(data, 'artifacts'));
  const sarif = runs.flatMap((r) => readdirSync(join(data, 'artifacts', r))).filter((a) => a.startsWith('sarif-'));
  assert.deepEqual(sarif.sort(), ['sarif-docker-scan-__github_codeql-action', 'sarif-sast-scan-__github_codeql-action']);
});
