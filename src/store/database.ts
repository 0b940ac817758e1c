import { openPostgres } from './postgres.js';
import type { Db, Tx } from './schema.js';
import { openSqlite } from './sqlite.js';

// The store's parts, each in its own file: sqlite.ts (the connection and its statement cache),
// postgres.ts (the pool) and postgres-client.ts (prepared and pipelined statements), group-commit.ts
// (the transactions' scheduler), statement-kinds.ts (which statements are waited for).
export { inTransaction } from './group-commit.js';
export { SQLITE_FILE } from './sqlite.js';
export { statementKind, UNREAD_MARK, unreadCount } from './statement-kinds.js';

export type DbKind = 'sqlite' | 'postgres';

export interface Store {
  readonly kind: DbKind;
  readonly db: Db;
  /** Where the data lives, for messages: the SQLite file or the PostgreSQL host and database. */
  readonly location: string;
  /**
   * Runs unit in one transaction; only services call it. The unit MAY RUN MORE THAN ONCE (see
   * RerunnableUnit). `durable: false` is for records that may be lost in a crash (the test-mode
   * request log): on PostgreSQL their commit does not wait for the disk.
   */
  transaction<T>(unit: RerunnableUnit<T>, options?: { durable?: boolean }): Promise<T>;
  close(): Promise<void>;
}

/**
 * Work passed to Store.transaction. It may run more than once, each earlier run rolled back: group
 * commit runs it again after another unit of its group failed or after it lost a deadlock. So
 * everything it does goes through tx (database only, safe to re-run): no mail, HTTP, counters or
 * caches outside tx; those go after the transaction, from its result. The test servers open their
 * store with `rerunUnits`, which runs every unit, rolls it back and runs it again, so an effect
 * outside the database shows as a duplicate in the suite (test/store/rerun.test.ts).
 */
export type RerunnableUnit<T> = (tx: Tx) => Promise<T>;

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** Where an idle PostgreSQL connection's failure is reported (it is never swallowed); stderr by default. */
  onPoolError?: (err: Error) => void;
  /** False: no group commit, each unit is its own transaction (for measuring; on by default). */
  groupCommit?: boolean;
  /** Tests: each unit runs twice, the first run rolled back (see RerunnableUnit). */
  rerunUnits?: boolean;
}

const poolErrorToStderr = (err: Error): void => {
  console.error(`tollgate: an idle PostgreSQL connection failed: ${err.message}`);
};

export function openStore(options: StoreOptions): Store {
  const grouped = options.groupCommit ?? true;
  const rerunUnits = options.rerunUnits ?? false;
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, { poolSize: options.poolSize ?? 20, onPoolError: options.onPoolError ?? poolErrorToStderr, grouped, rerunUnits })
    : openSqlite(options.dataDir, { grouped, rerunUnits });
}
