/**
 * Environment protection for `nexus run`: the rules of `.nexus/environments.yml` as GitHub applies
 * them (branch policy, required reviewers, wait timer, expiry). An environment that needs a review
 * is approved by `--approve ENV`, by answering on a terminal, or by `nexus approve RUN --env ENV`
 * from another shell while the run waits.
 */
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveTargets, Notifier } from '../alerts/notifier.js';
import { FileApprovalStore, waitForGate } from '../environments/approvals.js';
import { environmentNamed, loadEnvironments } from '../environments/config.js';
import { branchAllowed, waitTimerEndsAt, type ReviewRecord } from '../environments/protection.js';
import type { EnvironmentDecision, EnvironmentRequest } from '../engine/run.js';
import type { CliIO } from './command.js';
import type { Progress } from './progress.js';

export interface LocalGateOptions {
  root: string;
  dataDir: string;
  runNumber: number;
  ref: string;
  sha: string;
  actor: string;
  approve: string[];
  secrets: Record<string, string>;
  io: CliIO;
  progress: Progress;
  signal: AbortSignal;
}

export async function localGate(request: EnvironmentRequest, o: LocalGateOptions): Promise<EnvironmentDecision> {
  const file = loadEnvironments(o.root);
  const env = environmentNamed(file, request.name);
  const granted = (approver?: string): EnvironmentDecision => ({ approved: true, vars: env.variables, secrets: pick(o.secrets, env.secrets), approver });
  const say = (text: string) => o.progress.print(`[${request.jobKey}] ${text}`);

  const branch = branchAllowed(env, o.ref, file.protectedBranches);
  if (!branch.allowed) return { approved: false, reason: branch.reason };

  const run = String(o.runNumber);
  const store = new FileApprovalStore(o.dataDir);
  const requestedAt = new Date();
  const reviews: ReviewRecord[] = [];
  if (env.protection.reviewers.length > 0) {
    if (o.approve.includes(request.name) || o.approve.includes('*')) {
      reviews.push({ environment: env.name, actor: o.actor, at: requestedAt.toISOString(), decision: 'approved', comment: 'approved with --approve' });
      say(`deployment to '${env.name}' approved by ${o.actor} (--approve)`);
    } else if (o.io.stdin.isTTY && o.io.stdout.isTTY) {
      o.progress.stop();
      const rl = createInterface({ input: o.io.stdin, output: o.io.stdout });
      const answer = await rl.question(`Job '${request.jobName}' deploys to '${env.name}'${request.url ? ` (${request.url})` : ''}. Approve? [y/N] `);
      rl.close();
      const decision = /^y(es)?$/i.test(answer.trim()) ? 'approved' : 'rejected';
      reviews.push({ environment: env.name, actor: o.actor, at: new Date().toISOString(), decision, comment: 'answered on the terminal' });
      if (decision === 'rejected') {
        store.save({ run, environment: env.name, ref: o.ref, sha: o.sha, triggeredBy: o.actor, requestedAt: requestedAt.toISOString(), reviews });
        return { approved: false, reason: `Deployment to '${env.name}' was rejected by ${o.actor}.` };
      }
    } else {
      const reviewers = env.protection.reviewers.map((r) => (r.kind === 'team' ? `team:${r.name}` : r.name));
      say(`waiting for a review of '${env.name}' by one of ${reviewers.join(', ')}: nexus approve ${run} --env ${env.name} [--comment TEXT]`);
      const notifier = new Notifier(o.dataDir);
      notifier.notify(resolveTargets(env.notifications, (n) => o.secrets[n], say), {
        kind: 'approval_requested', at: requestedAt.toISOString(), environment: env.name, run, reviewers, commit: o.sha, ref: o.ref, actor: o.actor, url: request.url,
      });
    }
  }
  store.save({ run, environment: env.name, ref: o.ref, sha: o.sha, triggeredBy: o.actor, requestedAt: requestedAt.toISOString(), reviews });
  const timerEnds = waitTimerEndsAt(env, requestedAt);
  if (env.protection.waitTimerMs > 0) say(`wait timer of '${env.name}' holds the job until ${timerEnds.toISOString()}`);
  if (reviews.length > 0 || env.protection.reviewers.length === 0) {
    // Approved here by the operator (or nothing to review): only the wait timer is left.
    await sleep(Math.max(0, timerEnds.getTime() - Date.now()), undefined, { signal: o.signal });
    return granted(reviews[0]?.actor);
  }
  const state = await waitForGate(store, env, file, run, { signal: o.signal });
  if (state.state === 'approved') return granted(state.review?.actor);
  return { approved: false, reason: `Deployment to '${env.name}' ${state.state}: ${state.reason}` };
}

function pick(all: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]]));
}
