/**
 * Glossary of what the store holds.
 * - project: a hosted repository; its workflows are read from pushed commits.
 * - run: one workflow triggered by one event; `attempt` grows when it is re-run.
 * - job: one planned job of one run attempt (`key` is GitHub's check name, e.g. `unit-tests (frontend)`).
 *   Its own `attempt` grows when infrastructure loss retries it; `lease_token` is the fencing token that
 *   every runner call must present.
 * - log chunk: an ordered piece of a job attempt's log; `log_count` on the job is the acknowledged length.
 */
export type Role = 'admin' | 'developer' | 'viewer' | 'runner';
export const roles: Role[] = ['admin', 'developer', 'viewer', 'runner'];

/** pending: waits for needs/concurrency/approval; queued: claimable; assigned: claimed, not yet acknowledged. */
/** `waiting`: started, but held by its environment's protection rules (an approval, a wait timer). */
export type JobStatus = 'pending' | 'waiting' | 'queued' | 'assigned' | 'running' | 'completed';
export type RunStatus = 'waiting' | 'in_progress' | 'completed';
export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface Project {
  id: number;
  name: string;
  defaultBranch: string;
  retryRunnerLost: boolean;
  createdAt: number;
}

export interface Run {
  id: number;
  projectId: number;
  number: number;
  workflowPath: string;
  workflowName: string;
  event: string;
  ref: string;
  sha: string;
  payload: unknown;
  inputs: Record<string, unknown>;
  actor: string;
  attempt: number;
  status: RunStatus;
  conclusion: Conclusion | null;
  reason: string | null;
  concurrencyGroup: string | null;
  cancelInProgress: boolean;
  /** Whatever the scheduler needs to plan later jobs (workflow source, contexts); opaque to the store. */
  plan: unknown;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface Job {
  id: number;
  runId: number;
  projectId: number;
  runAttempt: number;
  key: string;
  jobId: string;
  name: string;
  needs: string[];
  runsOn: string[];
  plan: unknown;
  status: JobStatus;
  conclusion: Conclusion | null;
  reason: string | null;
  attempt: number;
  leaseToken: number;
  /** The token whose runner claimed the job: only its calls hold the lease. */
  leaseOwner: number | null;
  runnerId: number | null;
  leaseExpiresAt: number | null;
  deadlineAt: number | null;
  timeoutMs: number;
  cancelRequested: boolean;
  logCount: number;
  outputs: Record<string, string>;
  concurrencyGroup: string | null;
  environment: string | null;
  billableMinutes: number | null;
  /** The step summaries (Markdown, already masked) reported when the job finished. */
  summary: string | null;
  createdAt: number;
  queuedAt: number | null;
  claimedAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface NewJob {
  key: string;
  jobId: string;
  name: string;
  needs: string[];
  runsOn: string[];
  plan: unknown;
  status: 'pending' | 'queued' | 'completed';
  conclusion?: Conclusion | null;
  reason?: string | null;
  outputs?: Record<string, string>;
  timeoutMs: number;
  concurrencyGroup?: string | null;
  environment?: string | null;
}

export type NewRun = Pick<Run, 'projectId' | 'workflowPath' | 'workflowName' | 'event' | 'ref' | 'sha' | 'payload' | 'inputs' | 'actor' | 'status' | 'plan'> & {
  reason?: string | null;
  /** What triggered the run (a ref update, a webhook delivery) and for which workflow: one run per key. */
  triggerKey?: string | null;
  concurrencyGroup?: string | null;
  cancelInProgress?: boolean;
  jobs: NewJob[];
};

export interface Step {
  jobId: number;
  attempt: number;
  number: number;
  name: string;
  status: 'in_progress' | 'completed';
  conclusion: Conclusion | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface RunnerInfo {
  id: number;
  name: string;
  labels: string[];
  /** The token it registered with, and the projects that token may take jobs of (null: every project). */
  tokenId: number;
  projects: string[] | null;
  capacity: number;
  version: string;
  lastSeenAt: number;
}

/** What a runner must present on every call about a job. */
export interface Lease {
  jobId: number;
  attempt: number;
  leaseToken: number;
}

/** A lease as the server checks it: the call's token must be the one whose runner claimed the job. */
export interface HeldLease extends Lease {
  owner: number;
}

export interface Check {
  name: string;
  runId: number;
  jobId: number;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: Conclusion | null;
  updatedAt: number;
}

export interface JobMinutes {
  project: string;
  key: string;
  workflowName: string;
  runId: number;
  startedAt: number;
  finishedAt: number;
  billableMinutes: number;
}

export interface LogChunk {
  attempt: number;
  seq: number;
  data: string;
}

/** What lease expiry did to a job: re-queued an unacknowledged claim, failed it, or retried it. */
export interface ExpiredLease {
  job: Job;
  outcome: 'requeued' | 'failed' | 'retried';
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

/** A job's request to deploy to a protected environment, and the review that decided it. */
/** A deployment record as a runner reported it: the record is the deploy half's JSON, kept as it came. */
export interface StoredDeployment {
  id: number;
  projectId: number;
  origin: string;
  localId: number;
  environment: string;
  service: string;
  record: string;
  createdAt: number;
  updatedAt: number;
}

/** A shared cache entry the server holds: scoped to the ref that saved it, as GitHub scopes caches. */
export interface CacheRow {
  id: number;
  projectId: number;
  scope: string;
  key: string;
  version: string;
  size: number;
  path: string;
  createdAt: number;
  lastUsedAt: number;
}

/** A run artifact the server holds; `path` is its folder under the server's data folder. */
export interface ArtifactEntry {
  runId: number;
  name: string;
  files: number;
  size: number;
  path: string;
  createdAt: number;
  expiresAt: number;
}

export interface Approval {
  id: number;
  jobId: number;
  environment: string;
  status: ApprovalStatus;
  reviewer: string | null;
  comment: string | null;
  createdAt: number;
  decidedAt: number | null;
}
