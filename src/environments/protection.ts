/**
 * Protection rules as pure decisions: who may review, which refs may deploy, when a wait timer ends, and what
 * state a gate is in given its reviews and the time. No I/O, so the engine, the server and the CLI agree.
 */
import picomatch from 'picomatch';
import type { EnvironmentConfig, EnvironmentsFile } from './config.js';
import { formatDuration } from './duration.js';

export type ReviewDecision = 'approved' | 'rejected';

export interface ReviewRecord {
  environment: string;
  actor: string;
  at: string;
  comment?: string;
  decision: ReviewDecision;
}

export interface Verdict {
  allowed: boolean;
  reason: string;
}

/** Reviewers as written in the file: `alice`, `team:leads`. */
export function reviewerNames(env: EnvironmentConfig): string[] {
  return env.protection.reviewers.map((r) => (r.kind === 'team' ? `team:${r.name}` : r.name));
}

/** The environment's rules as short sentences, for listings (CLI, API, web UI). */
export function describeProtection(env: EnvironmentConfig): string[] {
  const p = env.protection;
  const rules: string[] = [];
  if (p.reviewers.length) rules.push(`one review by ${reviewerNames(env).join(', ')}`);
  if (p.preventSelfReview) rules.push('prevent self-review');
  if (p.waitTimerMs) rules.push(`wait timer ${formatDuration(p.waitTimerMs)}`);
  if (p.branchPolicy.kind === 'protected') rules.push('protected branches only');
  if (p.branchPolicy.kind === 'patterns') {
    const { branches, tags } = p.branchPolicy;
    rules.push(`deploys from ${[...branches.map((b) => `branch ${b}`), ...tags.map((t) => `tag ${t}`)].join(', ') || 'no ref'}`);
  }
  if (p.reviewers.length) rules.push(`an unreviewed request expires after ${formatDuration(p.approvalExpiryMs)}`);
  return rules;
}

/** May `actor` review a deployment to `env` that `triggeredBy` started? */
export function mayReview(env: EnvironmentConfig, teams: EnvironmentsFile['teams'], actor: string, triggeredBy: string): Verdict {
  const { reviewers, preventSelfReview } = env.protection;
  if (!reviewers.length) return { allowed: false, reason: `environment '${env.name}' has no required reviewers, so there is nothing to review` };
  const via = reviewers.find((r) => (r.kind === 'user' ? r.name === actor : (teams[r.name] ?? []).includes(actor)));
  if (!via) {
    return { allowed: false, reason: `${actor} is not a required reviewer of '${env.name}' (reviewers: ${reviewerNames(env).join(', ')})` };
  }
  if (preventSelfReview && actor === triggeredBy) {
    return { allowed: false, reason: `${actor} triggered this deployment and '${env.name}' prevents self-review` };
  }
  return { allowed: true, reason: via.kind === 'team' ? `${actor} reviews as a member of team ${via.name}` : `${actor} is a required reviewer` };
}

/** Does `ref` (refs/heads/X or refs/tags/Y) pass the environment's deployment branch policy? */
export function branchAllowed(env: EnvironmentConfig, ref: string, protectedBranches: string[] = []): Verdict {
  const policy = env.protection.branchPolicy;
  const branch = ref.startsWith('refs/heads/') ? ref.slice(11) : undefined;
  const tag = ref.startsWith('refs/tags/') ? ref.slice(10) : undefined;
  if (policy.kind === 'all') return { allowed: true, reason: 'any branch may deploy' };
  if (policy.kind === 'protected') {
    const allowed = branch !== undefined && protectedBranches.includes(branch);
    return { allowed, reason: allowed ? `${branch} is protected` : `${ref} is not a protected branch; '${env.name}' only accepts protected branches` };
  }
  const patterns = branch !== undefined ? policy.branches : tag !== undefined ? policy.tags : [];
  // GitHub matches with Ruby fnmatch(FNM_PATHNAME): `*` does not cross `/`, which is picomatch's default.
  const name = branch ?? tag ?? ref;
  const hit = patterns.find((p) => picomatch.isMatch(name, p, { dot: true }));
  if (hit) return { allowed: true, reason: `${name} matches '${hit}'` };
  const all = [...policy.branches.map((b) => `branch ${b}`), ...policy.tags.map((t) => `tag ${t}`)].join(', ') || 'none';
  return { allowed: false, reason: `${ref} may not deploy to '${env.name}' (allowed: ${all})` };
}

/** Reviewers, a wait timer or a branch policy: rules that only a gated job may pass. */
export function isProtected(env: EnvironmentConfig): boolean {
  const p = env.protection;
  return p.reviewers.length > 0 || p.waitTimerMs > 0 || p.branchPolicy.kind !== 'all';
}

/**
 * May a step of a job whose `environment:` is `jobEnvironment` deploy into `env` from `ref`? As on GitHub, the
 * deployment environment is the job's: only its gate applies the rules, so a protected environment accepts
 * deploys from its own jobs only, and never from a ref outside its branch policy.
 */
export function deployAllowed(env: EnvironmentConfig, protectedBranches: string[], jobEnvironment: string | undefined, ref: string | undefined): Verdict {
  if (isProtected(env) && jobEnvironment !== env.name) {
    const job = jobEnvironment ? `this job's environment is '${jobEnvironment}'` : 'this job has no environment';
    return { allowed: false, reason: `'${env.name}' is protected (${describeProtection(env).join('; ')}): only a job with \`environment: ${env.name}\` may deploy to it, and ${job}` };
  }
  return branchAllowed(env, ref ?? '(no ref)', protectedBranches);
}

export function waitTimerEndsAt(env: EnvironmentConfig, requestedAt: Date): Date {
  return new Date(requestedAt.getTime() + env.protection.waitTimerMs);
}

export function approvalExpiresAt(env: EnvironmentConfig, requestedAt: Date): Date {
  return new Date(requestedAt.getTime() + env.protection.approvalExpiryMs);
}

export interface GateInput {
  ref: string;
  triggeredBy: string;
  requestedAt: Date;
  reviews: ReviewRecord[];
}

export type GateState =
  | { state: 'refused'; reason: string }
  | { state: 'rejected'; reason: string; review: ReviewRecord }
  | { state: 'expired'; reason: string }
  | { state: 'waiting'; reason: string; until?: Date }
  | { state: 'approved'; reason: string; review?: ReviewRecord };

/**
 * Where a job gated on `env` stands at `now`: branch policy first, then the first valid review decides,
 * an unreviewed request expires, and the wait timer holds even an approved job until it ends.
 */
export function gateState(env: EnvironmentConfig, teams: EnvironmentsFile['teams'], protectedBranches: string[], gate: GateInput, now: Date): GateState {
  const branch = branchAllowed(env, gate.ref, protectedBranches);
  if (!branch.allowed) return { state: 'refused', reason: branch.reason };
  const needsReview = env.protection.reviewers.length > 0;
  const review = gate.reviews.find((r) => r.environment === env.name && mayReview(env, teams, r.actor, gate.triggeredBy).allowed);
  if (review?.decision === 'rejected') return { state: 'rejected', reason: `rejected by ${review.actor}${review.comment ? `: ${review.comment}` : ''}`, review };
  if (needsReview && !review) {
    const expires = approvalExpiresAt(env, gate.requestedAt);
    if (now >= expires) return { state: 'expired', reason: `no review within ${formatDuration(env.protection.approvalExpiryMs)}; the approval request expired at ${expires.toISOString()}` };
    return { state: 'waiting', reason: `waiting for a review by one of the required reviewers of '${env.name}'` };
  }
  const timerEnds = waitTimerEndsAt(env, gate.requestedAt);
  if (now < timerEnds) return { state: 'waiting', reason: `wait timer of '${env.name}' runs until ${timerEnds.toISOString()}`, until: timerEnds };
  return { state: 'approved', reason: review ? `approved by ${review.actor}` : `'${env.name}' needs no review`, review };
}
