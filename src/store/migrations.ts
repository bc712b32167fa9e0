import type { Dialect, SqlDriver } from './sql.js';

/**
 * Versioned, append-only schema changes. A migration is never edited once released; a change is a new
 * entry. `{{pk}}` is the dialect's auto-increment primary key. Times are epoch milliseconds.
 */
interface Migration {
  version: number;
  name: string;
  sql: string;
}

const migrations: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE projects (
  id {{pk}}, name TEXT NOT NULL UNIQUE, default_branch TEXT NOT NULL DEFAULT 'main',
  retry_runner_lost INTEGER NOT NULL DEFAULT 0, run_counter INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL);
CREATE TABLE runs (
  id {{pk}}, project_id BIGINT NOT NULL REFERENCES projects(id), number INTEGER NOT NULL,
  workflow_path TEXT NOT NULL, workflow_name TEXT NOT NULL, event TEXT NOT NULL, ref TEXT NOT NULL, sha TEXT NOT NULL,
  payload TEXT NOT NULL, inputs TEXT NOT NULL, actor TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL, conclusion TEXT, reason TEXT, concurrency_group TEXT, cancel_in_progress INTEGER NOT NULL DEFAULT 0,
  plan TEXT NOT NULL, created_at BIGINT NOT NULL, started_at BIGINT, finished_at BIGINT, UNIQUE (project_id, number));
CREATE INDEX runs_group ON runs (project_id, concurrency_group, status);
CREATE TABLE jobs (
  id {{pk}}, run_id BIGINT NOT NULL REFERENCES runs(id), run_attempt INTEGER NOT NULL, key TEXT NOT NULL,
  job_id TEXT NOT NULL, name TEXT NOT NULL, needs TEXT NOT NULL, runs_on TEXT NOT NULL, plan TEXT NOT NULL,
  status TEXT NOT NULL, conclusion TEXT, reason TEXT, attempt INTEGER NOT NULL DEFAULT 1,
  lease_token BIGINT NOT NULL DEFAULT 0, runner_id BIGINT, lease_expires_at BIGINT, deadline_at BIGINT,
  timeout_ms BIGINT NOT NULL, cancel_requested INTEGER NOT NULL DEFAULT 0, log_count INTEGER NOT NULL DEFAULT 0,
  outputs TEXT NOT NULL DEFAULT '{}', concurrency_group TEXT, environment TEXT, billable_minutes INTEGER,
  created_at BIGINT NOT NULL, queued_at BIGINT, claimed_at BIGINT, started_at BIGINT, finished_at BIGINT,
  UNIQUE (run_id, run_attempt, key));
CREATE INDEX jobs_status ON jobs (status, id);
CREATE INDEX jobs_lease ON jobs (status, lease_expires_at);
CREATE TABLE steps (
  job_id BIGINT NOT NULL REFERENCES jobs(id), attempt INTEGER NOT NULL, number INTEGER NOT NULL, name TEXT NOT NULL,
  status TEXT NOT NULL, conclusion TEXT, started_at BIGINT, finished_at BIGINT, PRIMARY KEY (job_id, attempt, number));
CREATE TABLE log_chunks (
  job_id BIGINT NOT NULL REFERENCES jobs(id), attempt INTEGER NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
  created_at BIGINT NOT NULL, PRIMARY KEY (job_id, attempt, seq));
CREATE TABLE runners (
  id {{pk}}, name TEXT NOT NULL, labels TEXT NOT NULL, capacity INTEGER NOT NULL, version TEXT NOT NULL,
  created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL);
CREATE TABLE tokens (
  id {{pk}}, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, last_used_at BIGINT);
CREATE TABLE secrets (
  project_id BIGINT NOT NULL REFERENCES projects(id), environment TEXT NOT NULL, name TEXT NOT NULL,
  sealed TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (project_id, environment, name));
CREATE TABLE variables (
  project_id BIGINT NOT NULL REFERENCES projects(id), environment TEXT NOT NULL, name TEXT NOT NULL,
  value TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (project_id, environment, name));
CREATE TABLE checks (
  project_id BIGINT NOT NULL REFERENCES projects(id), sha TEXT NOT NULL, name TEXT NOT NULL, run_id BIGINT NOT NULL,
  job_id BIGINT NOT NULL, status TEXT NOT NULL, conclusion TEXT, updated_at BIGINT NOT NULL, PRIMARY KEY (project_id, sha, name));
CREATE TABLE artifacts (
  id {{pk}}, run_id BIGINT NOT NULL REFERENCES runs(id), name TEXT NOT NULL, size BIGINT NOT NULL, path TEXT NOT NULL,
  created_at BIGINT NOT NULL, UNIQUE (run_id, name));
CREATE TABLE caches (
  id {{pk}}, project_id BIGINT NOT NULL REFERENCES projects(id), scope TEXT NOT NULL, key TEXT NOT NULL,
  version TEXT NOT NULL, size BIGINT NOT NULL, path TEXT NOT NULL, created_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL,
  UNIQUE (project_id, scope, key, version));
CREATE TABLE environments (
  id {{pk}}, project_id BIGINT NOT NULL REFERENCES projects(id), name TEXT NOT NULL, reviewers TEXT NOT NULL DEFAULT '[]',
  wait_timer_ms BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, UNIQUE (project_id, name));
CREATE TABLE deployments (
  id {{pk}}, project_id BIGINT NOT NULL REFERENCES projects(id), environment TEXT NOT NULL, run_id BIGINT, job_id BIGINT,
  sha TEXT NOT NULL, ref TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE TABLE approvals (
  id {{pk}}, job_id BIGINT NOT NULL REFERENCES jobs(id), environment TEXT NOT NULL, status TEXT NOT NULL,
  reviewer TEXT, comment TEXT, created_at BIGINT NOT NULL, decided_at BIGINT);
CREATE TABLE webhook_deliveries (
  id {{pk}}, source TEXT NOT NULL, event TEXT NOT NULL, delivery TEXT NOT NULL, status INTEGER NOT NULL,
  outcome TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE schedules (
  project_id BIGINT NOT NULL REFERENCES projects(id), workflow_path TEXT NOT NULL, cron TEXT NOT NULL,
  next_at BIGINT NOT NULL, PRIMARY KEY (project_id, workflow_path, cron));
`,
  },
  {
    version: 2,
    name: 'job step summaries',
    // The job's step summaries (Markdown, masked by the engine) as the runner reported them at finish.
    sql: `ALTER TABLE jobs ADD COLUMN summary TEXT;`,
  },
  {
    version: 3,
    name: 'deployment records and artifacts reported by runners',
    // Runners keep deployment records where their deploy daemon runs and report each version of a record;
    // the server keeps the latest per (origin, local id), the record itself as JSON. The first schema's
    // deployments table was never written. Two replicas asking for the same approval at once must get
    // one request: the unique index makes the second insert a no-op (earlier duplicates are dropped).
    sql: `
DROP TABLE deployments;
CREATE TABLE deployments (
  id {{pk}}, project_id BIGINT NOT NULL REFERENCES projects(id), origin TEXT NOT NULL, local_id BIGINT NOT NULL,
  environment TEXT NOT NULL, service TEXT NOT NULL, record TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
  UNIQUE (origin, local_id));
CREATE INDEX deployments_project ON deployments (project_id, environment, service);
ALTER TABLE artifacts ADD COLUMN files INTEGER NOT NULL DEFAULT 0;
ALTER TABLE artifacts ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
DELETE FROM approvals WHERE id NOT IN (SELECT MIN(id) FROM approvals GROUP BY job_id, environment);
CREATE UNIQUE INDEX approvals_request ON approvals (job_id, environment);
`,
  },
  {
    version: 4,
    name: 'project-scoped queue, runner tokens and durable triggers',
    // Jobs carry their project so concurrency groups and scoped runner tokens filter in SQL; a job's lease
    // belongs to the token that claimed it. Runner tokens may be limited to projects (NULL: every project).
    // In-process runners no longer get stored tokens: the ones earlier versions left behind are revoked.
    // Ref updates a push made are recorded before they are processed, and a run remembers what triggered
    // it (a ref update, a webhook delivery), so processing them again creates nothing twice.
    sql: `
ALTER TABLE jobs ADD COLUMN project_id BIGINT;
UPDATE jobs SET project_id = (SELECT project_id FROM runs WHERE runs.id = jobs.run_id);
CREATE INDEX jobs_group ON jobs (project_id, concurrency_group, status);
ALTER TABLE jobs ADD COLUMN lease_owner BIGINT;
ALTER TABLE tokens ADD COLUMN projects TEXT;
DELETE FROM tokens WHERE role = 'runner' AND name LIKE 'in-process runner %';
ALTER TABLE runners ADD COLUMN token_id BIGINT;
ALTER TABLE runners ADD COLUMN projects TEXT;
ALTER TABLE runs ADD COLUMN trigger_key TEXT;
CREATE UNIQUE INDEX runs_trigger ON runs (project_id, trigger_key);
CREATE TABLE ref_updates (
  id {{pk}}, project_id BIGINT NOT NULL REFERENCES projects(id), source TEXT NOT NULL UNIQUE, ref TEXT NOT NULL,
  before_sha TEXT NOT NULL, after_sha TEXT NOT NULL, refs_before TEXT NOT NULL, pusher TEXT NOT NULL,
  created_at BIGINT NOT NULL, claimed_until BIGINT, processed_at BIGINT);
CREATE INDEX ref_updates_pending ON ref_updates (processed_at, id);
`,
  },
];

const PK: Record<Dialect, string> = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  postgres: 'BIGSERIAL PRIMARY KEY',
};

/**
 * Applies the missing migrations in one transaction. The migration row goes in with its body, and the
 * transaction holds a lock, so two replicas starting at once apply each migration exactly once.
 */
export async function migrate(driver: SqlDriver): Promise<number[]> {
  return driver.tx(async (db) => {
    await driver.lockForMigration(db);
    await db.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const done = new Set((await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      await driver.script(db, m.sql.replaceAll('{{pk}}', PK[driver.dialect]));
      applied.push(m.version);
    }
    return applied;
  });
}

export const latestSchemaVersion = migrations[migrations.length - 1].version;
