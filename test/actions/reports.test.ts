/** Built-ins that keep reports and records: codecov, upload-sarif, nexus/secret-scan, create-release, nexus/deploy's hand-off. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runNexus } from '../helpers/cli.js';
import { project } from './helpers.js';

const LCOV = 'TN:\nSF:a.js\nLF:10\nLH:8\nend_of_record\nSF:b.js\nLF:10\nLH:4\nend_of_record\n';
const COBERTURA = '<?xml version="1.0" ?>\n<coverage line-rate="0.75" lines-covered="3" lines-valid="4" version="7"><packages/></coverage>\n';
const ISTANBUL = JSON.stringify({ '/w/x.js': { s: { 0: 1, 1: 0, 2: 5, 3: 2 } } });
// Built from parts so this file holds no secret-shaped literal.
const AWS_KEY = 'AKIA' + 'ABCDEFGHIJKLMNOP';
const PRIVATE_KEY = '-----BEGIN RSA ' + 'PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n';

test('codecov totals lcov, Cobertura and Istanbul reports; secret-scan writes SARIF that upload-sarif prints by level and rule; create-release is listed by nexus releases', async () => {
  const p = project({
    'web/coverage/lcov.info': LCOV,
    'py/coverage.xml': COBERTURA,
    'svc/coverage/coverage-final.json': ISTANBUL,
    'src/config.js': `export const key = "${AWS_KEY}";\nexport const password = "hunter2hunter2hunter2";\n`,
    'deploy/id_rsa': PRIVATE_KEY,
    '.github/workflows/ci.yml': `on: push
jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - uses: codecov/codecov-action@v4
        with:
          files: ./web/coverage/lcov.info,./py/coverage.xml
          flags: mixed
      - uses: codecov/codecov-action@v4
        with:
          files: ./svc/coverage/coverage-final.json
          flags: svc
      - uses: nexus/secret-scan@v1
        id: scan
        with:
          output: scan.sarif
      - run: echo "findings=\${{ steps.scan.outputs.findings }}"
      - uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: scan.sarif
          category: secrets
      - uses: actions/create-release@v1
        with:
          tag_name: v\${{ github.run_number }}
          release_name: Release v\${{ github.run_number }}
          body: |
            Production deployment of \${{ github.sha }}
          prerelease: true
      - uses: nexus/deploy@v1
        with:
          environment: staging
`,
  });
  try {
    const r = await p.run();
    assert.equal(r.code, 1, 'nexus/deploy without a service fails');
    assert.match(r.stdout, /web\/coverage\/lcov\.info \(lcov\): 60\.00% of 20 lines/);
    assert.match(r.stdout, /py\/coverage\.xml \(cobertura\): 75\.00% of 4 lines/);
    assert.match(r.stdout, /Total coverage \(mixed\): 62\.50% \(15\/24 lines\)/);
    assert.match(r.stdout, /Total coverage \(svc\): 75\.00% \(3\/4 statements\)/);
    assert.match(r.stdout, /findings=3/);
    assert.match(r.stdout, /src\/config\.js:1: AWS access key ID found \(aws-access-key-id\)/);
    assert.doesNotMatch(r.stdout, new RegExp(AWS_KEY));
    assert.match(r.stdout, /3 finding\(s\) in 1 SARIF file\(s\) \(category secrets\)/);
    assert.match(r.stdout, /error: 2\n/);
    assert.match(r.stdout, /aws-access-key-id \(1\)\n.*src\/config\.js:1 AWS access key ID found/);
    assert.match(r.stdout, /warning: 1\n.*generic-credential \(1\)/);
    assert.match(r.stdout, /nexus\/deploy: input 'service' is required/);
    const artifacts = readdirSync(join(p.data, 'artifacts', readdirSync(join(p.data, 'artifacts'))[0])).sort();
    assert.deepEqual(artifacts.map((a) => a.split('-report')[0]), ['coverage-mixed', 'coverage-svc', 'sarif-secrets']);
    assert.ok(existsSync(join(p.data, 'releases', 'v1.json')));

    const list = await runNexus(['releases', '--data', p.data], { cwd: p.dir });
    assert.equal(list.code, 0);
    assert.match(list.stdout, new RegExp(`^v1\\s+Release v1\\s+${p.sha.slice(0, 12)} .* prerelease`, 'm'));
    const show = await runNexus(['releases', '--data', p.data, '--show', 'v1'], { cwd: p.dir });
    assert.match(show.stdout, new RegExp(`Production deployment of ${p.sha}`));

    const again = await p.run();
    assert.match(again.stdout, /Release 'Release v2' recorded for tag v2/);
  } finally {
    p.cleanup();
  }
});
