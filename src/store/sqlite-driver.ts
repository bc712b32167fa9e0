import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';

type Db = Database.Database;
type Statement = Database.Statement;

/** `?1`-style parameters bind by name in better-sqlite3: `{ 1: v1, 2: v2 }`. */
function bind(params: SqlValue[]): unknown[] {
  if (!params.length) return [];
  const named: Record<number, unknown> = {};
  params.forEach((p, i) => (named[i + 1] = typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p));
  return [named];
}

/** Executes directly on the connection; used inside a transaction, where the gate is already held. */
class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  constructor(readonly db: Db) {}

  prepare(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql.replace(/\$(\d+)/g, '?$1'));
      this.statements.set(sql, s);
    }
    return s;
  }
  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return this.prepare(sql).all(...bind(params)) as T[];
  }
  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return this.prepare(sql).get(...bind(params)) as T | undefined;
  }
  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    const s = this.prepare(sql);
    if (s.reader) return s.all(...bind(params)).length;
    return s.run(...bind(params)).changes;
  }
}

/**
 * SQLite in WAL mode on one connection. better-sqlite3 is synchronous, but transactions here take async
 * callbacks, so a gate keeps statements from other callers out of an open transaction.
 */
export class SqliteDriver implements SqlDriver {
  /**
   * One connection per file per process: two connections in one process would deadlock, one holding the
   * write lock across an await while the other blocks the event loop waiting for it.
   */
  private static readonly open = new Map<string, SqliteDriver>();
  static shared(file: string): SqliteDriver {
    let d = SqliteDriver.open.get(file);
    if (!d) SqliteDriver.open.set(file, (d = new SqliteDriver(file)));
    d.users++;
    return d;
  }
  private users = 0;
  readonly dialect = 'sqlite' as const;
  private readonly db: Db;
  private readonly direct: SqliteExecutor;
  private readonly events = new EventEmitter();
  private gate: Promise<void> | null = null;

  private constructor(private readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a killed process; only power loss can drop the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
    this.direct = new SqliteExecutor(this.db);
    this.events.setMaxListeners(0);
  }

  private async pass(): Promise<void> {
    while (this.gate) await this.gate;
  }
  async all<T>(sql: string, params?: SqlValue[]): Promise<T[]> {
    if (this.gate) await this.pass();
    return this.direct.all<T>(sql, params);
  }
  async get<T>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    if (this.gate) await this.pass();
    return this.direct.get<T>(sql, params);
  }
  async run(sql: string, params?: SqlValue[]): Promise<number> {
    if (this.gate) await this.pass();
    return this.direct.run(sql, params);
  }

  async tx<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    // Checked and taken in one synchronous step, so two waiters cannot both pass.
    while (this.gate) await this.gate;
    let open!: () => void;
    this.gate = new Promise((r) => (open = r));
    try {
      this.db.exec('BEGIN IMMEDIATE');
      const result = await fn(this.direct);
      this.db.exec('COMMIT');
      return result;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    } finally {
      this.gate = null;
      open();
    }
  }
  async script(_db: SqlExecutor, sql: string): Promise<void> {
    this.db.exec(sql);
  }
  async lock(): Promise<void> {
    // BEGIN IMMEDIATE holds the database's single write lock for the whole transaction.
  }
  async lockForMigration(): Promise<void> {
    // BEGIN IMMEDIATE already holds the database's single write lock.
  }
  async notify(channel: string, payload: string): Promise<void> {
    this.events.emit(channel, payload);
  }
  listen(channel: string, listener: (payload: string) => void): () => void {
    this.events.on(channel, listener);
    return () => this.events.off(channel, listener);
  }
  async close(): Promise<void> {
    if (--this.users > 0) return;
    SqliteDriver.open.delete(this.file);
    await this.pass();
    this.db.close();
  }
}
