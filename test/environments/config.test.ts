import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvironments } from '../../src/environments/config.js';
import { NexusError } from '../../src/errors.js';

const GOOD = `teams:
  leads: [carol, dave]
protected-branches: [main]
environments:
  staging:
    url: http://127.0.0.1:8081
    variables:
      NODE_ENV: staging
      REPLICAS: 2
    deployment-branches: { branches: [main] }
  production:
    url: https://nexus.example
    secrets: [DATABASE_URL]
    reviewers: [alice, team:leads]
    prevent-self-review: true
    wait-timer: 10
    approval-expiry: 12h
    deployment-branches:
      branches: [main, 'release/*']
      tags: ['v*']
    notifications:
      - slack: { url-secret: SLACK_WEBHOOK_URL }
        events: [deploy_succeeded, deploy_rolled_back]
      - webhook: { url: http://127.0.0.1:9/hook, signing-secret: HOOK_KEY }
`;

test('a full environments file parses into rules and targets', () => {
  const file = parseEnvironments(GOOD, '.nexus/environments.yml');
  assert.deepEqual(file.teams, { leads: ['carol', 'dave'] });
  assert.deepEqual(file.protectedBranches, ['main']);
  const staging = file.environments.get('staging')!;
  assert.deepEqual(staging.variables, { NODE_ENV: 'staging', REPLICAS: '2' });
  assert.equal(staging.protection.approvalExpiryMs, 30 * 86_400_000, 'GitHub default expiry');
  const prod = file.environments.get('production')!;
  assert.deepEqual(prod.protection.reviewers, [{ kind: 'user', name: 'alice' }, { kind: 'team', name: 'leads' }]);
  assert.equal(prod.protection.waitTimerMs, 10 * 60_000, 'a bare wait timer counts minutes');
  assert.equal(prod.protection.approvalExpiryMs, 12 * 3_600_000);
  assert.deepEqual(prod.protection.branchPolicy, { kind: 'patterns', branches: ['main', 'release/*'], tags: ['v*'] });
  assert.equal(prod.notifications[0].kind, 'slack');
  assert.equal(prod.notifications[0].urlSecret, 'SLACK_WEBHOOK_URL');
  assert.deepEqual(prod.notifications[0].events, ['deploy_succeeded', 'deploy_rolled_back']);
  assert.equal(prod.notifications[1].signingSecret, 'HOOK_KEY');
  assert.equal(prod.notifications[1].events.length, 5, 'targets hear every event by default');
});

function problems(source: string): string[] {
  try {
    parseEnvironments(source, '.nexus/environments.yml');
  } catch (e) {
    assert.ok(e instanceof NexusError);
    assert.equal(e.exitCode, 2);
    return e.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`);
  }
  assert.fail('expected the file to be rejected');
}

test('mistakes are reported with file:line:col, all at once', () => {
  const found = problems(`environments:
  production:
    reviewers: [a, b, c, d, e, f, g]
    wait-timer: soon
    colour: blue
    notifications:
      - slack: { url: http://x, url-secret: Y }
        events: [deploy_exploded]
`);
  assert.match(found.join('\n'), /environments\.yml:3:16: .*at most 6 reviewers/);
  assert.match(found.join('\n'), /environments\.yml:4:17: .*wait-timer: expected minutes/);
  assert.match(found.join('\n'), /environments\.yml:5:5: unknown key 'colour'/);
  assert.match(found.join('\n'), /environments\.yml:7:16: .*exactly one of url or url-secret/);
  assert.match(found.join('\n'), /environments\.yml:8:17: .*unknown event 'deploy_exploded'/);
});

test('YAML syntax errors and undeclared teams name their position', () => {
  assert.match(problems('environments:\n  prod: [unclosed\n')[0], /^\.nexus\/environments\.yml:\d+:\d+: /);
  assert.match(problems('environments:\n  prod:\n    reviewers: [team:ghosts]\n').join('\n'), /environments\.yml:3:16: .*team 'ghosts' is not declared/);
});
