import pg from 'pg';
import { EventEmitter } from 'node:events';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';
import { jitteredBackoff } from '../runner/backoff.js';

const INT8 = 20;
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === INT8 ? (v: string) => Number(v) : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format),
} as pg.CustomTypesConfig;

function bind(params: SqlValue[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

class PgExecutor implements SqlExecutor {
  readonly dialect = 'postgres' as const;
  constructor(private readonly client: pg.Pool | pg.PoolClient) {}
  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return (await this.client.query(sql, bind(params))).rows as T[];
  }
  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }
  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    return (await this.client.query(sql, bind(params))).rowCount ?? 0;
  }
}

/** PostgreSQL through a pool; LISTEN runs on one dedicated connection that reconnects with jittered backoff. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly direct: PgExecutor;
  private readonly events = new EventEmitter();
  private listener: pg.Client | null = null;
  private listening = new Set<string>();
  private closed = false;

  constructor(private readonly url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 10, types });
    // An idle client's connection dropping must not crash the server; the next query reconnects.
    this.pool.on('error', () => {});
    this.direct = new PgExecutor(this.pool);
    this.events.setMaxListeners(0);
  }

  all<T>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return this.direct.all<T>(sql, params);
  }
  get<T>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    return this.direct.get<T>(sql, params);
  }
  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.direct.run(sql, params);
  }
  async tx<T>(fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PgExecutor(client));
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }
  async script(db: SqlExecutor, sql: string): Promise<void> {
    for (const statement of sql.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) await db.run(statement);
  }
  async lock(db: SqlExecutor, key: string): Promise<void> {
    await db.get('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
  }
  async lockForMigration(db: SqlExecutor): Promise<void> {
    await db.get('SELECT pg_advisory_xact_lock(727274)');
  }
  async notify(channel: string, payload: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }
  listen(channel: string, listener: (payload: string) => void): () => void {
    this.events.on(channel, listener);
    if (!this.listening.has(channel)) {
      this.listening.add(channel);
      if (this.listener) this.listener.query(`LISTEN ${channel}`).catch(() => {});
      else void this.connectListener();
    }
    return () => this.events.off(channel, listener);
  }
  private connecting = false;
  private async connectListener(attempt = 0): Promise<void> {
    if (this.closed || this.connecting) return;
    this.connecting = true;
    const client = new pg.Client({ connectionString: this.url });
    try {
      await client.connect();
      client.on('notification', (n) => this.events.emit(n.channel, n.payload ?? ''));
      client.on('error', () => this.reconnect(client));
      client.on('end', () => this.reconnect(client));
      for (const c of this.listening) await client.query(`LISTEN ${c}`);
      this.listener = client;
      this.connecting = false;
      // Anything sent while we were not listening is lost: wake everyone once so they re-check the tables.
      for (const c of this.listening) this.events.emit(c, '');
    } catch {
      this.connecting = false;
      await client.end().catch(() => {});
      if (!this.closed) setTimeout(() => void this.connectListener(attempt + 1), jitteredBackoff(attempt, 100, 5000)).unref();
    }
  }
  private reconnect(client: pg.Client): void {
    if (this.listener !== client) return;
    this.listener = null;
    if (!this.closed) setTimeout(() => void this.connectListener(1), jitteredBackoff(0, 100, 5000)).unref();
  }
  async close(): Promise<void> {
    this.closed = true;
    const l = this.listener;
    this.listener = null;
    await l?.end().catch(() => {});
    await this.pool.end();
  }
}
