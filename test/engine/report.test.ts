/** What the run report and the closing table carry beyond steps: environments with their url, pre and post steps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from './workflow-run.js';

test('environment.url is evaluated after the steps, so a step output can give it; the report and the terminal show it', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment:
      name: production
      url: \${{ steps.ship.outputs.url }}
    steps:
      - id: ship
        run: echo "url=https://prod.example/\${{ github.run_number }}" >> "$GITHUB_OUTPUT"
  leaky:
    runs-on: ubuntu-latest
    environment:
      name: staging
      url: https://staging.example/\${{ steps.token.outputs.value }}
    steps:
      - id: token
        run: |
          value=$(echo dG9rLTlmOGU3ZA== | base64 -d)
          echo "::add-mask::$value"
          echo "value=$value" >> "$GITHUB_OUTPUT"
  plain:
    runs-on: ubuntu-latest
    steps:
      - run: echo built
`,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.job('deploy').environment, { name: 'production', url: 'https://prod.example/1' });
  assert.match(run.stdout, /^\[deploy\]\s+Evaluated environment url: https:\/\/prod\.example\/1$/m);
  assert.match(run.stdout, /^\[deploy\]\s+production: https:\/\/prod\.example\/1$/m);
  // The closing table gets an Environment column.
  assert.match(run.stdout, /^Job\s+Conclusion\s+Duration\s+Environment$/m);
  assert.match(run.stdout, /^deploy\s+success\s+\S+\s+production: https:\/\/prod\.example\/1$/m);
  assert.match(run.stdout, /^plain\s+success\s+\S+$/m);
  // A url carrying a masked value is left out, with GitHub's warning; the value appears nowhere.
  assert.deepEqual(run.job('leaky').environment, { name: 'staging' });
  assert.match(run.stdout, /Skip setting environment url as environment 'staging' may contain secret\./);
  assert.equal(run.job('plain').environment, undefined);
  assert.doesNotMatch(run.stdout + run.reportText, /tok-9f8e7d/);
});

test('an environment url that cannot be evaluated fails the job, naming the file and position', async () => {
  const run = await runWorkflow({
    workflow: `
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment:
      name: production
      url: \${{ fromJSON('not json') }}
    steps:
      - run: echo deployed
`,
  });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(run.job('deploy').conclusion, 'failure');
  assert.match(run.stdout, /Failed to evaluate environment url: \.github\/workflows\/test\.yml:8:12: error evaluating/);
});

test('post steps are in the report as GitHub lists them: a failing post fails the job and is the failing step', async () => {
  const run = await runWorkflow({
    files: {
      'act/action.yml': 'name: act\ndescription: a post that fails\nruns:\n  using: node20\n  main: main.js\n  post: post.js\n',
      'act/main.js': 'console.log("main ran");\n',
      'act/post.js': 'console.log("post ran"); process.exit(3);\n',
    },
    workflow: `
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: act
        name: Tidy
        uses: ./act
      - id: after
        run: echo after
`,
  });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(run.job('a').conclusion, 'failure');
  assert.deepEqual(run.job('a').steps.map((s) => [s.id, s.name, s.phase ?? 'main', s.conclusion]), [
    ['act', 'Tidy', 'main', 'success'],
    ['after', 'Run echo after', 'main', 'success'],
    ['act', 'Post Tidy', 'post', 'failure'],
  ]);
});
