import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database, Db, Tx } from './schema.js';

export type DbKind = 'sqlite' | 'postgres';

export interface Store {
  readonly kind: DbKind;
  readonly db: Db;
  /** Where the data lives, for messages: the SQLite file or the PostgreSQL host and database. */
  readonly location: string;
  /** Runs fn in one transaction; only services call it. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export const SQLITE_FILE = 'tollgate.sqlite';

export function openStore(options: StoreOptions): Store {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 20) : openSqlite(options.dataDir);
}

function openSqlite(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SQLITE_FILE);
  const conn = new SQLite(file);
  // WAL with synchronous=FULL: a commit is on disk when it returns, so a power cut loses nothing acknowledged.
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = FULL');
  conn.pragma('busy_timeout = 5000');
  conn.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
  return {
    kind: 'sqlite',
    db,
    location: file,
    transaction: groupCommit(db),
    close: () => db.destroy(),
  };
}

interface Unit {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** At most this many transactions share one commit. */
const MAX_GROUP = 64;

/**
 * SQLite has one connection, so transactions run one after another anyway; with synchronous=FULL
 * each COMMIT waits for the disk. Group commit: the transactions waiting at a moment run inside one
 * BEGIN IMMEDIATE … COMMIT, each in its own SAVEPOINT. A unit that throws is rolled back to its
 * savepoint alone, exactly as if it had been its own transaction; the others commit together with
 * one fsync. Each caller's promise settles only after the COMMIT, so nothing is acknowledged early.
 * BEGIN IMMEDIATE takes the write lock up front: another process waits (busy_timeout) instead of
 * failing midway.
 */
function groupCommit(db: Db): Store['transaction'] {
  let queue: Unit[] = [];
  let flushing = false;
  const flush = async (): Promise<void> => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_GROUP);
      queue = queue.slice(MAX_GROUP);
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      try {
        await db.connection().execute(async (c) => {
          await sql`BEGIN IMMEDIATE`.execute(c);
          try {
            for (const unit of batch) {
              await sql`SAVEPOINT unit`.execute(c);
              try {
                const value = await unit.fn(c);
                await sql`RELEASE unit`.execute(c);
                outcomes.push({ ok: true, value });
              } catch (error) {
                await sql`ROLLBACK TO unit`.execute(c);
                await sql`RELEASE unit`.execute(c);
                outcomes.push({ ok: false, error });
              }
            }
            await sql`COMMIT`.execute(c);
          } catch (err) {
            await sql`ROLLBACK`.execute(c).catch(() => {});
            throw err;
          }
        });
        batch.forEach((unit, i) => {
          const o = outcomes[i];
          if (o?.ok) unit.resolve(o.value);
          else unit.reject(o ? o.error : new Error('transaction did not run'));
        });
      } catch (err) {
        for (const unit of batch) unit.reject(err);
      }
    }
    flushing = false;
  };
  return <T>(fn: (tx: Tx) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!flushing) void flush();
    });
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

function openPostgres(url: string, poolSize: number): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    // Every int8 we store (money in minor units, epoch milliseconds) is a safe integer.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  return {
    kind: 'postgres',
    db,
    location: `postgresql://${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    transaction: (fn) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
}
