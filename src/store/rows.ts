import type { Approval, ArtifactEntry, CacheRow, Check, Job, Project, Run, RunnerInfo, Step, StoredDeployment } from './types.js';

/** Database rows (snake_case, JSON as text, booleans as 0/1) to the store's types. */
type Row = Record<string, any>;

const json = <T>(text: unknown, fallback: T): T => (typeof text === 'string' && text !== '' ? (JSON.parse(text) as T) : fallback);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const toProject = (r: Row): Project => ({
  id: Number(r.id),
  name: r.name,
  defaultBranch: r.default_branch,
  retryRunnerLost: Boolean(Number(r.retry_runner_lost)),
  createdAt: Number(r.created_at),
});

export const toRun = (r: Row): Run => ({
  id: Number(r.id),
  projectId: Number(r.project_id),
  number: Number(r.number),
  workflowPath: r.workflow_path,
  workflowName: r.workflow_name,
  event: r.event,
  ref: r.ref,
  sha: r.sha,
  payload: json(r.payload, {}),
  inputs: json(r.inputs, {}),
  actor: r.actor,
  attempt: Number(r.attempt),
  status: r.status,
  conclusion: r.conclusion ?? null,
  reason: r.reason ?? null,
  concurrencyGroup: r.concurrency_group ?? null,
  cancelInProgress: Boolean(Number(r.cancel_in_progress)),
  plan: json(r.plan, {}),
  createdAt: Number(r.created_at),
  startedAt: num(r.started_at),
  finishedAt: num(r.finished_at),
});

export const toJob = (r: Row): Job => ({
  id: Number(r.id),
  runId: Number(r.run_id),
  projectId: Number(r.project_id),
  runAttempt: Number(r.run_attempt),
  key: r.key,
  jobId: r.job_id,
  name: r.name,
  needs: json(r.needs, []),
  runsOn: json(r.runs_on, []),
  plan: json(r.plan, {}),
  status: r.status,
  conclusion: r.conclusion ?? null,
  reason: r.reason ?? null,
  attempt: Number(r.attempt),
  leaseToken: Number(r.lease_token),
  leaseOwner: num(r.lease_owner),
  runnerId: num(r.runner_id),
  leaseExpiresAt: num(r.lease_expires_at),
  deadlineAt: num(r.deadline_at),
  timeoutMs: Number(r.timeout_ms),
  cancelRequested: Boolean(Number(r.cancel_requested)),
  logCount: Number(r.log_count),
  outputs: json(r.outputs, {}),
  concurrencyGroup: r.concurrency_group ?? null,
  environment: r.environment ?? null,
  billableMinutes: num(r.billable_minutes),
  summary: r.summary || null,
  createdAt: Number(r.created_at),
  queuedAt: num(r.queued_at),
  claimedAt: num(r.claimed_at),
  startedAt: num(r.started_at),
  finishedAt: num(r.finished_at),
});

export const toStep = (r: Row): Step => ({
  jobId: Number(r.job_id),
  attempt: Number(r.attempt),
  number: Number(r.number),
  name: r.name,
  status: r.status,
  conclusion: r.conclusion ?? null,
  startedAt: num(r.started_at),
  finishedAt: num(r.finished_at),
});

export const toRunner = (r: Row): RunnerInfo => ({
  id: Number(r.id),
  name: r.name,
  labels: json(r.labels, []),
  tokenId: Number(r.token_id ?? 0),
  projects: json<string[] | null>(r.projects, null),
  capacity: Number(r.capacity),
  version: r.version,
  lastSeenAt: Number(r.last_seen_at),
});

export const toCheck = (r: Row): Check => ({
  name: r.name,
  runId: Number(r.run_id),
  jobId: Number(r.job_id),
  status: r.status,
  conclusion: r.conclusion ?? null,
  updatedAt: Number(r.updated_at),
});

export const toApproval = (r: Row): Approval => ({
  id: Number(r.id),
  jobId: Number(r.job_id),
  environment: r.environment,
  status: r.status,
  reviewer: r.reviewer ?? null,
  comment: r.comment ?? null,
  createdAt: Number(r.created_at),
  decidedAt: num(r.decided_at),
});

export const toDeployment = (r: Row): StoredDeployment => ({
  id: Number(r.id),
  projectId: Number(r.project_id),
  origin: r.origin,
  localId: Number(r.local_id),
  environment: r.environment,
  service: r.service,
  record: r.record,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export const toArtifact = (r: Row): ArtifactEntry => ({
  runId: Number(r.run_id),
  name: r.name,
  files: Number(r.files),
  size: Number(r.size),
  path: r.path,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
});

export const toCacheRow = (r: Row): CacheRow => ({
  id: Number(r.id),
  projectId: Number(r.project_id),
  scope: r.scope,
  key: r.key,
  version: r.version,
  size: Number(r.size),
  path: r.path,
  createdAt: Number(r.created_at),
  lastUsedAt: Number(r.last_used_at),
});
