import { NexusError } from '../errors.js';
import { toJob } from './rows.js';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';
import type { Conclusion, ExpiredLease, HeldLease, Job, Lease } from './types.js';

/**
 * The job queue: claim, acknowledge, lease renewal, results and lease expiry. Every write is conditional
 * on the job's status and fencing token, so a runner or replica holding stale state changes nothing.
 */
export const QUEUE_CHANNEL = 'nexus_queue';
export const LOG_CHANNEL = 'nexus_log';
/** A job lost this many times to infrastructure is failed rather than retried again. */
const MAX_ATTEMPTS = 3;

export class StaleLeaseError extends NexusError {
  constructor(lease: Lease, why: string) {
    super('STALE_LEASE', `job ${lease.jobId} attempt ${lease.attempt} lease ${lease.leaseToken}: ${why}`, { exitCode: 1 });
  }
}

export function labelsMatch(runsOn: string[], labels: string[]): boolean {
  const have = new Set(labels.map((l) => l.toLowerCase()));
  return runsOn.every((l) => have.has(l.toLowerCase()));
}

/** Who claims: a registered runner, the token it speaks with, and what that token may take. */
export interface Claimant {
  id: number;
  labels: string[];
  tokenId: number;
  /** Project names the runner's token is limited to; null: every project. */
  projects: string[] | null;
}

/** The strings of a JSON array (a column or a parameter) as a one-column set, in the dialect's words. */
function jsonStrings(dialect: SqlExecutor['dialect'], json: string): string {
  return dialect === 'postgres' ? `SELECT v FROM jsonb_array_elements_text(${json}::jsonb) AS t(v)` : `SELECT value AS v FROM json_each(${json})`;
}

/**
 * The queued jobs a claimant may take, matched in SQL: every runs-on label among the runner's (case
 * apart) and the project within its token's scope. Placeholders $1 (labels) and $2 (projects) are bound.
 */
function claimable(dialect: SqlExecutor['dialect'], scoped: boolean): string {
  return `j.status = 'queued'
    AND NOT EXISTS (SELECT 1 FROM (${jsonStrings(dialect, 'j.runs_on')}) AS wanted
      WHERE lower(wanted.v) NOT IN (SELECT lower(have.v) FROM (${jsonStrings(dialect, '$1')}) AS have))
    ${scoped ? `AND j.project_id IN (SELECT p.id FROM projects p WHERE p.name IN (SELECT allowed.v FROM (${jsonStrings(dialect, '$2')}) AS allowed))` : ''}`;
}

const claimParams = (c: Claimant): SqlValue[] => (c.projects ? [JSON.stringify(c.labels), JSON.stringify(c.projects)] : [JSON.stringify(c.labels)]);

/**
 * Takes the oldest job the claimant may run, in one statement. On PostgreSQL only that row is locked
 * (SKIP LOCKED, LIMIT 1), so claimers racing each other each take a different job instead of all
 * skipping one locked batch.
 */
export async function claimJob(db: SqlExecutor, runner: Claimant, ackMs: number): Promise<Job | undefined> {
  const params = claimParams(runner);
  const n = params.length;
  const now = Date.now();
  const row = await db.get(
    `UPDATE jobs SET status = 'assigned', runner_id = $${n + 1}, lease_owner = $${n + 2}, lease_token = lease_token + 1,
       lease_expires_at = $${n + 3}, claimed_at = $${n + 4}, reason = NULL
     WHERE status = 'queued' AND id = (SELECT j.id FROM jobs j WHERE ${claimable(db.dialect, !!runner.projects)}
       ORDER BY j.id LIMIT 1${db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : ''})
     RETURNING *`,
    [...params, runner.id, runner.tokenId, now + ackMs, now],
  );
  return row ? toJob(row) : undefined;
}

/** Whether a job the claimant may run is queued, locked by another claim or not. */
export async function hasClaimable(db: SqlExecutor, runner: Claimant): Promise<boolean> {
  return !!(await db.get(`SELECT 1 AS one FROM jobs j WHERE ${claimable(db.dialect, !!runner.projects)} LIMIT 1`, claimParams(runner)));
}

export const billableMinutes = (startedAt: number | null, finishedAt: number): number =>
  startedAt === null ? 0 : Math.max(1, Math.ceil((finishedAt - startedAt) / 60_000));

async function jobRow(db: SqlExecutor, id: number, lock = false): Promise<Job | undefined> {
  const row = await db.get(`SELECT * FROM jobs WHERE id = $1${lock && db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, [id]);
  return row ? toJob(row) : undefined;
}

export function holds(job: Job | undefined, lease: HeldLease): job is Job {
  return !!job && job.attempt === lease.attempt && job.leaseToken === lease.leaseToken && job.leaseOwner === lease.owner;
}

export async function ackJob(driver: SqlDriver, lease: HeldLease, leaseMs: number): Promise<Job> {
  const now = Date.now();
  const changed = await driver.run(
    `UPDATE jobs SET status = 'running', started_at = $4, lease_expires_at = $5, deadline_at = $4 + timeout_ms
     WHERE id = $1 AND attempt = $2 AND lease_token = $3 AND lease_owner = $6 AND status = 'assigned'`,
    [lease.jobId, lease.attempt, lease.leaseToken, now, now + leaseMs, lease.owner],
  );
  const job = await jobRow(driver, lease.jobId);
  // A repeated acknowledgement (its first answer lost) is fine while the lease is still ours.
  if (holds(job, lease) && (changed || job.status === 'running')) return job;
  throw new StaleLeaseError(lease, job ? `the job is ${job.status} under lease ${job.leaseToken}` : 'no such job');
}

export async function heartbeat(driver: SqlDriver, lease: HeldLease, leaseMs: number): Promise<Job> {
  const changed = await driver.run(
    `UPDATE jobs SET lease_expires_at = $4 WHERE id = $1 AND attempt = $2 AND lease_token = $3 AND lease_owner = $5 AND status = 'running'`,
    [lease.jobId, lease.attempt, lease.leaseToken, Date.now() + leaseMs, lease.owner],
  );
  const job = await jobRow(driver, lease.jobId);
  if (changed && holds(job, lease)) return job;
  throw new StaleLeaseError(lease, job ? `the job is ${job.status}${job.reason ? ` (${job.reason})` : ''}` : 'no such job');
}

export async function finishJob(
  driver: SqlDriver,
  lease: HeldLease,
  result: { conclusion: Conclusion; outputs?: Record<string, string>; reason?: string | null; summary?: string | null },
): Promise<Job> {
  return driver.tx(async (db) => {
    const job = await jobRow(db, lease.jobId, true);
    if (holds(job, lease) && job.status === 'completed') return job; // a retried finish
    if (!holds(job, lease) || job.status !== 'running') {
      throw new StaleLeaseError(lease, job ? `the job is ${job.status}` : 'no such job');
    }
    const now = Date.now();
    // A runner that gives no reason keeps the server's (why it was cancelled, for one).
    await db.run(
      `UPDATE jobs SET status = 'completed', conclusion = $2, outputs = $3, reason = COALESCE($4, reason), finished_at = $5,
         billable_minutes = $6, summary = $7, lease_expires_at = NULL WHERE id = $1`,
      [job.id, result.conclusion, JSON.stringify(result.outputs ?? {}), result.reason ?? null, now, result.conclusion === 'skipped' ? 0 : billableMinutes(job.startedAt, now), result.summary || null],
    );
    return (await jobRow(db, job.id))!;
  });
}

/**
 * Ends leases whose holder went silent. An unacknowledged claim goes back to the queue (its answer was
 * probably lost); a running job fails with "runner lost", or becomes a new attempt when the project opts in.
 */
export async function expireLeases(driver: SqlDriver, now: number): Promise<ExpiredLease[]> {
  const rows = await driver.all(
    `SELECT j.*, p.retry_runner_lost FROM jobs j JOIN runs r ON r.id = j.run_id JOIN projects p ON p.id = r.project_id
     WHERE j.status IN ('assigned', 'running') AND j.lease_expires_at < $1`,
    [now],
  );
  const out: ExpiredLease[] = [];
  for (const row of rows) {
    const job = toJob(row);
    const fence = [job.id, job.leaseToken, job.status];
    let outcome: ExpiredLease['outcome'];
    let changed: number;
    if (job.status === 'assigned') {
      outcome = 'requeued';
      changed = await driver.run(
        `UPDATE jobs SET status = 'queued', runner_id = NULL, lease_token = lease_token + 1, lease_expires_at = NULL,
           reason = 'claim not acknowledged; re-queued' WHERE id = $1 AND lease_token = $2 AND status = $3`,
        fence,
      );
    } else if (Number(row.retry_runner_lost) && job.attempt < MAX_ATTEMPTS && !job.cancelRequested) {
      outcome = 'retried';
      changed = await driver.run(
        `UPDATE jobs SET status = 'queued', attempt = attempt + 1, runner_id = NULL, lease_token = lease_token + 1,
           lease_expires_at = NULL, deadline_at = NULL, started_at = NULL, log_count = 0, summary = NULL, queued_at = $4,
           reason = $5 WHERE id = $1 AND lease_token = $2 AND status = $3`,
        [...fence, now, `runner lost during attempt ${job.attempt}; retrying as attempt ${job.attempt + 1}`],
      );
    } else {
      outcome = 'failed';
      changed = await driver.run(
        `UPDATE jobs SET status = 'completed', conclusion = $4, reason = 'runner lost', lease_token = lease_token + 1,
           lease_expires_at = NULL, finished_at = $5, billable_minutes = $6 WHERE id = $1 AND lease_token = $2 AND status = $3`,
        [...fence, job.cancelRequested ? 'cancelled' : 'failure', now, billableMinutes(job.startedAt, now)],
      );
    }
    if (changed) out.push({ job: (await jobRow(driver, job.id))!, outcome });
  }
  if (out.some((e) => e.outcome !== 'failed')) await driver.notify(QUEUE_CHANNEL, '');
  return out;
}

/** Fails running jobs past their timeout, even when their runner is gone; the new token fences the runner. */
export async function expireDeadlines(driver: SqlDriver, now: number): Promise<Job[]> {
  const rows = await driver.all(`SELECT * FROM jobs WHERE status = 'running' AND deadline_at < $1`, [now]);
  const out: Job[] = [];
  for (const row of rows) {
    const job = toJob(row);
    const changed = await driver.run(
      `UPDATE jobs SET status = 'completed', conclusion = 'failure', reason = $3, lease_token = lease_token + 1,
         lease_expires_at = NULL, finished_at = $4, billable_minutes = $5 WHERE id = $1 AND lease_token = $2 AND status = 'running'`,
      [job.id, job.leaseToken, `timed out after ${Math.round(job.timeoutMs / 60_000 * 100) / 100} minutes`, now, billableMinutes(job.startedAt, now)],
    );
    if (changed) out.push((await jobRow(driver, job.id))!);
  }
  return out;
}

/**
 * Ack-index append (as Gitea's UpdateLog): chunk `seq` is stored only if it is the next one, so a retried
 * chunk is not duplicated and a gap is never written; the reply is the count stored.
 */
export async function appendLog(driver: SqlDriver, lease: HeldLease, seq: number, data: string): Promise<number> {
  const count = await driver.tx(async (db) => {
    const row = await db.get<{ status: string; attempt: number; lease_token: number; lease_owner: number | null; log_count: number }>(
      `SELECT status, attempt, lease_token, lease_owner, log_count FROM jobs WHERE id = $1${db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
      [lease.jobId],
    );
    const fenced = !row || Number(row.attempt) !== lease.attempt || Number(row.lease_token) !== lease.leaseToken || row.lease_owner === null || Number(row.lease_owner) !== lease.owner;
    if (fenced || (row.status !== 'running' && row.status !== 'assigned')) {
      throw new StaleLeaseError(lease, row ? `the job is ${row.status}${fenced ? ' under another lease' : ''}` : 'no such job');
    }
    const stored = Number(row.log_count);
    if (seq !== stored) return stored;
    await db.run('INSERT INTO log_chunks (job_id, attempt, seq, data, created_at) VALUES ($1, $2, $3, $4, $5)', [lease.jobId, lease.attempt, seq, data, Date.now()]);
    await db.run('UPDATE jobs SET log_count = log_count + 1 WHERE id = $1', [lease.jobId]);
    return stored + 1;
  });
  await driver.notify(LOG_CHANNEL, String(lease.jobId));
  return count;
}
