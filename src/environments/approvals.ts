/**
 * Pending approvals and their review log. The local implementation keeps one JSON file per (run, environment)
 * under `<data>/approvals/`; the server can back the same interface with its store.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NexusError } from '../errors.js';
import { readJson, writeJsonAtomic } from './data-folder.js';
import type { EnvironmentConfig, EnvironmentsFile } from './config.js';
import { gateState, mayReview, type GateState, type ReviewDecision, type ReviewRecord } from './protection.js';

export interface ApprovalRequest {
  /** The run (or local deployment) waiting on the environment. */
  run: string;
  environment: string;
  ref: string;
  sha?: string;
  triggeredBy: string;
  requestedAt: string;
  reviews: ReviewRecord[];
}

export interface ApprovalStore {
  save(request: ApprovalRequest): void;
  get(run: string, environment: string): ApprovalRequest | undefined;
  list(): ApprovalRequest[];
}

export class FileApprovalStore implements ApprovalStore {
  private readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'approvals');
  }
  private path(run: string, environment: string): string {
    return join(this.dir, `${encodeURIComponent(run)}--${encodeURIComponent(environment)}.json`);
  }
  save(request: ApprovalRequest): void {
    writeJsonAtomic(this.path(request.run, request.environment), request);
  }
  get(run: string, environment: string): ApprovalRequest | undefined {
    return readJson<ApprovalRequest>(this.path(run, environment));
  }
  list(): ApprovalRequest[] {
    let names: string[] = [];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    return names.map((n) => readJson<ApprovalRequest>(join(this.dir, n))!).filter(Boolean);
  }
}

export function currentGate(env: EnvironmentConfig, file: EnvironmentsFile, request: ApprovalRequest, now = new Date()): GateState {
  return gateState(env, file.teams, file.protectedBranches, { ...request, requestedAt: new Date(request.requestedAt) }, now);
}

/** Records a review after checking the actor may give it and the request is still open; refusals are errors. */
export function submitReview(store: ApprovalStore, env: EnvironmentConfig, file: EnvironmentsFile, run: string, actor: string, decision: ReviewDecision, comment?: string, now = new Date()): ReviewRecord {
  const request = store.get(run, env.name);
  if (!request) throw new NexusError('APPROVAL_NOT_FOUND', `no deployment of run ${run} is waiting for environment '${env.name}'`);
  const before = currentGate(env, file, request, now);
  if (before.state === 'rejected' || before.state === 'expired' || before.state === 'refused' || (before.state === 'approved' && before.review)) {
    throw new NexusError('APPROVAL_CLOSED', `run ${run} is no longer waiting for a review of '${env.name}': ${before.reason}`);
  }
  const verdict = mayReview(env, file.teams, actor, request.triggeredBy);
  if (!verdict.allowed) throw new NexusError('APPROVAL_FORBIDDEN', verdict.reason);
  const review: ReviewRecord = { environment: env.name, actor, at: now.toISOString(), decision, ...(comment ? { comment } : {}) };
  store.save({ ...request, reviews: [...request.reviews, review] });
  return review;
}

/** Waits until the gate leaves `waiting`; `onWaiting` hears each new reason (review needed, timer running). */
export async function waitForGate(store: ApprovalStore, env: EnvironmentConfig, file: EnvironmentsFile, run: string, options: { signal?: AbortSignal; pollMs?: number; onWaiting?: (reason: string) => void } = {}): Promise<GateState> {
  let last = '';
  for (;;) {
    const request = store.get(run, env.name);
    if (!request) throw new NexusError('APPROVAL_NOT_FOUND', `no approval request for run ${run} in '${env.name}'`);
    const state = currentGate(env, file, request);
    if (state.state !== 'waiting') return state;
    if (state.reason !== last) options.onWaiting?.((last = state.reason));
    const untilTimer = state.until ? state.until.getTime() - Date.now() : Infinity;
    await sleep(Math.max(10, Math.min(options.pollMs ?? 500, untilTimer)), undefined, { signal: options.signal });
  }
}
