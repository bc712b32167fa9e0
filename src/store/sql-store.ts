import { createHash, randomBytes } from 'node:crypto';
import * as queue from './queue.js';
import { toApproval, toArtifact, toCacheRow, toCheck, toDeployment, toJob, toProject, toRun, toRunner, toStep } from './rows.js';
import type { SecretBox } from './secret-box.js';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';
import type { Claimant } from './queue.js';
import type { CreatedRun, JobGroup, JobPatch, RefUpdateRecord, RunPatch, Store, TokenInfo } from './store.js';
import type { Approval, ApprovalStatus, ArtifactEntry, CacheRow, Check, Conclusion, HeldLease, Job, JobStatus, NewJob, NewRun, Project, Role, Run, RunStatus, Step, StoredDeployment } from './types.js';

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
const placeholders = (values: unknown[], from = 1): string => values.map((_, i) => `$${i + from}`).join(', ');

/** JobPatch's scalar fields (strings, numbers, null) are already SQL values. */
const asIs = (v: unknown) => v as SqlValue;
const asJson = (v: unknown) => JSON.stringify(v);
const jobColumns: Record<keyof JobPatch, [string, (v: unknown) => SqlValue]> = {
  status: ['status', asIs],
  conclusion: ['conclusion', asIs],
  reason: ['reason', asIs],
  cancelRequested: ['cancel_requested', (v) => (v ? 1 : 0)],
  runsOn: ['runs_on', asJson],
  plan: ['plan', asJson],
  outputs: ['outputs', asJson],
  name: ['name', asIs],
  timeoutMs: ['timeout_ms', asIs],
  concurrencyGroup: ['concurrency_group', asIs],
  environment: ['environment', asIs],
};
const runColumns: Record<keyof RunPatch, string> = {
  status: 'status',
  conclusion: 'conclusion',
  reason: 'reason',
  attempt: 'attempt',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
};

/** The store over either SQL driver. */
export class SqlStore implements Store {
  constructor(
    private readonly db: SqlDriver,
    private readonly box: SecretBox,
  ) {}

  get dialect() {
    return this.db.dialect;
  }
  close(): Promise<void> {
    return this.db.close();
  }
  sign(purpose: string, message: string): string {
    return this.box.mac(purpose, message);
  }

  async createProject(name: string, defaultBranch = 'main'): Promise<Project> {
    const row = await this.db.get('INSERT INTO projects (name, default_branch, created_at) VALUES ($1, $2, $3) RETURNING *', [name, defaultBranch, Date.now()]);
    return toProject(row!);
  }
  async getProject(name: string): Promise<Project | undefined> {
    const row = await this.db.get('SELECT * FROM projects WHERE name = $1', [name]);
    return row && toProject(row);
  }
  async getProjectById(id: number): Promise<Project | undefined> {
    const row = await this.db.get('SELECT * FROM projects WHERE id = $1', [id]);
    return row && toProject(row);
  }
  async listProjects(): Promise<Project[]> {
    return (await this.db.all('SELECT * FROM projects ORDER BY name')).map(toProject);
  }
  async updateProject(id: number, patch: Partial<Pick<Project, 'defaultBranch' | 'retryRunnerLost'>>): Promise<void> {
    if (patch.defaultBranch !== undefined) await this.db.run('UPDATE projects SET default_branch = $2 WHERE id = $1', [id, patch.defaultBranch]);
    if (patch.retryRunnerLost !== undefined) await this.db.run('UPDATE projects SET retry_runner_lost = $2 WHERE id = $1', [id, patch.retryRunnerLost ? 1 : 0]);
  }

  async createRun(run: NewRun): Promise<CreatedRun> {
    const result = await this.db.tx(async (db): Promise<CreatedRun> => {
      if (run.triggerKey) {
        await this.db.lock(db, `run-trigger:${run.projectId}:${run.triggerKey}`);
        const existing = await db.get('SELECT * FROM runs WHERE project_id = $1 AND trigger_key = $2', [run.projectId, run.triggerKey]);
        if (existing) return { run: toRun(existing), created: false, cancel: [] };
      }
      let status = run.status;
      let reason = run.reason ?? null;
      const cancel: number[] = [];
      const group = run.concurrencyGroup;
      if (group) {
        // Taking a place in the group and inserting the run are one step: two replicas creating runs of
        // one group at once must not both start.
        await this.db.lock(db, `run-group:${run.projectId}:${group}`);
        const active = await db.all<{ id: number; status: RunStatus }>(
          `SELECT id, status FROM runs WHERE project_id = $1 AND concurrency_group = $2 AND status IN ('in_progress', 'waiting') ORDER BY id`,
          [run.projectId, group],
        );
        const waiting = active.filter((r) => r.status === 'waiting').map((r) => Number(r.id));
        await this.endWaitingRuns(db, waiting, run.cancelInProgress
          ? `cancelled: a newer run in concurrency group "${group}" started`
          : `cancelled: replaced by a newer run waiting in concurrency group "${group}"`);
        const inProgress = active.filter((r) => r.status === 'in_progress').map((r) => Number(r.id));
        if (run.cancelInProgress) cancel.push(...inProgress);
        else if (inProgress.length) (status = 'waiting'), (reason = `waiting for concurrency group "${group}"`);
      }
      const counter = await db.get<{ run_counter: number }>('UPDATE projects SET run_counter = run_counter + 1 WHERE id = $1 RETURNING run_counter', [run.projectId]);
      const now = Date.now();
      const row = await db.get(
        `INSERT INTO runs (project_id, number, workflow_path, workflow_name, event, ref, sha, payload, inputs, actor, status, reason,
           concurrency_group, cancel_in_progress, plan, created_at, started_at, trigger_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING *`,
        [
          run.projectId, Number(counter!.run_counter), run.workflowPath, run.workflowName, run.event, run.ref, run.sha,
          JSON.stringify(run.payload), JSON.stringify(run.inputs), run.actor, status, reason,
          group ?? null, run.cancelInProgress ? 1 : 0, JSON.stringify(run.plan), now,
          status === 'in_progress' ? now : null, run.triggerKey ?? null,
        ],
      );
      const created = toRun(row!);
      await this.insertJobs(db, created.id, 1, run.jobs);
      return { run: created, created: true, cancel };
    });
    if (result.created && run.jobs.some((j) => j.status === 'queued')) await this.db.notify(queue.QUEUE_CHANNEL, '');
    return result;
  }
  /** Waiting runs never started a job: they end here, with their jobs, in the caller's transaction. */
  private async endWaitingRuns(db: SqlExecutor, ids: number[], reason: string): Promise<void> {
    if (!ids.length) return;
    const now = Date.now();
    const list = placeholders(ids, 4);
    await db.run(`UPDATE runs SET status = 'completed', conclusion = 'cancelled', reason = $1, finished_at = $2 WHERE status = $3 AND id IN (${list})`, [reason, now, 'waiting', ...ids]);
    await db.run(
      `UPDATE jobs SET status = 'completed', conclusion = 'cancelled', reason = $1, finished_at = $2, billable_minutes = 0
       WHERE status = $3 AND run_id IN (${list})`,
      [reason, now, 'pending', ...ids],
    );
  }
  async concludeRun(id: number, conclusion: Conclusion): Promise<{ won: boolean; promoted: number | null }> {
    return this.db.tx(async (db) => {
      const run = await db.get<{ project_id: number; concurrency_group: string | null }>('SELECT project_id, concurrency_group FROM runs WHERE id = $1', [id]);
      if (!run) return { won: false, promoted: null };
      const group = run.concurrency_group;
      if (group) await this.db.lock(db, `run-group:${run.project_id}:${group}`);
      const now = Date.now();
      const won = (await db.run(`UPDATE runs SET status = 'completed', conclusion = $2, finished_at = $3 WHERE id = $1 AND status = 'in_progress'`, [id, conclusion, now])) > 0;
      if (!won || !group) return { won, promoted: null };
      const next = await db.get<{ id: number }>(
        `SELECT id FROM runs WHERE project_id = $1 AND concurrency_group = $2 AND status = 'waiting' ORDER BY id LIMIT 1`,
        [run.project_id, group],
      );
      if (!next) return { won, promoted: null };
      await db.run(`UPDATE runs SET status = 'in_progress', reason = NULL, started_at = $2 WHERE id = $1 AND status = 'waiting'`, [next.id, now]);
      return { won, promoted: Number(next.id) };
    });
  }
  private async insertJobs(db: SqlExecutor, runId: number, runAttempt: number, jobs: NewJob[]): Promise<Job[]> {
    const now = Date.now();
    const out: Job[] = [];
    for (const j of jobs) {
      const row = await db.get(
        `INSERT INTO jobs (run_id, run_attempt, key, job_id, name, needs, runs_on, plan, status, conclusion, reason, outputs,
           timeout_ms, concurrency_group, environment, created_at, queued_at, finished_at, billable_minutes, project_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, (SELECT project_id FROM runs WHERE id = $1)) RETURNING *`,
        [
          runId, runAttempt, j.key, j.jobId, j.name, JSON.stringify(j.needs), JSON.stringify(j.runsOn), JSON.stringify(j.plan),
          j.status, j.conclusion ?? null, j.reason ?? null, JSON.stringify(j.outputs ?? {}), j.timeoutMs, j.concurrencyGroup ?? null,
          j.environment ?? null, now, j.status === 'queued' ? now : null, j.status === 'completed' ? now : null,
          j.status === 'completed' ? 0 : null,
        ],
      );
      out.push(toJob(row!));
    }
    return out;
  }
  async getRun(id: number): Promise<Run | undefined> {
    const row = await this.db.get('SELECT * FROM runs WHERE id = $1', [id]);
    return row && toRun(row);
  }
  async listRuns(filter: { projectId?: number; status?: RunStatus[]; concurrencyGroup?: string; limit?: number } = {}): Promise<Run[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.projectId !== undefined) where.push(`project_id = $${params.push(filter.projectId)}`);
    if (filter.concurrencyGroup !== undefined) where.push(`concurrency_group = $${params.push(filter.concurrencyGroup)}`);
    if (filter.status?.length) where.push(`status IN (${filter.status.map((s) => `$${params.push(s)}`).join(', ')})`);
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.push(filter.limit ?? 100)}`;
    return (await this.db.all(sql, params)).map(toRun);
  }
  async updateRun(id: number, patch: RunPatch, from?: RunStatus[]): Promise<boolean> {
    const sets: string[] = [];
    const params: SqlValue[] = [id];
    for (const [k, v] of Object.entries(patch)) sets.push(`${runColumns[k as keyof RunPatch]} = $${params.push(v as SqlValue)}`);
    if (!sets.length) return true;
    const cond = from ? ` AND status IN (${from.map((s) => `$${params.push(s)}`).join(', ')})` : '';
    return (await this.db.run(`UPDATE runs SET ${sets.join(', ')} WHERE id = $1${cond}`, params)) > 0;
  }
  async addJobs(runId: number, runAttempt: number, jobs: NewJob[]): Promise<Job[]> {
    const out = await this.db.tx((db) => this.insertJobs(db, runId, runAttempt, jobs));
    if (jobs.some((j) => j.status === 'queued')) await this.db.notify(queue.QUEUE_CHANNEL, '');
    return out;
  }
  async getJob(id: number): Promise<Job | undefined> {
    const row = await this.db.get('SELECT * FROM jobs WHERE id = $1', [id]);
    return row && toJob(row);
  }
  async listJobs(runId: number, runAttempt?: number): Promise<Job[]> {
    const rows = runAttempt === undefined
      ? await this.db.all('SELECT * FROM jobs WHERE run_id = $1 ORDER BY run_attempt, id', [runId])
      : await this.db.all('SELECT * FROM jobs WHERE run_id = $1 AND run_attempt = $2 ORDER BY id', [runId, runAttempt]);
    return rows.map(toJob);
  }
  async updateJob(id: number, patch: JobPatch, from: JobStatus[]): Promise<boolean> {
    const sets: string[] = [];
    const params: SqlValue[] = [id];
    for (const [k, v] of Object.entries(patch)) {
      const [column, encode] = jobColumns[k as keyof JobPatch];
      sets.push(`${column} = $${params.push(encode(v))}`);
    }
    const now = Date.now();
    if (patch.status === 'queued') sets.push(`queued_at = $${params.push(now)}`);
    if (patch.status === 'completed') {
      sets.push('lease_token = lease_token + 1', 'lease_expires_at = NULL');
      sets.push(`finished_at = $${params.push(now)}`);
      // Billed like GitHub: whole minutes, rounded up per job, only when it started.
      sets.push(`billable_minutes = CASE WHEN started_at IS NULL THEN 0 ELSE (($${params.push(now)} - started_at + 59999) / 60000) END`);
    }
    const changed = await this.db.run(`UPDATE jobs SET ${sets.join(', ')} WHERE id = $1 AND status IN (${from.map((s) => `$${params.push(s)}`).join(', ')})`, params);
    if (changed && patch.status === 'queued') await this.db.notify(queue.QUEUE_CHANNEL, '');
    return changed > 0;
  }

  async queueJob(id: number, group?: JobGroup): Promise<{ queued: boolean; replaced: number[]; superseded: number[] }> {
    const result = await this.db.tx(async (db) => {
      const toQueue = () => db.run(`UPDATE jobs SET status = 'queued', reason = NULL, queued_at = $2 WHERE id = $1 AND status IN ('pending', 'waiting')`, [id, Date.now()]);
      if (!group) return { queued: (await toQueue()) > 0, replaced: [], superseded: [] };
      const job = await db.get<{ project_id: number }>('SELECT project_id FROM jobs WHERE id = $1', [id]);
      if (!job) return { queued: false, replaced: [], superseded: [] };
      await this.db.lock(db, `job-group:${job.project_id}:${group.name}`);
      const others = await db.all<{ id: number; status: JobStatus; reason: string | null }>(
        `SELECT id, status, reason FROM jobs WHERE project_id = $1 AND concurrency_group = $2 AND id <> $3
           AND status IN ('pending', 'waiting', 'queued', 'assigned', 'running') ORDER BY id`,
        [job.project_id, group.name, id],
      );
      // As on GitHub: one job of a group runs and one waits; a newer waiter replaces the older.
      const replaced = others.filter((o) => (o.status === 'pending' || o.status === 'waiting') && o.reason === group.heldReason).map((o) => Number(o.id));
      const active = others.filter((o) => o.status === 'queued' || o.status === 'assigned' || o.status === 'running').map((o) => Number(o.id));
      if (group.cancelInProgress || !active.length) return { queued: (await toQueue()) > 0, replaced, superseded: group.cancelInProgress ? active : [] };
      await db.run(`UPDATE jobs SET reason = $2 WHERE id = $1 AND status IN ('pending', 'waiting')`, [id, group.heldReason]);
      return { queued: false, replaced, superseded: [] };
    });
    if (result.queued) await this.db.notify(queue.QUEUE_CHANNEL, '');
    return result;
  }
  async listGroupJobs(projectId: number, group: string, status: JobStatus[]): Promise<Job[]> {
    const rows = await this.db.all(`SELECT * FROM jobs WHERE project_id = $1 AND concurrency_group = $2 AND status IN (${placeholders(status, 3)}) ORDER BY id`, [projectId, group, ...status]);
    return rows.map(toJob);
  }

  claimJob(runner: Claimant, ackMs: number): Promise<Job | undefined> {
    return queue.claimJob(this.db, runner, ackMs);
  }
  hasClaimable(runner: Claimant): Promise<boolean> {
    return queue.hasClaimable(this.db, runner);
  }
  ackJob(lease: HeldLease, leaseMs: number): Promise<Job> {
    return queue.ackJob(this.db, lease, leaseMs);
  }
  heartbeat(lease: HeldLease, leaseMs: number): Promise<Job> {
    return queue.heartbeat(this.db, lease, leaseMs);
  }
  finishJob(lease: HeldLease, result: { conclusion: Conclusion; outputs?: Record<string, string>; reason?: string | null; summary?: string | null }): Promise<Job> {
    return queue.finishJob(this.db, lease, result);
  }
  expireLeases(now = Date.now()) {
    return queue.expireLeases(this.db, now);
  }
  expireDeadlines(now = Date.now()) {
    return queue.expireDeadlines(this.db, now);
  }
  onQueued(listener: () => void): () => void {
    return this.db.listen(queue.QUEUE_CHANNEL, listener);
  }

  appendLog(lease: HeldLease, seq: number, data: string): Promise<number> {
    return queue.appendLog(this.db, lease, seq, data);
  }
  async readLogs(jobId: number, after?: { attempt: number; seq: number }) {
    const rows = after
      ? await this.db.all<{ attempt: number; seq: number; data: string }>(
          'SELECT attempt, seq, data FROM log_chunks WHERE job_id = $1 AND (attempt > $2 OR (attempt = $2 AND seq > $3)) ORDER BY attempt, seq LIMIT 500',
          [jobId, after.attempt, after.seq],
        )
      : await this.db.all<{ attempt: number; seq: number; data: string }>('SELECT attempt, seq, data FROM log_chunks WHERE job_id = $1 ORDER BY attempt, seq LIMIT 500', [jobId]);
    return rows.map((r) => ({ attempt: Number(r.attempt), seq: Number(r.seq), data: r.data }));
  }
  onLog(listener: (jobId: number) => void): () => void {
    return this.db.listen(queue.LOG_CHANNEL, (payload) => listener(Number(payload)));
  }
  async heldJob(lease: HeldLease): Promise<Job> {
    const job = await this.getJob(lease.jobId);
    if (!queue.holds(job, lease) || job.status !== 'running') {
      throw new queue.StaleLeaseError(lease, job ? `the job is ${job.status}${queue.holds(job, lease) ? '' : ' under another lease'}` : 'no such job');
    }
    return job;
  }
  async recordStep(lease: HeldLease, step: Pick<Step, 'number' | 'name' | 'status' | 'conclusion'>): Promise<void> {
    await this.heldJob(lease);
    const now = Date.now();
    await this.db.run(
      `INSERT INTO steps (job_id, attempt, number, name, status, conclusion, started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (job_id, attempt, number) DO UPDATE SET status = excluded.status, conclusion = excluded.conclusion,
         finished_at = excluded.finished_at`,
      [lease.jobId, lease.attempt, step.number, step.name, step.status, step.conclusion, now, step.status === 'completed' ? now : null],
    );
  }
  async listSteps(jobId: number): Promise<Step[]> {
    return (await this.db.all('SELECT * FROM steps WHERE job_id = $1 ORDER BY attempt, number', [jobId])).map(toStep);
  }

  async registerRunner(r: { name: string; labels: string[]; capacity: number; version: string; tokenId: number; projects: string[] | null }) {
    const now = Date.now();
    const row = await this.db.get(
      'INSERT INTO runners (name, labels, capacity, version, created_at, last_seen_at, token_id, projects) VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING *',
      [r.name, JSON.stringify(r.labels), r.capacity, r.version, now, r.tokenId, r.projects ? JSON.stringify(r.projects) : null],
    );
    return toRunner(row!);
  }
  async getRunner(id: number) {
    const row = await this.db.get('SELECT * FROM runners WHERE id = $1', [id]);
    return row && toRunner(row);
  }
  async touchRunner(id: number): Promise<void> {
    await this.db.run('UPDATE runners SET last_seen_at = $2 WHERE id = $1', [id, Date.now()]);
  }
  async listRunners(seenSince = 0) {
    return (await this.db.all('SELECT * FROM runners WHERE last_seen_at >= $1 ORDER BY id', [seenSince])).map(toRunner);
  }
  async activeJobsPerRunner(): Promise<Map<number, number>> {
    const rows = await this.db.all<{ runner_id: number; n: number }>(
      `SELECT runner_id, COUNT(*) AS n FROM jobs WHERE status IN ('assigned', 'running') AND runner_id IS NOT NULL GROUP BY runner_id`,
    );
    return new Map(rows.map((r) => [Number(r.runner_id), Number(r.n)]));
  }

  async setCheck(projectId: number, sha: string, c: Omit<Check, 'updatedAt'>): Promise<void> {
    await this.db.run(
      `INSERT INTO checks (project_id, sha, name, run_id, job_id, status, conclusion, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (project_id, sha, name) DO UPDATE SET run_id = excluded.run_id, job_id = excluded.job_id, status = excluded.status,
         conclusion = excluded.conclusion, updated_at = excluded.updated_at`,
      [projectId, sha, c.name, c.runId, c.jobId, c.status, c.conclusion, Date.now()],
    );
  }
  async requestApproval(jobId: number, environment: string): Promise<Approval> {
    await this.db.run(
      `INSERT INTO approvals (job_id, environment, status, created_at) VALUES ($1, $2, 'pending', $3) ON CONFLICT (job_id, environment) DO NOTHING`,
      [jobId, environment, Date.now()],
    );
    return toApproval((await this.db.get('SELECT * FROM approvals WHERE job_id = $1 AND environment = $2', [jobId, environment]))!);
  }
  async getApproval(id: number): Promise<Approval | undefined> {
    const row = await this.db.get('SELECT * FROM approvals WHERE id = $1', [id]);
    return row && toApproval(row);
  }
  async listApprovals(filter: { jobId?: number; projectId?: number; status?: ApprovalStatus[] }): Promise<Approval[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.jobId !== undefined) where.push(`a.job_id = $${params.push(filter.jobId)}`);
    if (filter.projectId !== undefined) where.push(`r.project_id = $${params.push(filter.projectId)}`);
    if (filter.status?.length) where.push(`a.status IN (${placeholders(filter.status, params.length + 1)})`), params.push(...filter.status);
    const rows = await this.db.all(
      `SELECT a.* FROM approvals a JOIN jobs j ON j.id = a.job_id JOIN runs r ON r.id = j.run_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id`,
      params,
    );
    return rows.map(toApproval);
  }
  async decideApproval(id: number, review: { status: Exclude<ApprovalStatus, 'pending'>; reviewer: string; comment: string | null }): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE approvals SET status = $2, reviewer = $3, comment = $4, decided_at = $5 WHERE id = $1 AND status = 'pending'`,
      [id, review.status, review.reviewer, review.comment, Date.now()],
    );
    return changed > 0;
  }
  async listChecks(projectId: number, sha: string): Promise<Check[]> {
    return (await this.db.all('SELECT * FROM checks WHERE project_id = $1 AND sha = $2 ORDER BY name', [projectId, sha])).map(toCheck);
  }

  async createToken(name: string, role: Role, projects: string[] | null = null): Promise<string> {
    const token = `nxs_${randomBytes(24).toString('base64url')}`;
    await this.db.run('INSERT INTO tokens (name, role, hash, created_at, projects) VALUES ($1, $2, $3, $4, $5)', [
      name, role, hashToken(token), Date.now(), projects ? JSON.stringify(projects) : null,
    ]);
    return token;
  }
  async verifyToken(token: string): Promise<TokenInfo | undefined> {
    const row = await this.db.get<{ id: number; name: string; role: Role; projects: string | null }>('SELECT id, name, role, projects FROM tokens WHERE hash = $1', [hashToken(token)]);
    return row && { id: Number(row.id), name: row.name, role: row.role, projects: row.projects ? (JSON.parse(row.projects) as string[]) : null };
  }
  async countTokens(): Promise<number> {
    return Number((await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM tokens'))!.n);
  }

  async setSecret(projectId: number, environment: string, name: string, value: string): Promise<void> {
    const sealed = this.box.seal(value, `${projectId}/${environment}/${name}`);
    await this.db.run(
      `INSERT INTO secrets (project_id, environment, name, sealed, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (project_id, environment, name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
      [projectId, environment, name, sealed, Date.now()],
    );
  }
  async deleteSecret(projectId: number, environment: string, name: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM secrets WHERE project_id = $1 AND environment = $2 AND name = $3', [projectId, environment, name])) > 0;
  }
  async listSecretNames(projectId: number) {
    const rows = await this.db.all<{ environment: string; name: string; updated_at: number }>(
      'SELECT environment, name, updated_at FROM secrets WHERE project_id = $1 ORDER BY environment, name',
      [projectId],
    );
    return rows.map((r) => ({ environment: r.environment, name: r.name, updatedAt: Number(r.updated_at) }));
  }
  async secretsFor(projectId: number, environment?: string | null): Promise<Record<string, string>> {
    const rows = await this.db.all<{ environment: string; name: string; sealed: string }>(
      `SELECT environment, name, sealed FROM secrets WHERE project_id = $1 AND environment IN ('', $2) ORDER BY environment`,
      [projectId, environment ?? ''],
    );
    const out: Record<string, string> = {};
    for (const r of rows) out[r.name] = this.box.open(r.sealed, `${projectId}/${r.environment}/${r.name}`);
    return out;
  }
  async setVariable(projectId: number, environment: string, name: string, value: string): Promise<void> {
    await this.db.run(
      `INSERT INTO variables (project_id, environment, name, value, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (project_id, environment, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [projectId, environment, name, value, Date.now()],
    );
  }
  async deleteVariable(projectId: number, environment: string, name: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM variables WHERE project_id = $1 AND environment = $2 AND name = $3', [projectId, environment, name])) > 0;
  }
  async listVariables(projectId: number) {
    const rows = await this.db.all<{ environment: string; name: string; value: string; updated_at: number }>(
      'SELECT environment, name, value, updated_at FROM variables WHERE project_id = $1 ORDER BY environment, name',
      [projectId],
    );
    return rows.map((r) => ({ environment: r.environment, name: r.name, value: r.value, updatedAt: Number(r.updated_at) }));
  }
  async variablesFor(projectId: number, environment?: string | null): Promise<Record<string, string>> {
    const rows = await this.db.all<{ name: string; value: string }>(
      `SELECT name, value FROM variables WHERE project_id = $1 AND environment IN ('', $2) ORDER BY environment`,
      [projectId, environment ?? ''],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  async saveDeployment(d: Omit<StoredDeployment, 'id' | 'updatedAt'>): Promise<number> {
    const row = await this.db.get<{ id: number }>(
      `INSERT INTO deployments (project_id, origin, local_id, environment, service, record, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (origin, local_id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at RETURNING id`,
      [d.projectId, d.origin, d.localId, d.environment, d.service, d.record, d.createdAt, Date.now()],
    );
    return Number(row!.id);
  }
  async findDeployment(origin: string, localId: number): Promise<StoredDeployment | undefined> {
    const row = await this.db.get('SELECT * FROM deployments WHERE origin = $1 AND local_id = $2', [origin, localId]);
    return row && toDeployment(row);
  }
  async listDeployments(f: { projectId: number; environment?: string; service?: string; limit?: number }): Promise<StoredDeployment[]> {
    const rows = await this.db.all(
      `SELECT * FROM deployments WHERE project_id = $1 AND ($2 = '' OR environment = $2) AND ($3 = '' OR service = $3)
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [f.projectId, f.environment ?? '', f.service ?? '', f.limit ?? 200],
    );
    return rows.map(toDeployment);
  }

  async saveArtifact(a: ArtifactEntry): Promise<void> {
    await this.db.run(
      `INSERT INTO artifacts (run_id, name, files, size, path, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (run_id, name) DO UPDATE SET files = excluded.files, size = excluded.size, path = excluded.path,
         created_at = excluded.created_at, expires_at = excluded.expires_at`,
      [a.runId, a.name, a.files, a.size, a.path, a.createdAt, a.expiresAt],
    );
  }
  async listArtifacts(runId: number, now = Date.now()): Promise<ArtifactEntry[]> {
    const rows = await this.db.all('SELECT * FROM artifacts WHERE run_id = $1 AND expires_at > $2 ORDER BY name', [runId, now]);
    return rows.map(toArtifact);
  }

  async listCacheEntries(projectId: number, filter: { scopes?: string[]; version?: string } = {}): Promise<CacheRow[]> {
    const params: SqlValue[] = [projectId];
    let where = 'project_id = $1';
    if (filter.version !== undefined) where += ` AND version = $${params.push(filter.version)}`;
    if (filter.scopes) where += filter.scopes.length ? ` AND scope IN (${placeholders(filter.scopes, params.length + 1)})` : ' AND 1 = 0';
    if (filter.scopes) params.push(...filter.scopes);
    return (await this.db.all(`SELECT * FROM caches WHERE ${where} ORDER BY created_at DESC, id DESC`, params)).map(toCacheRow);
  }
  async addCacheEntry(r: Omit<CacheRow, 'id' | 'lastUsedAt'>): Promise<boolean> {
    const added = await this.db.run(
      `INSERT INTO caches (project_id, scope, key, version, size, path, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
       ON CONFLICT (project_id, scope, key, version) DO NOTHING`,
      [r.projectId, r.scope, r.key, r.version, r.size, r.path, r.createdAt],
    );
    return added > 0;
  }
  async touchCacheEntry(id: number): Promise<void> {
    await this.db.run('UPDATE caches SET last_used_at = $2 WHERE id = $1', [id, Date.now()]);
  }
  async deleteCacheEntry(id: number): Promise<void> {
    await this.db.run('DELETE FROM caches WHERE id = $1', [id]);
  }

  async recordDelivery(d: { source: string; event: string; delivery: string; status: number; outcome: string }, keep = 1000): Promise<void> {
    await this.db.run('INSERT INTO webhook_deliveries (source, event, delivery, status, outcome, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      d.source, d.event, d.delivery.slice(0, 200), d.status, d.outcome, Date.now(),
    ]);
    await this.db.run('DELETE FROM webhook_deliveries WHERE id < (SELECT MIN(id) FROM (SELECT id FROM webhook_deliveries ORDER BY id DESC LIMIT $1) AS newest)', [keep]);
  }
  async listDeliveries(limit = 50) {
    const rows = await this.db.all<{ id: number | string; source: string; event: string; delivery: string; status: number | string; outcome: string; created_at: number | string }>('SELECT * FROM webhook_deliveries ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map((r) => ({ id: Number(r.id), source: r.source, event: r.event, delivery: r.delivery, status: Number(r.status), outcome: r.outcome, createdAt: Number(r.created_at) }));
  }

  async replaceSchedules(projectId: number, entries: { workflowPath: string; cron: string; nextAt: number }[]): Promise<void> {
    await this.db.tx(async (db) => {
      const existing = await db.all<{ workflow_path: string; cron: string }>('SELECT workflow_path, cron FROM schedules WHERE project_id = $1', [projectId]);
      const wanted = new Set(entries.map((e) => `${e.workflowPath}\n${e.cron}`));
      for (const e of existing) {
        if (!wanted.has(`${e.workflow_path}\n${e.cron}`)) await db.run('DELETE FROM schedules WHERE project_id = $1 AND workflow_path = $2 AND cron = $3', [projectId, e.workflow_path, e.cron]);
      }
      for (const e of entries) {
        await db.run('INSERT INTO schedules (project_id, workflow_path, cron, next_at) VALUES ($1, $2, $3, $4) ON CONFLICT (project_id, workflow_path, cron) DO NOTHING', [
          projectId, e.workflowPath, e.cron, e.nextAt,
        ]);
      }
    });
  }
  async dueSchedules(now: number) {
    const rows = await this.db.all<{ project_id: number; workflow_path: string; cron: string; next_at: number }>('SELECT * FROM schedules WHERE next_at <= $1', [now]);
    return rows.map((r) => ({ projectId: Number(r.project_id), workflowPath: r.workflow_path, cron: r.cron, nextAt: Number(r.next_at) }));
  }
  async advanceSchedule(e: { projectId: number; workflowPath: string; cron: string }, fromNextAt: number, toNextAt: number): Promise<boolean> {
    const changed = await this.db.run('UPDATE schedules SET next_at = $5 WHERE project_id = $1 AND workflow_path = $2 AND cron = $3 AND next_at = $4', [
      e.projectId, e.workflowPath, e.cron, fromNextAt, toNextAt,
    ]);
    return changed > 0;
  }

  async recordRefUpdates(updates: (Omit<RefUpdateRecord, 'id'> & { source: string })[]): Promise<number[]> {
    if (!updates.length) return [];
    return this.db.tx(async (db) => {
      for (const u of updates) {
        await db.run(
          `INSERT INTO ref_updates (project_id, source, ref, before_sha, after_sha, refs_before, pusher, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (source) DO NOTHING`,
          [u.projectId, u.source, u.ref, u.before, u.after, JSON.stringify(u.refsBefore), u.pusher, Date.now()],
        );
      }
      const rows = await db.all<{ id: number }>(`SELECT id FROM ref_updates WHERE processed_at IS NULL AND source IN (${placeholders(updates)}) ORDER BY id`, updates.map((u) => u.source));
      return rows.map((r) => Number(r.id));
    });
  }
  async takeRefUpdate(id: number, leaseMs: number): Promise<RefUpdateRecord | undefined> {
    const now = Date.now();
    const row = await this.db.get<Record<string, string | number>>(
      `UPDATE ref_updates SET claimed_until = $2 WHERE id = $1 AND processed_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3) RETURNING *`,
      [id, now + leaseMs, now],
    );
    return row && {
      id: Number(row.id), projectId: Number(row.project_id), ref: String(row.ref), before: String(row.before_sha), after: String(row.after_sha),
      refsBefore: JSON.parse(String(row.refs_before)) as Record<string, string>, pusher: String(row.pusher),
    };
  }
  async finishRefUpdate(id: number): Promise<void> {
    await this.db.run('UPDATE ref_updates SET processed_at = $2 WHERE id = $1', [id, Date.now()]);
  }
  async pendingRefUpdates(): Promise<number[]> {
    return (await this.db.all<{ id: number }>('SELECT id FROM ref_updates WHERE processed_at IS NULL ORDER BY id')).map((r) => Number(r.id));
  }

  async jobMinutes(fromMs: number, toMs: number, projectId?: number) {
    const rows = await this.db.all<{ project: string; key: string; workflow_name: string; run_id: number; started_at: number; finished_at: number; billable_minutes: number }>(
      `SELECT p.name AS project, j.key, r.workflow_name, j.run_id, j.started_at, j.finished_at, j.billable_minutes
       FROM jobs j JOIN runs r ON r.id = j.run_id JOIN projects p ON p.id = r.project_id
       WHERE j.status = 'completed' AND j.started_at IS NOT NULL AND j.finished_at >= $1 AND j.finished_at < $2 AND ($3 = 0 OR r.project_id = $3)
       ORDER BY j.id`,
      [fromMs, toMs, projectId ?? 0],
    );
    return rows.map((r) => ({
      project: r.project, key: r.key, workflowName: r.workflow_name, runId: Number(r.run_id), startedAt: Number(r.started_at),
      finishedAt: Number(r.finished_at), billableMinutes: Number(r.billable_minutes ?? 0),
    }));
  }
}
