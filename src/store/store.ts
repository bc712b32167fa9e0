import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NexusError } from '../errors.js';
import { migrate } from './migrations.js';
import { PostgresDriver } from './postgres-driver.js';
import type { Claimant } from './queue.js';
import { SecretBox, loadSecretKey } from './secret-box.js';
import type { Dialect, SqlDriver } from './sql.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SqlStore } from './sql-store.js';
import type {
  Approval, ApprovalStatus, ArtifactEntry, CacheRow, Check, Conclusion, ExpiredLease, HeldLease, Job, JobMinutes, JobStatus, LogChunk, NewJob, NewRun, Project, Role, Run,
  RunStatus, RunnerInfo, Step, StoredDeployment,
} from './types.js';

export type JobPatch = Partial<Pick<Job, 'status' | 'conclusion' | 'reason' | 'cancelRequested' | 'runsOn' | 'plan' | 'outputs' | 'name' | 'timeoutMs' | 'concurrencyGroup' | 'environment'>>;
export type RunPatch = Partial<Pick<Run, 'status' | 'conclusion' | 'reason' | 'attempt' | 'startedAt' | 'finishedAt'>>;

export interface TokenInfo {
  id: number;
  name: string;
  role: Role;
  /** For a runner token: the projects whose jobs it may take (null: every project). */
  projects: string[] | null;
}

/** What creating a run did: `created` is false when a run with its trigger key already existed (returned as `run`). */
export interface CreatedRun {
  run: Run;
  created: boolean;
  /** In-progress runs of its concurrency group that cancel-in-progress now cancels. */
  cancel: number[];
}

/** A job-level concurrency group, scoped to the job's project as GitHub scopes groups to a repository. */
export interface JobGroup {
  name: string;
  cancelInProgress: boolean;
  /** The reason a job held by the group shows; it also marks the group's pending job. */
  heldReason: string;
}

/** One ref a push changed, recorded before anything is triggered so that no acknowledged push is lost. */
export interface RefUpdateRecord {
  id: number;
  projectId: number;
  ref: string;
  before: string;
  after: string;
  /** Every ref of the repository just before the push. */
  refsBefore: Record<string, string>;
  pusher: string;
}

/**
 * Everything the server keeps. Two drivers (SQLite, PostgreSQL) sit behind one implementation; every
 * state change that can race (claims, leases, transitions) is a conditional update, so several server
 * replicas can share one database.
 */
export interface Store {
  readonly dialect: Dialect;
  close(): Promise<void>;
  /** An HMAC of `message` under the server's secret key (replicas share it); `purpose` keeps uses apart. */
  sign(purpose: string, message: string): string;

  createProject(name: string, defaultBranch?: string): Promise<Project>;
  getProject(name: string): Promise<Project | undefined>;
  getProjectById(id: number): Promise<Project | undefined>;
  listProjects(): Promise<Project[]>;
  updateProject(id: number, patch: Partial<Pick<Project, 'defaultBranch' | 'retryRunnerLost'>>): Promise<void>;

  /**
   * Creates a run (once per trigger key). A run with a concurrency group takes its place in the group
   * atomically: it starts or waits (status decided here), an older waiting run of the group is cancelled,
   * and with cancel-in-progress the group's active runs are returned to cancel.
   */
  createRun(run: NewRun): Promise<CreatedRun>;
  getRun(id: number): Promise<Run | undefined>;
  listRuns(filter?: { projectId?: number; status?: RunStatus[]; concurrencyGroup?: string; limit?: number }): Promise<Run[]>;
  /** Conditional: applies only while the run's status is one of `from` (any status when omitted). */
  updateRun(id: number, patch: RunPatch, from?: RunStatus[]): Promise<boolean>;
  /**
   * Completes an in-progress run and, in the same transaction, starts the oldest run waiting in its
   * concurrency group; `won` is false when the run was not in progress.
   */
  concludeRun(id: number, conclusion: Conclusion): Promise<{ won: boolean; promoted: number | null }>;
  addJobs(runId: number, runAttempt: number, jobs: NewJob[]): Promise<Job[]>;
  getJob(id: number): Promise<Job | undefined>;
  listJobs(runId: number, runAttempt?: number): Promise<Job[]>;
  /** Conditional transition: applies only while the job's status is one of `from`. */
  updateJob(id: number, patch: JobPatch, from: JobStatus[]): Promise<boolean>;
  /**
   * Queues a pending or waiting job, through its concurrency group when it has one (atomically, so two
   * replicas never queue two jobs of a group): held while another job of the group is queued or running
   * (unless cancel-in-progress), and the group's older held job is replaced. Returns whether it was
   * queued, the held jobs it replaced and the active ones cancel-in-progress supersedes (to cancel now).
   */
  queueJob(id: number, group?: JobGroup): Promise<{ queued: boolean; replaced: number[]; superseded: number[] }>;
  /** Jobs of a project's concurrency group in the given states. */
  listGroupJobs(projectId: number, group: string, status: JobStatus[]): Promise<Job[]>;

  /** Claims the oldest queued job the runner may take (labels, token scope); it stays `assigned` until acknowledged. */
  claimJob(runner: Claimant, ackMs: number): Promise<Job | undefined>;
  /** Whether a job the runner may take is queued (a claim that found nothing may have lost a race for it). */
  hasClaimable(runner: Claimant): Promise<boolean>;
  ackJob(lease: HeldLease, leaseMs: number): Promise<Job>;
  heartbeat(lease: HeldLease, leaseMs: number): Promise<Job>;
  finishJob(lease: HeldLease, result: { conclusion: Conclusion; outputs?: Record<string, string>; reason?: string | null; summary?: string | null }): Promise<Job>;
  expireLeases(now?: number): Promise<ExpiredLease[]>;
  expireDeadlines(now?: number): Promise<Job[]>;
  onQueued(listener: () => void): () => void;

  /** Stores chunk `seq` of the lease's attempt if it is the next one; returns how many chunks are stored. */
  appendLog(lease: HeldLease, seq: number, data: string): Promise<number>;
  readLogs(jobId: number, after?: { attempt: number; seq: number }): Promise<LogChunk[]>;
  onLog(listener: (jobId: number) => void): () => void;
  /** The job the lease holds while it runs; a stale lease is an error (409 on the wire). */
  heldJob(lease: HeldLease): Promise<Job>;
  recordStep(lease: HeldLease, step: Pick<Step, 'number' | 'name' | 'status' | 'conclusion'>): Promise<void>;
  listSteps(jobId: number): Promise<Step[]>;

  registerRunner(runner: { name: string; labels: string[]; capacity: number; version: string; tokenId: number; projects: string[] | null }): Promise<RunnerInfo>;
  getRunner(id: number): Promise<RunnerInfo | undefined>;
  touchRunner(id: number): Promise<void>;
  listRunners(seenSince?: number): Promise<RunnerInfo[]>;
  activeJobsPerRunner(): Promise<Map<number, number>>;

  setCheck(projectId: number, sha: string, check: Omit<Check, 'updatedAt'>): Promise<void>;
  listChecks(projectId: number, sha: string): Promise<Check[]>;
  /** The job's approval request for `environment`, created on first call (the request time starts timers). */
  requestApproval(jobId: number, environment: string): Promise<Approval>;
  getApproval(id: number): Promise<Approval | undefined>;
  listApprovals(filter: { jobId?: number; projectId?: number; status?: ApprovalStatus[] }): Promise<Approval[]>;
  /** Records the review on a pending request; false when it was already decided. */
  decideApproval(id: number, review: { status: Exclude<ApprovalStatus, 'pending'>; reviewer: string; comment: string | null }): Promise<boolean>;

  /** Inserts or replaces the record (origin, localId); returns the server's id for it. */
  saveDeployment(d: Omit<StoredDeployment, 'id' | 'updatedAt'>): Promise<number>;
  findDeployment(origin: string, localId: number): Promise<StoredDeployment | undefined>;
  /** Newest first. */
  listDeployments(filter: { projectId: number; environment?: string; service?: string; limit?: number }): Promise<StoredDeployment[]>;
  /** Records (or replaces, as upload-artifact's overwrite does) a run's artifact. */
  saveArtifact(a: ArtifactEntry): Promise<void>;
  /** The run's artifacts by name, expired ones left out. */
  listArtifacts(runId: number, now?: number): Promise<ArtifactEntry[]>;

  /** The project's cache entries of `version` in any of `scopes`. */
  listCacheEntries(projectId: number, filter?: { scopes?: string[]; version?: string }): Promise<CacheRow[]>;
  /** Records an entry; false when one for the same scope, key and version is already there (it stands). */
  addCacheEntry(row: Omit<CacheRow, 'id' | 'lastUsedAt'>): Promise<boolean>;
  touchCacheEntry(id: number): Promise<void>;
  deleteCacheEntry(id: number): Promise<void>;

  /** A new token, returned once (only its hash is kept); `projects` limits a runner token. */
  createToken(name: string, role: Role, projects?: string[] | null): Promise<string>;
  verifyToken(token: string): Promise<TokenInfo | undefined>;
  countTokens(): Promise<number>;

  setSecret(projectId: number, environment: string, name: string, value: string): Promise<void>;
  deleteSecret(projectId: number, environment: string, name: string): Promise<boolean>;
  listSecretNames(projectId: number): Promise<{ environment: string; name: string; updatedAt: number }[]>;
  /** Project secrets overlaid with the environment's; for handing to a runner only. */
  secretsFor(projectId: number, environment?: string | null): Promise<Record<string, string>>;
  setVariable(projectId: number, environment: string, name: string, value: string): Promise<void>;
  deleteVariable(projectId: number, environment: string, name: string): Promise<boolean>;
  /** Variables are not secret: names and values. */
  listVariables(projectId: number): Promise<{ environment: string; name: string; value: string; updatedAt: number }[]>;
  variablesFor(projectId: number, environment?: string | null): Promise<Record<string, string>>;

  /** Records a delivery; only the newest `keep` deliveries are kept, so refused floods cannot fill the store. */
  recordDelivery(d: { source: string; event: string; delivery: string; status: number; outcome: string }, keep?: number): Promise<void>;
  listDeliveries(limit?: number): Promise<{ id: number; source: string; event: string; delivery: string; status: number; outcome: string; createdAt: number }[]>;

  replaceSchedules(projectId: number, entries: { workflowPath: string; cron: string; nextAt: number }[]): Promise<void>;
  dueSchedules(now: number): Promise<{ projectId: number; workflowPath: string; cron: string; nextAt: number }[]>;
  /** Moves a schedule from `fromNextAt` to `toNextAt`; false when another replica already did. */
  advanceSchedule(entry: { projectId: number; workflowPath: string; cron: string }, fromNextAt: number, toNextAt: number): Promise<boolean>;

  /** Records a push's ref updates once per source (journal entry); returns the ids of the ones not yet processed. */
  recordRefUpdates(updates: (Omit<RefUpdateRecord, 'id'> & { source: string })[]): Promise<number[]>;
  /** Takes an unprocessed ref update for `leaseMs` (another replica may take it after that); undefined when taken or done. */
  takeRefUpdate(id: number, leaseMs: number): Promise<RefUpdateRecord | undefined>;
  finishRefUpdate(id: number): Promise<void>;
  /** Ref updates not processed yet, oldest first. */
  pendingRefUpdates(): Promise<number[]>;

  jobMinutes(fromMs: number, toMs: number, projectId?: number): Promise<JobMinutes[]>;
}

export interface StoreOptions {
  /** The data folder: SQLite file and secret key file live here. */
  dataDir: string;
  /** `postgres://...` selects PostgreSQL; otherwise SQLite in the data folder. */
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
}

/** Opens the store and applies pending migrations. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const url = options.databaseUrl;
  let driver: SqlDriver;
  if (url && /^postgres(ql)?:\/\//.test(url)) driver = new PostgresDriver(url);
  else if (url) throw new NexusError('USAGE', `DATABASE_URL must start with postgres://, got ${JSON.stringify(url.replace(/:[^:@/]*@/, ':***@'))}`, { exitCode: 2 });
  else driver = SqliteDriver.shared(join(dataDir, 'nexus.db'));
  try {
    await migrate(driver);
  } catch (e) {
    await driver.close().catch(() => {});
    throw new NexusError('STORE', `cannot open the ${driver.dialect} store: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return new SqlStore(driver, new SecretBox(loadSecretKey(options.env ?? process.env, dataDir)));
}
