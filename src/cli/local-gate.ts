/**
 * Environment protection for `nexus run`: the rules of `.nexus/environments.yml` as GitHub applies
 * them (branch policy, required reviewers, prevent self-review, wait timer, expiry). A review comes from
 * the operator at this terminal (`--approve ENV`, or answering the prompt) or from `nexus approve RUN
 * --env ENV` in another shell, and counts only when the rules let its author review; an environment's
 * own secrets (`ENV:NAME`) reach only the jobs of that environment, once their gate passes.
 */
import { createInterface } from 'node:readline/promises';
import { NexusError } from '../errors.js';
import { resolveTargets, Notifier, type SecretLookup } from '../alerts/notifier.js';
import { FileApprovalStore, submitReview, waitForGate } from '../environments/approvals.js';
import { environmentNamed, loadEnvironments, type EnvironmentConfig, type EnvironmentsFile } from '../environments/config.js';
import { formatDuration } from '../environments/duration.js';
import { approvalExpiresAt, branchAllowed, mayReview, reviewerNames, waitTimerEndsAt, type GateState, type ReviewDecision } from '../environments/protection.js';
import type { EnvironmentDecision, EnvironmentRequest } from '../engine/run.js';
import { splitAssignment } from './args.js';
import type { CliIO } from './command.js';
import { readDotenv } from './dotenv.js';
import type { Progress } from './progress.js';

/** Secrets of a local run: `NAME` for every job (repository secrets), `ENV:NAME` for the jobs of ENV only. */
export interface LocalSecrets {
  repository: Record<string, string>;
  environments: Record<string, Record<string, string>>;
  /** Every value, for masking. */
  values: string[];
}

const SCOPE = /^([A-Za-z0-9_.-]+):(.*)$/s;

/** Reads the secret file, then `-s [ENV:]NAME[=VALUE]` (a bare NAME takes the shell's variable NAME). */
export function readLocalSecrets(secretFile: string | undefined, flags: string[], env: NodeJS.ProcessEnv): LocalSecrets {
  const out: LocalSecrets = { repository: {}, environments: {}, values: [] };
  const put = (scoped: string, value: string) => {
    const m = SCOPE.exec(scoped);
    if (m) (out.environments[m[1]] ??= {})[m[2]] = value;
    else out.repository[scoped] = value;
  };
  for (const [name, value] of Object.entries(secretFile ? readDotenv(secretFile, true) : {})) put(name, value);
  for (const flag of flags) {
    const m = SCOPE.exec(flag);
    const [name, value] = splitAssignment('-s', m ? m[2] : flag, true);
    const v = value ?? env[name];
    if (v === undefined) throw new NexusError('USAGE', `-s ${m ? `${m[1]}:` : ''}${name}: no value given and no environment variable ${name}`, { exitCode: 2 });
    put(m ? `${m[1]}:${name}` : name, v);
  }
  out.values = [...Object.values(out.repository), ...Object.values(out.environments).flatMap((e) => Object.values(e))];
  return out;
}

/**
 * `--approve ENV` is a review by the operator: refused before anything runs when the rules would not count it
 * (not a required reviewer, or the run's own actor under prevent-self-review).
 */
export function checkApprovals(root: string, approve: string[], operator: string, actor: string): void {
  if (!approve.length) return;
  const file = loadEnvironments(root);
  for (const name of approve) {
    const env = file.environments.get(name);
    if (!env?.protection.reviewers.length) continue;
    const verdict = mayReview(env, file.teams, operator, actor);
    if (!verdict.allowed) {
      throw new NexusError('USAGE', `--approve ${name}: ${verdict.reason}; run as a reviewer (--as NAME), or leave out --approve and review from another shell: nexus approve RUN --env ${name} --as NAME`, { exitCode: 2 });
    }
  }
}

export interface LocalGateOptions {
  root: string;
  dataDir: string;
  runNumber: number;
  ref: string;
  sha: string;
  /** Who triggered the run (`github.actor`). */
  actor: string;
  /** Who is at this terminal (`--as`, NEXUS_ACTOR, git's user.name, USER): the author of `--approve` and prompt answers. */
  operator: string;
  approve: string[];
  secrets: LocalSecrets;
  io: CliIO;
  progress: Progress;
  signal: AbortSignal;
}

export async function localGate(request: EnvironmentRequest, o: LocalGateOptions): Promise<EnvironmentDecision> {
  const file = loadEnvironments(o.root);
  const env = environmentNamed(file, request.name);
  const say = (text: string) => o.progress.print(`[${request.jobKey}] ${text}`);

  const branch = branchAllowed(env, o.ref, file.protectedBranches);
  if (!branch.allowed) return { approved: false, reason: branch.reason };
  const secrets = o.secrets.environments[env.name] ?? {};
  for (const name of env.secrets.filter((n) => !(n in secrets) && !(n in o.secrets.repository))) {
    say(`warning: secret ${name} of '${env.name}' is not given (-s ${env.name}:${name}=VALUE, or a ${env.name}:${name}= line in the secret file)`);
  }
  const granted = (approver?: string): EnvironmentDecision => ({ approved: true, vars: env.variables, secrets, approver });
  if (!env.protection.reviewers.length && !env.protection.waitTimerMs) return granted();
  const state = await holdAtGate({
    env, file, dataDir: o.dataDir, run: String(o.runNumber), ref: o.ref, sha: o.sha, actor: o.actor, operator: o.operator,
    approve: o.approve.includes(env.name) || o.approve.includes('*'),
    what: `Job '${request.jobName}'`, url: request.url,
    secret: (n) => secrets[n] ?? o.secrets.repository[n],
    io: o.io, beforePrompt: () => o.progress.stop(), say, signal: o.signal,
  });
  if (state.state === 'approved') return granted(state.review?.actor);
  return { approved: false, reason: `Deployment to '${env.name}' ${state.state}: ${state.reason}` };
}

export interface HoldOptions {
  env: EnvironmentConfig;
  file: EnvironmentsFile;
  dataDir: string;
  /** What `nexus approve RUN` names: the run number, or a `nexus deploy` request id. */
  run: string;
  ref: string;
  sha?: string;
  actor: string;
  operator: string;
  /** The operator approves up front (`--approve`). */
  approve: boolean;
  /** What waits, for the prompt (`Job 'Deploy'`, `web`). */
  what: string;
  service?: string;
  url?: string;
  /** Looks up notification URLs and signing keys. */
  secret: SecretLookup;
  io: CliIO;
  beforePrompt?: () => void;
  say: (text: string) => void;
  signal?: AbortSignal;
}

/** One prompt at a time: jobs gated at once would otherwise read the same terminal. */
let terminal: Promise<unknown> = Promise.resolve();

/**
 * The gate of an environment with reviewers or a wait timer, for `nexus run` and `nexus deploy` alike: files the
 * approval request, takes the operator's review (`--approve`, or the prompt when the operator may review),
 * announces the wait (approval_requested), and waits for the rules to decide.
 */
export async function holdAtGate(o: HoldOptions): Promise<GateState> {
  const { env, file, say } = o;
  const store = new FileApprovalStore(o.dataDir);
  const requestedAt = new Date();
  store.save({ run: o.run, environment: env.name, ref: o.ref, sha: o.sha, triggeredBy: o.actor, requestedAt: requestedAt.toISOString(), reviews: [] });
  const review = (decision: ReviewDecision, comment: string) => {
    const r = submitReview(store, env, file, o.run, o.operator, decision, comment);
    say(`deployment to '${env.name}' ${r.decision} by ${r.actor} (${comment})`);
  };
  const settled = new AbortController();
  let prompt: Promise<void> | undefined;
  if (env.protection.reviewers.length && o.approve) {
    review('approved', '--approve');
  } else if (env.protection.reviewers.length) {
    announce(o, requestedAt);
    const verdict = mayReview(env, file.teams, o.operator, o.actor);
    if (o.io.stdin.isTTY && o.io.stdout.isTTY && verdict.allowed) prompt = ask(o, settled.signal, review);
    else if (o.io.stdin.isTTY) say(`not asking here: ${verdict.reason}`);
  }
  if (env.protection.waitTimerMs > 0) say(`wait timer of '${env.name}' (${formatDuration(env.protection.waitTimerMs)}) holds the deployment until ${waitTimerEndsAt(env, requestedAt).toISOString()}`);
  try {
    const state = await waitForGate(store, env, file, o.run, { signal: o.signal });
    settled.abort();
    await prompt;
    if (state.state === 'approved' && state.review && state.review.actor !== o.operator) say(`deployment to '${env.name}' ${state.reason}${state.review.comment ? `: ${state.review.comment}` : ''}`);
    return state;
  } finally {
    settled.abort();
  }
}

/** What is printed (and notified) while the deployment waits for a review from another shell. */
function announce(o: HoldOptions, requestedAt: Date): void {
  const { env } = o;
  const reviewers = reviewerNames(env);
  o.say(`waiting for a review of '${env.name}' by one of ${reviewers.join(', ')}${env.protection.preventSelfReview ? ` (not ${o.actor}, who triggered it)` : ''}: nexus approve ${o.run} --env ${env.name} [--comment TEXT] (or nexus reject); the request expires at ${approvalExpiresAt(env, requestedAt).toISOString()}`);
  new Notifier(o.dataDir).notify(resolveTargets(env.notifications, o.secret, o.say), {
    kind: 'approval_requested', at: requestedAt.toISOString(), environment: env.name, service: o.service, run: o.run, reviewers, commit: o.sha, ref: o.ref, actor: o.actor, url: o.url,
  });
}

/** Asks the operator on the terminal; a review from another shell (or expiry) first closes the question. */
function ask(o: HoldOptions, settled: AbortSignal, review: (d: ReviewDecision, comment: string) => void): Promise<void> {
  const turn = terminal.then(async () => {
    if (settled.aborted) return;
    o.beforePrompt?.();
    const rl = createInterface({ input: o.io.stdin, output: o.io.stdout });
    try {
      const answer = await rl.question(`${o.what} deploys to '${o.env.name}'${o.url ? ` (${o.url})` : ''}. Approve as ${o.operator}? [y/N] `, { signal: settled });
      review(/^y(es)?$/i.test(answer.trim()) ? 'approved' : 'rejected', 'answered on the terminal');
    } catch (e) {
      // Closed because the gate was decided elsewhere, or a review from another shell won the race.
      if (!settled.aborted && !(e instanceof NexusError && e.code === 'APPROVAL_CLOSED')) throw e;
      o.io.stdout.write('\n');
    } finally {
      rl.close();
    }
  });
  terminal = turn.catch(() => undefined);
  return turn;
}
