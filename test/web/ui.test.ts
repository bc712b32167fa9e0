/** The web UI end to end: a real `nexus serve`, real git pushes, Debian's Chromium. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { serviceCommand } from '../deploy/helpers.js';
import { launchBrowser, screenshot, signedInPage, startWebServer, until, type WebServer } from './harness.js';

let server: WebServer;
let browser: Browser;

before(async () => {
  [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const workflow = (jobs: string) => ({ '.github/workflows/ci.yml': `name: CI\non: [push]\njobs:\n${jobs}` });

interface RunJson { run: { id: number; status: string; conclusion: string | null }; jobs: { id: number; key: string; status: string }[] }

async function latestRun(project: string): Promise<RunJson> {
  const id = await until(async () => (await server.api<{ runs: { id: number }[] }>(`/runs?project=${project}`)).runs[0]?.id, `a run of ${project}`);
  return server.api<RunJson>(`/runs/${id}`);
}

/** Marks the page so a reload (which would drop the mark) cannot pass unnoticed. */
const mark = (page: Page) => page.evaluate(() => ((window as unknown as { nexusMark: number }).nexusMark = 42));
/** Buttons, links and fields without an accessible name (text, aria-label or a <label>). */
const unlabelled = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('button, a[href], input, select, textarea')]
      .filter((e) => {
        const el = e as HTMLInputElement;
        const named = (el.textContent ?? '').trim() || el.getAttribute('aria-label') || el.getAttribute('title') || (el.labels?.length ?? 0) > 0;
        return !named;
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );

const marked = (page: Page) => page.evaluate(() => (window as unknown as { nexusMark?: number }).nexusMark === 42);

test('a push makes a run appear and turn green without a reload', async () => {
  const project = await server.project('green');
  const page = await signedInPage(browser, server.adminToken);
  await page.goto(`${server.url}/p/green`);
  await page.getByText('No runs yet').waitFor();
  await mark(page);
  project.push(workflow('  hello:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hello from the web test\n'));
  await page.locator('tr[data-run]').first().waitFor({ timeout: 30_000 });
  await page.locator('tr[data-run][data-state="success"]').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('tr[data-run]').count(), 1);
  assert.match(await page.locator('tr[data-run]').innerText(), /CI[\s\S]*main[\s\S]*push[\s\S]*dev/);
  assert.ok(await marked(page), 'the page was not reloaded');
  // The commit link opens its checks, named as branch protection reads them.
  await page.locator('tr[data-run] td[data-label="Commit"] a').click();
  await page.getByTestId('checks-summary').filter({ hasText: 'All 1 checks passed' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'hello' }).count(), 1);
  await page.context().close();
});

test('a log is followed live while the job runs', async () => {
  const project = await server.project('live');
  project.push(workflow('  ticker:\n    runs-on: ubuntu-latest\n    steps:\n      - run: for i in $(seq 1 30); do echo "tick $i"; sleep 0.1; done\n'));
  const { run, jobs } = await latestRun('live');
  const page = await signedInPage(browser, server.adminToken);
  await page.goto(`${server.url}/p/live/runs/${run.id}/jobs/${jobs[0].id}`);
  await mark(page);
  await page.locator('.log-line', { hasText: /tick \d+$/ }).first().waitFor({ timeout: 30_000 });
  const firstSeen = await page.locator('.log-line', { hasText: /tick \d+$/ }).last().innerText();
  assert.equal(await page.locator('[data-job="ticker"]').getAttribute('data-state'), 'running', `the job was still running when "${firstSeen}" appeared`);
  await page.locator('.log-line', { hasText: /tick 30$/ }).waitFor({ timeout: 30_000 });
  await page.locator('[data-job="ticker"][data-state="success"]').waitFor({ timeout: 30_000 });
  assert.ok(await marked(page), 'the page was not reloaded');
  await page.context().close();
});

test('a failing job turns red and shows its annotation, linked to its log line', async () => {
  const project = await server.project('red');
  project.push(
    workflow(
      '  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: mkdir out && echo "coverage 93%" > out/report.txt\n' +
        '      - uses: actions/upload-artifact@v4\n        with:\n          name: report\n          path: out/\n' +
        '  check:\n    needs: build\n    strategy:\n      matrix:\n        part: [api, web]\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "checking ${{ matrix.part }}"\n' +
        '  broken:\n    needs: check\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo "::group::Preparing"\n          echo inside the group\n          echo "::endgroup::"\n          printf "\\033[31mred text\\033[0m\\n"\n          echo "::error file=src/app.ts,line=7::Type mismatch in app"\n          echo "::error file=src/cov.ts,line=2::coverage 50% too low"\n          echo "Error: only a line the program printed"\n          exit 1\n',
    ),
  );
  const { run } = await latestRun('red');
  const page = await signedInPage(browser, server.adminToken);
  await page.goto(`${server.url}/p/red/runs/${run.id}`);
  await page
    .locator('[data-job="broken"][data-state="failure"]')
    .waitFor({ timeout: 60_000 })
    .catch(async (e) => assert.fail(`${e}\nthe API says: ${JSON.stringify(await server.api(`/runs/${run.id}`))}`));
  await page.locator('[data-testid="run-state"] [data-state="failure"]').waitFor();
  assert.deepEqual(await page.locator('.graph-edges path').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-edge'))), ['build->check', 'check->broken']);
  assert.equal(await page.locator('[role="group"][aria-label="check (matrix)"] .graph-job').count(), 2);
  const annotation = page.locator('[data-testid="annotations"] li', { hasText: 'Type mismatch in app' });
  await annotation.waitFor({ timeout: 15_000 });
  const listed = await page.locator('[data-testid="annotations"] li').allInnerTexts();
  assert.ok(listed.some((a) => a.includes('coverage 50% too low')), `the message reads as written: ${JSON.stringify(listed)}`);
  assert.ok(!listed.some((a) => a.includes('%25') || a.includes('only a line the program printed')), `no escapes, and printed output is no annotation: ${JSON.stringify(listed)}`);
  await annotation.getByRole('link').click();
  await page.waitForURL(/\/jobs\/\d+#L\d+$/);
  const target = page.locator('.log-line.target');
  await target.waitFor();
  assert.match(await target.innerText(), /Type mismatch in app/);
  assert.equal(await page.locator('.log-line.kind-error').first().evaluate((e) => getComputedStyle(e).color !== ''), true);
  // ANSI red is a colour class, the group starts collapsed and opens on demand.
  assert.equal(await page.locator('.log-line .ansi-fg-1', { hasText: 'red text' }).count(), 1);
  assert.equal(await page.locator('.log-line', { hasText: 'inside the group' }).count(), 0);
  await page.getByRole('button', { name: /Preparing/ }).click();
  await page.locator('.log-line', { hasText: 'inside the group' }).waitFor();
  // The build's artifact is listed and downloads as a zip of its files.
  const artifact = page.locator('[data-artifact="report"]');
  await artifact.waitFor({ timeout: 15_000 });
  assert.match(await artifact.innerText(), /report\s+1 file, 13 B/);
  const [zip] = await Promise.all([page.waitForEvent('download'), artifact.getByRole('button', { name: 'report' }).click()]);
  assert.equal(zip.suggestedFilename(), 'report.zip');
  const unzipped = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.namelist(), z.read("report.txt").decode().strip())', (await zip.path())!], { encoding: 'utf8' });
  assert.equal(unzipped, "['report.txt'] coverage 93%\n");
  await screenshot(page, 'run-page');
  assert.deepEqual(await unlabelled(page), []);
  // Keyboard: the search field takes a query, Enter steps to the next match.
  await page.getByLabel('Search log').focus();
  await page.keyboard.type('group');
  await page.getByTestId('match-count').filter({ hasText: /^1 of 2$/ }).waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('match-count').filter({ hasText: /^2 of 2$/ }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download raw' }).click()]);
  assert.equal(download.suggestedFilename(), 'broken.log');
  const raw = await readFile((await download.path())!, 'utf8');
  assert.match(raw, /##\[group\]Preparing\ninside the group\n##\[endgroup\]/);
  assert.match(raw, /Type mismatch in app/);
  assert.match(raw, /::error file=src\/cov\.ts,line=2::coverage 50% too low\n/, 'the raw log says 50%, not 50%25');
  assert.equal(await page.locator('.log-line', { hasText: 'coverage 50% too low' }).count(), 1);
  const narrow = await signedInPage(browser, server.adminToken, { width: 390, height: 844 });
  await narrow.goto(page.url());
  await narrow.locator('.log-line.target').waitFor();
  assert.ok(await narrow.evaluate(() => document.documentElement.scrollWidth <= 390 + 1), 'no horizontal page scroll at 390 px');
  await screenshot(narrow, 'run-page-390');
  await narrow.context().close();
  await page.getByRole('button', { name: 'Re-run failed jobs' }).click();
  await page.locator('.facts div', { hasText: 'Attempt' }).locator('dd', { hasText: '2' }).waitFor({ timeout: 15_000 });
  const again = await server.api<RunJson>(`/runs/${run.id}`);
  assert.deepEqual(again.jobs.filter((j) => !/result kept/.test(JSON.stringify(j))).map((j) => j.key), ['broken'], 'only the failed job runs again');
  await page.context().close();
});

test('a viewer token cannot cancel: the button is disabled and the API refuses', async () => {
  const project = await server.project('guarded');
  project.push(workflow('  slow:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 30\n'));
  const { run } = await latestRun('guarded');
  const viewer = await server.token('viewer', 'vera');
  const page = await signedInPage(browser, viewer);
  await page.goto(`${server.url}/p/guarded/runs/${run.id}`);
  const cancel = page.getByRole('button', { name: 'Cancel run' });
  await cancel.waitFor();
  assert.equal(await cancel.isDisabled(), true);
  assert.equal(await page.locator('.who').innerText(), 'vera · viewer');
  // The API is the guard: the same call from the page with the viewer's token is refused.
  const status = await page.evaluate(async (id) => (await fetch(`/api/runs/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${sessionStorage.getItem('nexus.token')}` } })).status, run.id);
  assert.equal(status, 403);
  assert.notEqual((await server.api<RunJson>(`/runs/${run.id}`)).run.conclusion, 'cancelled');
  await server.api(`/runs/${run.id}/cancel`, { method: 'POST' });
  await page.locator('[data-testid="run-state"] [data-state="cancelled"]').waitFor({ timeout: 30_000 });
  await page.context().close();
});

test('the UI is served at / with SPA fallback, long-cached hashed assets and a strict CSP', async () => {
  const index = await fetch(`${server.url}/`);
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self';/);
  const html = await index.text();
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(asset, html);
  const js = await fetch(`${server.url}${asset}`);
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
  assert.equal((await fetch(`${server.url}${asset}`, { headers: { 'if-none-match': js.headers.get('etag')! } })).status, 304);
  const deep = await fetch(`${server.url}/p/green/runs/1/jobs/2`);
  assert.equal(await deep.text(), html);
  assert.equal((await fetch(`${server.url}/assets/missing.js`)).status, 404);
  const api = await fetch(`${server.url}/api/no-such-thing`, { headers: { authorization: `Bearer ${server.adminToken}` } });
  assert.equal(api.status, 404);
  assert.match(api.headers.get('content-type') ?? '', /json/);
  assert.equal((await fetch(`${server.url}/assets/..%2f..%2fpackage.json`)).status, 404, 'nothing outside the built UI is served');
  assert.equal((await fetch(`${server.url}/assets/%E0%A4%A.js`)).status, 404, 'a malformed escape is a 404, not a 500');
});

test('the Run workflow form is built from the declared inputs and dispatches with them', async () => {
  const project = await server.project('dispatch');
  project.push({
    '.github/workflows/release.yml':
      'name: Release\non:\n  workflow_dispatch:\n    inputs:\n      level:\n        type: choice\n        options: [patch, minor, major]\n        description: Version bump\n' +
      '      dry:\n        type: boolean\n        description: Dry run\n      note:\n        required: true\n        description: Release note\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ inputs.level }} ${{ inputs.dry }} ${{ inputs.note }}"\n',
  });
  const viewer = await signedInPage(browser, await server.token('viewer'));
  await viewer.goto(`${server.url}/p/dispatch/workflows`);
  await viewer.getByRole('button', { name: 'Run workflow' }).click();
  assert.equal(await viewer.getByRole('form', { name: 'Run Release' }).getByRole('button', { name: 'Run workflow' }).isDisabled(), true);
  await viewer.context().close();
  const page = await signedInPage(browser, await server.token('developer', 'devon'));
  await page.goto(`${server.url}/p/dispatch/workflows`);
  await page.getByRole('button', { name: 'Run workflow' }).click();
  const form = page.getByRole('form', { name: 'Run Release' });
  assert.deepEqual(await form.getByLabel('Version bump').locator('option').allInnerTexts(), ['patch', 'minor', 'major']);
  await form.getByLabel('Version bump').selectOption('minor');
  await form.getByLabel('Dry run').check();
  await form.getByLabel('Release note').fill('from the browser');
  assert.deepEqual(await unlabelled(page), []);
  await form.getByRole('button', { name: 'Run workflow' }).click();
  await page.waitForURL(/\/p\/dispatch\/runs\/\d+/);
  const id = Number(/runs\/(\d+)/.exec(page.url())![1]);
  const { run } = await server.api<{ run: { event: string; actor: string; inputs: Record<string, unknown> } }>(`/runs/${id}`);
  assert.equal(run.event, 'workflow_dispatch');
  assert.equal(run.actor, 'devon');
  assert.deepEqual(run.inputs, { level: 'minor', dry: true, note: 'from the browser' });
  await page.locator('.log-line.kind-line', { hasText: 'minor true from the browser' }).waitFor({ timeout: 60_000 });
  await page.context().close();
});

test('the workflows page lists the shared cache; a viewer cannot delete an entry, a developer can', async () => {
  const project = await server.project('cached');
  project.push(
    workflow('  deps:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/cache@v4\n        with:\n          path: deps\n          key: deps-${{ github.ref_name }}\n      - run: mkdir -p deps && echo hi > deps/x\n'),
  );
  await until(async () => (await server.api<{ caches: unknown[] }>('/projects/cached/caches')).caches.length, 'the cache entry to be saved', 60_000);
  const viewer = await signedInPage(browser, await server.token('viewer'));
  await viewer.goto(`${server.url}/p/cached/workflows`);
  const row = viewer.locator('[data-testid="caches"] tr[data-cache="deps-main"]');
  await row.waitFor();
  assert.match(await row.innerText(), /deps-main\s+main\s+\d+(\.\d)? (B|KB)/);
  assert.equal(await row.getByRole('button', { name: 'Delete cache deps-main' }).isDisabled(), true);
  await viewer.context().close();
  const page = await signedInPage(browser, await server.token('developer'));
  await page.goto(`${server.url}/p/cached/workflows`);
  await page.getByRole('button', { name: 'Delete cache deps-main' }).click();
  await page.getByText('No cache entries yet').waitFor();
  assert.deepEqual((await server.api<{ caches: unknown[] }>('/projects/cached/caches')).caches, []);
  await page.context().close();
});

test('the cost page charts minutes per month and per workflow from recorded jobs', async () => {
  const page = await signedInPage(browser, server.adminToken);
  await page.goto(`${server.url}/cost`);
  await page.locator('[data-testid="cost-table"] tbody tr').first().waitFor();
  const month = new Date().toISOString().slice(0, 7);
  assert.ok(await page.locator(`[data-bar="${month}"] rect`).count(), 'a bar for this month');
  const workflows = await page.locator('svg[aria-label^="Minutes per workflow"] [data-bar]').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-bar')));
  // Every project here names its workflow CI: each project's is its own bar, not one merged bar.
  const ci = workflows.filter((w) => w?.endsWith(': CI'));
  assert.ok(ci.length >= 2 && new Set(ci).size === ci.length, workflows.join(','));
  const table = await page.locator('[data-testid="cost-table"]').innerText();
  assert.match(table, /\w+: CI \/ hello\s+\d+s\s+1 min/, 'a job of seconds shows its seconds beside the billed minute');
  await page.context().close();
});

test('the deployments page lists environments with their protection rules from the default branch, the history of releases and what is live', async () => {
  const project = await server.project('envs');
  project.push({
    ...workflow(
      '  release:\n    runs-on: ubuntu-latest\n    environment: staging\n    steps:\n      - uses: nexus/deploy@v1\n        with:\n          service: web\n' +
        `          command: ${JSON.stringify(serviceCommand())}\n          health-check: /health\n          analysis-duration: 200ms\n          rollback-window: 0s\n          probe-interval: 100ms\n`,
    ),
    '.nexus/environments.yml':
      'teams:\n  release-managers: [lead]\nenvironments:\n  staging:\n    url: http://127.0.0.1:9/staging\n    deployment-branches: { branches: [main] }\n' +
      '  production:\n    reviewers: [team:release-managers]\n    prevent-self-review: true\n    wait-timer: 5m\n',
  });
  const page = await signedInPage(browser, server.adminToken);
  await page.goto(`${server.url}/p/envs/deployments`);
  const production = page.locator('[data-env="production"]');
  await production.waitFor();
  assert.match(await production.innerText(), /Required reviewers: any one of team release-managers \(lead\)[\s\S]*may not approve[\s\S]*Wait timer: 5m/);
  assert.match(await page.locator('[data-env="staging"]').innerText(), /Only these refs deploy: main/);
  // The release the runner made is reported to the server: the history row, then what is live in staging.
  const row = page.locator('table[data-testid="deployments"] tr[data-state="success"]');
  await row.waitFor({ timeout: 60_000 });
  assert.match(await row.innerText(), /staging\s+web r1\s+[0-9a-f]{7}/);
  const live = page.locator('[data-env="staging"] li[data-service="web"]');
  await live.waitFor({ timeout: 10_000 });
  assert.match(await live.innerText(), /Live: web r1 [0-9a-f]{7} http:\/\/127\.0\.0\.1:9\/staging/);
  await screenshot(page, 'deployments-page');
  assert.deepEqual(await unlabelled(page), []);
  await page.context().close();
  // The dark theme follows the system setting.
  const dark = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  await dark.addInitScript((t) => sessionStorage.setItem('nexus.token', t), server.adminToken);
  const night = await dark.newPage();
  await night.goto(`${server.url}/p/envs/deployments`);
  await night.locator('[data-env="production"]').waitFor();
  const [bg, fg] = await night.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
  assert.deepEqual([bg, fg], ['rgb(13, 17, 23)', 'rgb(230, 237, 243)']);
  await screenshot(night, 'deployments-page-dark');
  await dark.close();
});

test('a step summary with <script> and an onerror image renders as text: nothing runs, no element is made', async () => {
  const project = await server.project('summary');
  project.push(
    workflow(
      '  report:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n' +
        '          echo "## Test report" >> "$GITHUB_STEP_SUMMARY"\n' +
        `          echo '<script>window.nexusInjected = 1; alert(1)</script>' >> "$GITHUB_STEP_SUMMARY"\n` +
        `          echo '<img src=x onerror="window.nexusInjected = 2; alert(2)">' >> "$GITHUB_STEP_SUMMARY"\n`,
    ),
  );
  const { run, jobs } = await latestRun('summary');
  const job = await until(async () => {
    const j = await server.api<{ job: { status: string }; summary: string | null }>(`/jobs/${jobs[0].id}`);
    return j.job.status === 'completed' ? j : null;
  }, 'the report job to finish', 60_000);
  assert.match(job.summary ?? '', /<script>window\.nexusInjected = 1; alert\(1\)<\/script>/, 'the API returns the summary as the step wrote it');
  const page = await signedInPage(browser, server.adminToken);
  const dialogs: string[] = [];
  page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
  await page.goto(`${server.url}/p/summary/runs/${run.id}/jobs/${jobs[0].id}`);
  const summary = page.getByTestId('summary');
  await summary.getByRole('heading', { name: 'Test report' }).waitFor({ timeout: 30_000 });
  const text = await summary.innerText();
  assert.ok(text.includes('<script>window.nexusInjected = 1; alert(1)</script>'), `the script tag shows as text: ${text}`);
  assert.ok(text.includes('<img src=x onerror="window.nexusInjected = 2; alert(2)">'), `the img tag shows as text: ${text}`);
  assert.equal(await summary.locator('script, img, iframe, object, embed').count(), 0);
  assert.equal(await page.locator('[onerror]').count(), 0);
  await page.waitForTimeout(200); // an injected image would fire its onerror on the next ticks
  assert.equal(await page.evaluate(() => (window as unknown as { nexusInjected?: number }).nexusInjected), undefined);
  assert.deepEqual(dialogs, []);
  await page.context().close();
});

test('a pending production deployment waits for approval, is approved from the page and runs; viewers and non-reviewers are refused; a rejection fails it', async () => {
  const project = await server.project('gated');
  const files = {
    '.nexus/environments.yml': 'environments:\n  production:\n    reviewers: [alice]\n    prevent-self-review: true\n',
    ...workflow('  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo built\n  deploy:\n    needs: build\n    environment: production\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo deployed\n'),
  };
  project.push(files);
  const { run } = await latestRun('gated');
  const waitingJob = async (runId: number) =>
    until(async () => (await server.api<{ jobs: { id: number; key: string; status: string; waitingReason: string | null }[] }>(`/runs/${runId}`)).jobs.find((j) => j.key === 'deploy' && j.status === 'waiting'), 'the deploy job to wait', 60_000);
  const deploy = await waitingJob(run.id);
  assert.equal(deploy.waitingReason, 'waiting for approval');
  const [viewer, bob, alice] = await Promise.all([server.token('viewer', 'vera'), server.token('developer', 'bob'), server.token('developer', 'alice')]);

  // A viewer sees the request with its buttons disabled, and the API refuses the same call.
  const viewing = await signedInPage(browser, viewer);
  await viewing.goto(`${server.url}/p/gated/deployments`);
  const card = viewing.locator('[data-approval="production"]');
  await card.waitFor({ timeout: 15_000 });
  assert.equal(await card.getByRole('button', { name: 'Approve and deploy' }).isDisabled(), true);
  const { approvals } = await server.api<{ approvals: { id: number; canApprove: boolean; why?: string; reviewers: string[] }[] }>('/projects/gated/approvals', { token: viewer });
  assert.equal(approvals.length, 1);
  assert.deepEqual([approvals[0].canApprove, approvals[0].reviewers], [false, ['alice']]);
  const post = (token: string, id: number, body: unknown) =>
    fetch(`${server.url}/api/approvals/${id}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await post(viewer, approvals[0].id, { decision: 'approved' })).status, 403);
  await viewing.context().close();

  // A developer who is not a required reviewer is refused, with the reason.
  const asBob = await server.api<{ approvals: { canApprove: boolean; why?: string }[] }>('/projects/gated/approvals', { token: bob });
  assert.equal(asBob.approvals[0].canApprove, false);
  assert.match(asBob.approvals[0].why ?? '', /bob is not a required reviewer/);
  const refused = await post(bob, approvals[0].id, { decision: 'approved' });
  assert.equal(refused.status, 403);
  assert.match(await refused.text(), /not a required reviewer/);

  // The reviewer approves from the page; the job runs and the review is recorded.
  const page = await signedInPage(browser, alice);
  await page.goto(`${server.url}/p/gated/deployments`);
  const mine = page.locator('[data-approval="production"]');
  await mine.getByRole('button', { name: 'Approve and deploy' }).waitFor();
  await screenshot(page, 'approvals-page');
  await mine.getByLabel('Comment').fill('ship it');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/approvals/${approvals[0].id}`)),
    mine.getByRole('button', { name: 'Approve and deploy' }).click(),
  ]);
  const review = (await answer.json()) as { approval: { status: string; reviewer: string; comment: string; decidedAt: number } };
  assert.deepEqual([review.approval.status, review.approval.reviewer, review.approval.comment], ['approved', 'alice', 'ship it']);
  assert.ok(review.approval.decidedAt > 0);
  await page.getByText('Nothing is waiting.').waitFor({ timeout: 15_000 });
  const done = await until(async () => {
    const r = await server.api<{ run: RunJson['run']; jobs: { key: string; conclusion: string | null }[] }>(`/runs/${run.id}`);
    return r.run.status === 'completed' ? r : null;
  }, 'the approved run to finish', 60_000);
  assert.equal(done.run.conclusion, 'success');
  assert.equal(done.jobs.find((j) => j.key === 'deploy')?.conclusion, 'success');
  await page.context().close();

  // A rejection fails the job and the run.
  project.push({ 'README.md': 'again\n' });
  const second = await until(async () => (await server.api<{ runs: { id: number }[] }>('/runs?project=gated')).runs.find((r) => r.id !== run.id), 'a second run');
  await waitingJob(second.id);
  const [pending] = (await server.api<{ approvals: { id: number; runId: number }[] }>('/projects/gated/approvals', { token: alice })).approvals;
  assert.equal(pending.runId, second.id);
  assert.equal((await post(alice, pending.id, { decision: 'rejected', comment: 'not today' })).status, 200);
  const rejected = await until(async () => {
    const r = await server.api<{ run: { status: string; conclusion: string | null }; jobs: { key: string; conclusion: string | null; reason: string | null }[] }>(`/runs/${second.id}`);
    return r.run.status === 'completed' ? r : null;
  }, 'the rejected run to finish', 60_000);
  assert.equal(rejected.run.conclusion, 'failure');
  const job = rejected.jobs.find((j) => j.key === 'deploy')!;
  assert.deepEqual([job.conclusion, job.reason], ['failure', 'rejected by alice: not today']);
});

test('the cost, deployments and workflows pages fit a 390 px screen', async () => {
  const narrow = await signedInPage(browser, server.adminToken, { width: 390, height: 844 });
  for (const [path, ready, name] of [
    ['/cost', '[data-testid="cost-table"] tbody tr', 'cost-390'],
    ['/p/envs/deployments', '[data-env="production"]', 'deployments-390'],
    ['/p/dispatch/workflows', 'text=Run workflow', 'workflows-390'],
  ] as const) {
    await narrow.goto(`${server.url}${path}`);
    await narrow.locator(ready).first().waitFor();
    await narrow.waitForTimeout(300);
    await screenshot(narrow, name);
    const [page, widest] = await narrow.evaluate(() => [
      document.documentElement.scrollWidth,
      // A chart of many bars may scroll within its card; the six months always fit.
      Math.max(...[...document.querySelectorAll('.card, table, svg[aria-label^="Minutes and billed dollars per month"]')].map((e) => e.getBoundingClientRect().right)),
    ]);
    assert.ok(page <= 391, `${path}: no horizontal page scroll at 390 px (scrollWidth ${page})`);
    assert.ok(widest <= 391, `${path}: nothing sticks out of the screen (rightmost edge ${widest})`);
  }
  await narrow.context().close();
});
