import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NexusError } from '../errors.js';
import { migrate } from './migrations.js';
import { PostgresDriver } from './postgres-driver.js';
import { SecretBox, loadSecretKey } from './secret-box.js';
import type { Dialect, SqlDriver } from './sql.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SqlStore } from './sql-store.js';
import type {
  Approval, ApprovalStatus, ArtifactEntry, CacheRow, Check, Conclusion, ExpiredLease, Job, JobMinutes, JobStatus, Lease, LogChunk, NewJob, NewRun, Project, Role, Run,
  RunStatus, RunnerInfo, Step, StoredDeployment,
} from './types.js';

export type JobPatch = Partial<Pick<Job, 'status' | 'conclusion' | 'reason' | 'cancelRequested' | 'runsOn' | 'plan' | 'outputs' | 'name' | 'timeoutMs' | 'concurrencyGroup' | 'environment'>>;
export type RunPatch = Partial<Pick<Run, 'status' | 'conclusion' | 'reason' | 'attempt' | 'startedAt' | 'finishedAt'>>;

export interface TokenInfo {
  id: number;
  name: string;
  role: Role;
}

/**
 * Everything the server keeps. Two drivers (SQLite, PostgreSQL) sit behind one implementation; every
 * state change that can race (claims, leases, transitions) is a conditional update, so several server
 * replicas can share one database.
 */
export interface Store {
  readonly dialect: Dialect;
  close(): Promise<void>;

  createProject(name: string, defaultBranch?: string): Promise<Project>;
  getProject(name: string): Promise<Project | undefined>;
  getProjectById(id: number): Promise<Project | undefined>;
  listProjects(): Promise<Project[]>;
  updateProject(id: number, patch: Partial<Pick<Project, 'defaultBranch' | 'retryRunnerLost'>>): Promise<void>;

  createRun(run: NewRun): Promise<Run>;
  getRun(id: number): Promise<Run | undefined>;
  listRuns(filter?: { projectId?: number; status?: RunStatus[]; concurrencyGroup?: string; limit?: number }): Promise<Run[]>;
  /** Conditional: applies only while the run's status is one of `from` (any status when omitted). */
  updateRun(id: number, patch: RunPatch, from?: RunStatus[]): Promise<boolean>;
  addJobs(runId: number, runAttempt: number, jobs: NewJob[]): Promise<Job[]>;
  getJob(id: number): Promise<Job | undefined>;
  listJobs(runId: number, runAttempt?: number): Promise<Job[]>;
  listJobsByStatus(status: JobStatus[], limit?: number): Promise<Job[]>;
  /** Conditional transition: applies only while the job's status is one of `from`. */
  updateJob(id: number, patch: JobPatch, from: JobStatus[]): Promise<boolean>;

  /** Claims the oldest queued job whose runs-on labels the runner has; it stays `assigned` until acknowledged. */
  claimJob(runner: { id: number; labels: string[] }, ackMs: number): Promise<Job | undefined>;
  ackJob(lease: Lease, leaseMs: number): Promise<Job>;
  heartbeat(lease: Lease, leaseMs: number): Promise<Job>;
  finishJob(lease: Lease, result: { conclusion: Conclusion; outputs?: Record<string, string>; reason?: string | null; summary?: string | null }): Promise<Job>;
  expireLeases(now?: number): Promise<ExpiredLease[]>;
  expireDeadlines(now?: number): Promise<Job[]>;
  onQueued(listener: () => void): () => void;

  /** Stores chunk `seq` of the lease's attempt if it is the next one; returns how many chunks are stored. */
  appendLog(lease: Lease, seq: number, data: string): Promise<number>;
  readLogs(jobId: number, after?: { attempt: number; seq: number }): Promise<LogChunk[]>;
  onLog(listener: (jobId: number) => void): () => void;
  /** The job the lease holds while it runs; a stale lease is an error (409 on the wire). */
  heldJob(lease: Lease): Promise<Job>;
  recordStep(lease: Lease, step: Pick<Step, 'number' | 'name' | 'status' | 'conclusion'>): Promise<void>;
  listSteps(jobId: number): Promise<Step[]>;

  registerRunner(runner: { name: string; labels: string[]; capacity: number; version: string }): Promise<RunnerInfo>;
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

  createToken(name: string, role: Role): Promise<string>;
  verifyToken(token: string): Promise<TokenInfo | undefined>;
  countTokens(): Promise<number>;

  setSecret(projectId: number, environment: string, name: string, value: string): Promise<void>;
  deleteSecret(projectId: number, environment: string, name: string): Promise<boolean>;
  listSecretNames(projectId: number): Promise<{ environment: string; name: string; updatedAt: number }[]>;
  /** Project secrets overlaid with the environment's; for handing to a runner only. */
  secretsFor(projectId: number, environment?: string | null): Promise<Record<string, string>>;
  setVariable(projectId: number, environment: string, name: string, value: string): Promise<void>;
  variablesFor(projectId: number, environment?: string | null): Promise<Record<string, string>>;

  recordDelivery(d: { source: string; event: string; delivery: string; status: number; outcome: string }): Promise<void>;
  listDeliveries(limit?: number): Promise<{ id: number; source: string; event: string; delivery: string; status: number; outcome: string; createdAt: number }[]>;

  replaceSchedules(projectId: number, entries: { workflowPath: string; cron: string; nextAt: number }[]): Promise<void>;
  dueSchedules(now: number): Promise<{ projectId: number; workflowPath: string; cron: string; nextAt: number }[]>;
  /** Moves a schedule from `fromNextAt` to `toNextAt`; false when another replica already did. */
  advanceSchedule(entry: { projectId: number; workflowPath: string; cron: string }, fromNextAt: number, toNextAt: number): Promise<boolean>;

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
