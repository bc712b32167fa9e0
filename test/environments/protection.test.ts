import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvironments } from '../../src/environments/config.js';
import { formatDuration } from '../../src/environments/duration.js';
import { branchAllowed, describeProtection, gateState, mayReview, waitTimerEndsAt, type ReviewRecord } from '../../src/environments/protection.js';

const file = parseEnvironments(
  `teams:
  leads: [carol]
protected-branches: [main]
environments:
  production:
    reviewers: [alice, team:leads]
    prevent-self-review: true
    wait-timer: 5
    approval-expiry: 1d
    deployment-branches: { branches: [main, 'release/*'], tags: ['v*'] }
  staging:
    deployment-branches: protected
  open: {}
`,
  'environments.yml',
);
const prod = file.environments.get('production')!;
const t0 = new Date('2026-01-01T00:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const review = (actor: string, decision: ReviewRecord['decision'] = 'approved'): ReviewRecord => ({ environment: 'production', actor, at: t0.toISOString(), decision });

test('only a required reviewer (directly or through a team) may review', () => {
  assert.equal(mayReview(prod, file.teams, 'alice', 'bob').allowed, true);
  assert.equal(mayReview(prod, file.teams, 'carol', 'bob').allowed, true, 'team member');
  const mallory = mayReview(prod, file.teams, 'mallory', 'bob');
  assert.equal(mallory.allowed, false);
  assert.match(mallory.reason, /not a required reviewer/);
});

test('prevent self-review refuses the author even when a reviewer', () => {
  const self = mayReview(prod, file.teams, 'alice', 'alice');
  assert.equal(self.allowed, false);
  assert.match(self.reason, /prevents self-review/);
});

test('branch policy: patterns where * does not cross /, tags, protected branches', () => {
  assert.equal(branchAllowed(prod, 'refs/heads/main').allowed, true);
  assert.equal(branchAllowed(prod, 'refs/heads/release/1.2').allowed, true);
  assert.equal(branchAllowed(prod, 'refs/heads/release/1.2/hotfix').allowed, false, '* stops at /');
  assert.equal(branchAllowed(prod, 'refs/heads/feature').allowed, false);
  assert.equal(branchAllowed(prod, 'refs/tags/v1.0').allowed, true);
  assert.equal(branchAllowed(prod, 'refs/tags/main').allowed, false, 'branch patterns do not admit tags');
  const staging = file.environments.get('staging')!;
  assert.equal(branchAllowed(staging, 'refs/heads/main', file.protectedBranches).allowed, true);
  assert.equal(branchAllowed(staging, 'refs/heads/dev', file.protectedBranches).allowed, false);
  assert.equal(branchAllowed(file.environments.get('open')!, 'refs/heads/anything').allowed, true);
});

test('gate: waits for a review, ignores reviews that do not count, then holds for the wait timer', () => {
  const gate = { ref: 'refs/heads/main', triggeredBy: 'bob', requestedAt: t0, reviews: [] as ReviewRecord[] };
  assert.equal(gateState(prod, file.teams, [], gate, later(1000)).state, 'waiting');
  const ignored = { ...gate, reviews: [review('mallory'), { ...review('bob') }] };
  assert.equal(gateState(prod, file.teams, [], ignored, later(1000)).state, 'waiting', 'non-reviewer and author approvals do not count');
  const approved = { ...gate, reviews: [review('alice')] };
  const held = gateState(prod, file.teams, [], approved, later(60_000));
  assert.equal(held.state, 'waiting');
  assert.match(held.reason, /wait timer/);
  assert.deepEqual(waitTimerEndsAt(prod, t0), later(5 * 60_000));
  assert.equal(gateState(prod, file.teams, [], approved, later(5 * 60_000)).state, 'approved');
});

test('gate: rejection, expiry and branch refusal', () => {
  const gate = { ref: 'refs/heads/main', triggeredBy: 'bob', requestedAt: t0, reviews: [review('carol', 'rejected')] };
  assert.equal(gateState(prod, file.teams, [], gate, later(1)).state, 'rejected');
  const unreviewed = { ...gate, reviews: [] };
  const expired = gateState(prod, file.teams, [], unreviewed, later(86_400_000));
  assert.equal(expired.state, 'expired');
  assert.match(expired.reason, /^no review within 1d; the approval request expired at 2026-01-02T00:00:00\.000Z$/);
  assert.equal(gateState(prod, file.teams, [], { ...unreviewed, ref: 'refs/heads/feature' }, later(1)).state, 'refused');
});

test('rules read as short sentences for listings', () => {
  assert.deepEqual(describeProtection(prod), [
    'one review by alice, team:leads',
    'prevent self-review',
    'wait timer 5m',
    "deploys from branch main, branch release/*, tag v*",
    'an unreviewed request expires after 1d',
  ]);
  assert.deepEqual(describeProtection(file.environments.get('open')!), []);
});

test('durations read in the units they were written in, down to milliseconds', () => {
  assert.deepEqual([30 * 86_400_000, 5 * 60_000, 90_500, 1500, 45_000, 250, 3_723_000].map(formatDuration), ['30d', '5m', '1m 30.5s', '1.5s', '45s', '250ms', '1h 2m 3s']);
});
