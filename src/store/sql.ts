/**
 * The one seam between the store's logic and a database: two drivers (SQLite, PostgreSQL) implement it.
 * SQL is written once with `$1` placeholders; the SQLite driver maps them to its `?1` form.
 */
export type Dialect = 'sqlite' | 'postgres';
export type SqlValue = string | number | bigint | null | boolean | Buffer;

export interface SqlExecutor {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  /** Runs a statement that returns no rows; resolves to the number of rows changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
}

export interface SqlDriver extends SqlExecutor {
  /** Runs `fn` in one transaction that takes the write lock up front (BEGIN IMMEDIATE / a PG transaction). */
  tx<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  script(db: SqlExecutor, sql: string): Promise<void>;
  /**
   * Inside `tx`: holds `key` until the transaction ends, across every process sharing the database (an
   * advisory lock on PG; SQLite's write lock, taken by BEGIN IMMEDIATE, already serialises everything).
   */
  lock(db: SqlExecutor, key: string): Promise<void>;
  /** Serialises concurrent migrators (two replicas starting together); a no-op where the transaction already does. */
  lockForMigration(db: SqlExecutor): Promise<void>;
  /** Wakes listeners in every process that shares the database (LISTEN/NOTIFY on PG, in-process on SQLite). */
  notify(channel: string, payload: string): Promise<void>;
  listen(channel: string, listener: (payload: string) => void): () => void;
  close(): Promise<void>;
}
