import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Store } from './database.js';
import { type GroupOptions, groupCommit, runUnit } from './group-commit.js';
import { tollgateClient } from './postgres-client.js';
import type { Database } from './schema.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * PostgreSQL groups transactions as SQLite does (groupCommit): each commit writes a commit record and
 * waits for the WAL flush, and a transaction's BEGIN, COMMIT and snapshot cost the server more than a
 * few inserts (measured: a pair of bare transactions took 525–630 µs of PostgreSQL's CPU alone and
 * 300–350 µs grouped). Two groups run at once, so that one's round trips overlap the other's work. At
 * most 32 share one: each writing unit takes a subtransaction id, and past the 64 a backend caches,
 * every session's snapshot checks get slower.
 */
const POSTGRES_GROUPS: GroupOptions = { begin: 'BEGIN', maxGroup: 32, groups: 2 };

export interface PostgresOptions {
  poolSize: number;
  onPoolError: (err: Error) => void;
  /** False: each unit is its own BEGIN … COMMIT, as many at once as the pool has connections. */
  grouped: boolean;
  rerunUnits: boolean;
}

export function openPostgres(url: string, options: PostgresOptions): Store {
  const pool = new pg.Pool({
    Client: tollgateClient(),
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: 5000,
    // Every int8 we store (money in minor units, epoch milliseconds) is a safe integer.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server must not crash the process: reported, and the pool replaces it.
  pool.on('error', options.onPoolError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  const groups = options.grouped ? POSTGRES_GROUPS : { begin: 'BEGIN', maxGroup: 1, groups: options.poolSize };
  const grouped = groupCommit(db, { ...groups, rerunUnits: options.rerunUnits });
  return {
    kind: 'postgres',
    db,
    // A `host` parameter (a Unix socket directory) wins over the URL's host, as it does for pg.
    location: `postgresql://${parsed.searchParams.get('host') ?? parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    transaction: (fn, txOptions) =>
      txOptions?.durable === false
        ? // Nothing to wait for together: these commit without waiting for the disk, on their own.
          db.transaction().execute(async (tx) => {
            await sql`set local synchronous_commit to off`.execute(tx);
            if (options.rerunUnits) await sql`savepoint r`.execute(tx);
            return runUnit(tx, fn, 'r', options.rerunUnits);
          })
        : grouped(fn),
    close: () => db.destroy(),
  };
}
