/**
 * The spec's report and notification steps with their inputs exactly as the spec writes them (codecov
 * `files`/`flags` from a matrix, Slack's multi-line JSON `payload`, create-release's `tag_name`,
 * `release_name` and multi-line `body`, upload-sarif's `sarif_file` from Trivy), through `nexus run`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNexus } from '../helpers/cli.js';
import { bodyOf, project, receiver } from './helpers.js';

/** What Trivy's SARIF template writes: rules with default levels and properties, a URI base, a region. */
const TRIVY_SARIF = JSON.stringify({
  version: '2.1.0',
  $schema: 'https://json.schemastore.org/sarif-2.1.0-rtm.5.json',
  runs: [{
    tool: { driver: { name: 'Trivy', informationUri: 'https://github.com/aquasecurity/trivy', version: '0.48.0', rules: [
      { id: 'CVE-2023-0001', name: 'OsPackageVulnerability', shortDescription: { text: 'openssl' }, defaultConfiguration: { level: 'error' }, properties: { 'security-severity': '9.8', tags: ['vulnerability', 'CRITICAL'] } },
      { id: 'CVE-2023-0002', name: 'LanguageSpecificPackageVulnerability', shortDescription: { text: 'lodash' }, defaultConfiguration: { level: 'warning' } },
    ] } },
    results: [
      { ruleId: 'CVE-2023-0001', ruleIndex: 0, level: 'error', message: { text: 'Package: openssl\nInstalled Version: 1.1.1' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'services/api/Dockerfile', uriBaseId: 'ROOTPATH' }, region: { startLine: 3, startColumn: 1 } } }] },
      { ruleId: 'CVE-2023-0002', ruleIndex: 1, message: { text: 'Package: lodash' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'services/frontend/package-lock.json', uriBaseId: 'ROOTPATH' }, region: { startLine: 120 } } }] },
    ],
    originalUriBaseIds: { ROOTPATH: { uri: 'file:///' } },
  }],
});

const WORKFLOW = `on: push
jobs:
  unit-tests:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        service: [frontend, orchestration]
    steps:
      - name: Upload coverage
        uses: codecov/codecov-action@v4
        with:
          files: ./services/\${{ matrix.service }}/coverage/coverage-final.json
          flags: \${{ matrix.service }}
  python-tests:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        service: [bmad]
    steps:
      - name: Upload coverage
        uses: codecov/codecov-action@v4
        with:
          files: ./services/\${{ matrix.service }}/coverage.xml
          flags: \${{ matrix.service }}
  deploy-production:
    runs-on: ubuntu-latest
    steps:
      - name: Post production deployment notification
        uses: slackapi/slack-github-action@v1
        with:
          payload: |
            {
              "text": "🚀 PRODUCTION DEPLOYMENT COMPLETE",
              "blocks": [
                {
                  "type": "section",
                  "text": {
                    "type": "mrkdwn",
                    "text": "*Production Deployment Complete* :rocket:\\n\\nCommit: \`\${{ github.sha }}\`\\nBranch: \`\${{ github.ref_name }}\`\\nDeployed by: \${{ github.actor }}\\n\\n<https://nexus.ai|View Production>"
                  }
                },
                {
                  "type": "section",
                  "text": {
                    "type": "mrkdwn",
                    "text": "*Monitoring*\\n• <https://console.aws.amazon.com/cloudwatch|CloudWatch>\\n• <https://sentry.io/nexus|Sentry>"
                  }
                }
              ]
            }
        env:
          SLACK_WEBHOOK_URL: \${{ secrets.SLACK_WEBHOOK_URL }}

      - name: Create GitHub Release
        uses: actions/create-release@v1
        env:
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
        with:
          tag_name: v\${{ github.run_number }}
          release_name: Release v\${{ github.run_number }}
          body: |
            Production deployment of commit \${{ github.sha }}

            **Changes:**
            \${{ github.event.head_commit.message }}

            **Deployed Services:**
            - Frontend (Vercel)
          draft: false
          prerelease: false
  security-scan:
    runs-on: ubuntu-latest
    steps:
      - run: |
          printf '%s\\n' '${TRIVY_SARIF}' > trivy-results.sarif
      - name: Upload Trivy results to GitHub Security
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: 'trivy-results.sarif'
`;

test('the spec\'s codecov, Slack, create-release and upload-sarif steps work with their inputs as the spec writes them', async () => {
  const slack = await receiver();
  const webhook = `${slack.base}/services/T000/B000/XXXX`;
  const p = project({
    'services/frontend/coverage/coverage-final.json': JSON.stringify({ '/w/a.ts': { s: { 0: 1, 1: 0, 2: 4, 3: 1 } } }),
    'services/orchestration/coverage/coverage-final.json': JSON.stringify({ '/w/b.ts': { s: { 0: 1, 1: 1 } } }),
    'services/bmad/coverage.xml': '<?xml version="1.0" ?>\n<coverage line-rate="0.9" lines-covered="9" lines-valid="10" version="7.4"><packages/></coverage>\n',
    '.github/workflows/ci.yml': WORKFLOW,
  });
  try {
    const r = await p.run('-s', `SLACK_WEBHOOK_URL=${webhook}`, '-s', 'GITHUB_TOKEN=ghs_notarealtoken0000000000000000000000');
    assert.equal(r.code, 0, r.stdout + r.stderr);

    assert.match(r.stdout, /\[unit-tests \(frontend\)\] +Total coverage \(frontend\): 75\.00% \(3\/4 statements\)/);
    assert.match(r.stdout, /\[unit-tests \(orchestration\)\] +Total coverage \(orchestration\): 100\.00% \(2\/2 statements\)/);
    assert.match(r.stdout, /\[python-tests \(bmad\)\] +Total coverage \(bmad\): 90\.00% \(9\/10 lines\)/);

    assert.equal(slack.requests.length, 1);
    const message = bodyOf(slack.requests[0]) as { text: string; blocks: { text: { text: string } }[] };
    assert.equal(message.text, '🚀 PRODUCTION DEPLOYMENT COMPLETE');
    assert.equal(message.blocks.length, 2);
    assert.equal(message.blocks[0].text.text.split('\n')[2], `Commit: \`${p.sha}\``);
    assert.match(message.blocks[0].text.text, /\nBranch: `main`\n/);
    assert.equal(message.blocks[1].text.text, '*Monitoring*\n• <https://console.aws.amazon.com/cloudwatch|CloudWatch>\n• <https://sentry.io/nexus|Sentry>');
    assert.doesNotMatch(r.stdout, /T000\/B000/, 'the webhook is masked');

    assert.match(r.stdout, /Release 'Release v1' recorded for tag v1/);
    const shown = await runNexus(['releases', '--data', p.data, '--show', 'v1']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`Production deployment of commit ${p.sha}\\n\\n\\*\\*Changes:\\*\\*\\ninitial\\n\\n\\*\\*Deployed Services:\\*\\*\\n- Frontend \\(Vercel\\)`));

    assert.match(r.stdout, /2 finding\(s\) in 1 SARIF file\(s\)/);
    assert.match(r.stdout, /error: 1\n.*CVE-2023-0001 \(1\)\n.*services\/api\/Dockerfile:3 Package: openssl/);
    assert.match(r.stdout, /warning: 1\n.*CVE-2023-0002 \(1\)\n.*services\/frontend\/package-lock\.json:120 Package: lodash/, 'a result without a level takes its rule\'s');
  } finally {
    p.cleanup();
    slack.close();
  }
});

test('a Slack payload is read as JSON first, as slack-github-action@v1 reads it: a repeated key (which YAML refuses) keeps the last value', async () => {
  const slack = await receiver();
  const p = project({
    '.github/workflows/ci.yml': `on: push
jobs:
  n:
    runs-on: ubuntu-latest
    steps:
      - uses: slackapi/slack-github-action@v1
        with:
          payload: |
            {"text": "draft", "text": "final"}
        env:
          SLACK_WEBHOOK_URL: ${slack.base}/hook
`,
  });
  try {
    const r = await p.run();
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(slack.requests.map(bodyOf), [{ text: 'final' }]);
  } finally {
    p.cleanup();
    slack.close();
  }
});
