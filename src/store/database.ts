import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, sql } from 'kysely';
import pg from 'pg';
import type { Database, Db, Tx } from './schema.js';

export type DbKind = 'sqlite' | 'postgres';

export interface Store {
  readonly kind: DbKind;
  readonly db: Db;
  /** Where the data lives, for messages: the SQLite file or the PostgreSQL host and database. */
  readonly location: string;
  /**
   * Runs unit in one transaction; only services call it. The unit MAY RUN MORE THAN ONCE (group commit
   * runs it again after another unit's failure or a lost deadlock, its earlier run rolled back), so it
   * does database work only: no mail, HTTP, counters or caches outside tx. `durable: false` is for
   * records that may be lost in a crash (the test-mode request log): on PostgreSQL their commit does
   * not wait for the disk.
   */
  transaction<T>(unit: RerunnableUnit<T>, options?: { durable?: boolean }): Promise<T>;
  close(): Promise<void>;
}

/**
 * Work passed to Store.transaction: it may run more than once, each earlier run rolled back, so
 * everything it does must go through tx (database only, safe to re-run).
 */
export type RerunnableUnit<T> = (tx: Tx) => Promise<T>;

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** Where an idle PostgreSQL connection's failure is reported (it is never swallowed); stderr by default. */
  onPoolError?: (err: Error) => void;
}

const poolErrorToStderr = (err: Error): void => {
  console.error(`tollgate: an idle PostgreSQL connection failed: ${err.message}`);
};

export const SQLITE_FILE = 'tollgate.sqlite';

export function openStore(options: StoreOptions): Store {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 20, options.onPoolError ?? poolErrorToStderr) : openSqlite(options.dataDir);
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(conn) }) });
  return {
    kind: 'sqlite',
    db,
    location: file,
    // One connection: groups run one after another. BEGIN IMMEDIATE takes the write lock up front, so
    // another process waits (busy_timeout) instead of failing midway.
    transaction: groupCommit(db, { begin: 'BEGIN IMMEDIATE', maxGroup: 64, groups: 1 }),
    close: () => db.destroy(),
  };
}

/** Distinct statement texts kept compiled per SQLite connection; past it the cache starts again. */
const MAX_SQLITE_STATEMENTS = 500;

/**
 * Kysely's SQLite driver compiles every statement anew (better-sqlite3's prepare), which costs more
 * than running a short indexed query. Each text is compiled once and its statement reused. This is
 * safe because the connection runs one query at a time and nothing streams (an iterating statement
 * could not be reused); a schema change re-compiles a statement inside SQLite itself.
 */
function withStatementCache(conn: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => conn.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = conn.prepare(text);
        // Full (inserts of every row count add up): start again, so the statements in use now are kept.
        if (statements.size >= MAX_SQLITE_STATEMENTS) statements.clear();
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

interface Unit {
  fn: RerunnableUnit<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** Times this unit was run again after losing a deadlock to another group. */
  retries: number;
}

interface GroupOptions {
  /** The statement that opens a group's transaction. */
  begin: string;
  /** At most this many transactions share one commit. */
  maxGroup: number;
  /** Groups running at once, each on its own connection. */
  groups: number;
}

/** The handles units of a group run on: connections in an open transaction, which Kysely cannot tell. */
const groupHandles = new WeakSet<Db>();

/** True inside store.transaction(): reads there must see the transaction, so they run on its connection, alone. */
export function inTransaction(db: Db): boolean {
  return db.isTransaction || groupHandles.has(db);
}

/** A deadlock or serialization failure: the unit lost to another group and may run again. */
function lostRace(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '40P01' || code === '40001';
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown } | 'again';

/**
 * Group commit: the transactions waiting at a moment run inside one transaction, each in its own
 * SAVEPOINT. A unit that throws is rolled back to its savepoint alone, exactly as if it had been its
 * own transaction; the others commit together, with one commit record and one wait for the disk.
 * Each caller's promise settles only after the COMMIT, so nothing is acknowledged early. A group of
 * one runs as a plain transaction.
 *
 * On PostgreSQL the savepoints and their releases are pipelined with the units' inserts, so a group
 * of inserts costs one round trip, at COMMIT. A failed statement then surfaces later, in another
 * unit or at the COMMIT; the client marks it with the unit it came from (unitOf). That unit fails;
 * the units after it, which ran on an aborted transaction, are rolled back with it and run again in
 * the next group (all of them, when the COMMIT is where it surfaced). Several groups run at once; a
 * unit that loses a deadlock to another group (which it would not have met alone, its rows being held
 * until its group commits) is queued again too.
 */
function groupCommit(db: Db, options: GroupOptions): Store['transaction'] {
  let queue: Unit[] = [];
  let running = 0;

  /** Runs the units of a multi-unit group on c, inside its open transaction. */
  const runUnits = async (c: Db, batch: Unit[], outcomes: Outcome[]): Promise<void> => {
    /** Unit k failed with error; the units after it up to `last` ran on an aborted transaction. */
    const failedAt = async (k: number, error: unknown, last: number): Promise<void> => {
      await sql.raw(`ROLLBACK TO u${k}`).execute(c);
      await sql.raw(`RELEASE u${k}`).execute(c);
      outcomes[k] = { ok: false, error };
      for (let j = k + 1; j <= last; j++) outcomes[j] = 'again';
    };
    /**
     * Which unit failed when unit i threw `error`: the unit a PostgreSQL failure is marked with, or, for
     * the unit's own error, an earlier unit whose pipelined statement failed unseen (asked with a waited
     * statement), else unit i itself.
     */
    const failureOf = async (i: number, error: unknown): Promise<{ unit: number; error: unknown }> => {
      const marked = unitOf(error);
      if (marked !== undefined) return { unit: marked, error };
      try {
        await sql`select 1`.execute(c);
      } catch (earlier) {
        const unit = unitOf(earlier);
        if (unit === undefined) throw earlier;
        if (unit < i) return { unit, error: earlier };
      }
      return { unit: i, error };
    };
    for (let i = 0; i < batch.length; i++) {
      await sql.raw(`SAVEPOINT u${i}`).execute(c);
      try {
        const value = await (batch[i] as Unit).fn(c);
        await sql.raw(`RELEASE u${i}`).execute(c);
        outcomes[i] = { ok: true, value };
      } catch (error) {
        const failure = await failureOf(i, error);
        await failedAt(failure.unit, failure.error, i);
      }
    }
  };

  const runGroup = async (batch: Unit[]): Promise<void> => {
    const outcomes: Outcome[] = [];
    try {
      await db.connection().execute(async (c) => {
        groupHandles.add(c);
        await sql.raw(options.begin).execute(c);
        try {
          if (batch.length === 1) {
            try {
              outcomes[0] = { ok: true, value: await (batch[0] as Unit).fn(c) };
            } catch (error) {
              outcomes[0] = { ok: false, error };
              await sql`ROLLBACK`.execute(c);
              return;
            }
          } else await runUnits(c, batch, outcomes);
          try {
            await sql`COMMIT`.execute(c);
          } catch (error) {
            const k = unitOf(error);
            if (k === undefined) throw error;
            // A unit's statement failed and PostgreSQL rolled the whole group back: that unit fails, the others run again.
            outcomes.forEach((o, j) => {
              if (j === k) outcomes[j] = { ok: false, error };
              else if (o !== 'again' && o.ok) outcomes[j] = 'again';
            });
          }
        } catch (err) {
          await sql`ROLLBACK`.execute(c).catch(() => {});
          throw err;
        }
      });
    } catch (err) {
      for (const unit of batch) unit.reject(err);
      return;
    }
    const again: Unit[] = [];
    batch.forEach((unit, i) => {
      const o = outcomes[i];
      if (o === 'again') again.push(unit);
      else if (o?.ok) unit.resolve(o.value);
      // A deadlock victim is run again whether it lost inside a group or alone: its unit is rerunnable.
      else if (o && lostRace(o.error) && unit.retries < 3) {
        unit.retries++;
        again.push(unit);
      } else unit.reject(o ? o.error : new Error('transaction did not run'));
    });
    // First in the queue: they were waiting before the rest.
    queue = [...again, ...queue];
  };

  const drain = async (): Promise<void> => {
    running++;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, options.maxGroup);
        queue = queue.slice(options.maxGroup);
        await runGroup(batch);
      }
    } finally {
      running--;
    }
  };
  return <T>(fn: RerunnableUnit<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject, retries: 0 });
      if (running < options.groups) void drain();
    });
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Statements with more parameters than this are usually variable-length lists: left unnamed. Several
 * rows travel as one JSON parameter (insert.ts) and key lists as one array, so the widest fixed shape,
 * the 30-column payment insert, stays below it and is planned once per connection.
 */
const MAX_PREPARED_PARAMS = 48;
/** Distinct statement texts named per process; beyond it, the rest run unnamed (bounded server memory). */
const MAX_PREPARED = 400;

type QueryResult = { command: string; rowCount: number; rows: unknown[] };
/** The answer given at once for a statement whose real answer nobody waits for: no rows, no count. */
const done = (command: string): QueryResult => ({ command, rowCount: 0, rows: [] });

/** 'set', 'unread' and 'mark' (SAVEPOINT, RELEASE) are blind: nobody reads their answer. 'undo' is a ROLLBACK TO SAVEPOINT. */
type StatementKind = 'begin' | 'commit' | 'rollback' | 'undo' | 'set' | 'unread' | 'mark' | 'waited';

/** The comment that ends a statement whose answer nobody waits for (see unreadCount). */
export const UNREAD_MARK = '/* unread */';

/**
 * Ends (with Kysely's modifyEnd) an INSERT, UPDATE or DELETE whose answer nobody reads: inside a
 * PostgreSQL transaction it is then written without waiting for its answer and costs no round trip.
 * A failure still fails the transaction (see tollgateClient). Its result reports no rows: never put
 * it on a statement whose count or RETURNING decides anything. Only a write so marked is not waited
 * for; nothing is guessed from a statement's text.
 */
export const unreadCount = sql.raw(UNREAD_MARK);

/**
 * What the client does with a statement: the store's own transaction control (BEGIN, COMMIT,
 * ROLLBACK, SAVEPOINT, RELEASE, SET LOCAL), a write marked with unreadCount, or waited for.
 * Only the head is lower-cased: this runs for every query.
 */
export function statementKind(text: string): StatementKind {
  const head = text.slice(0, 12).trim().toLowerCase();
  if (head === 'begin' || head === 'commit' || head === 'rollback') return head;
  if (head.startsWith('rollback to')) return 'undo';
  if (head.startsWith('savepoint ') || head.startsWith('release ')) return 'mark';
  if (head.startsWith('set local ')) return 'set';
  if (text.endsWith(UNREAD_MARK) && !head.startsWith('select') && !head.startsWith('with')) return 'unread';
  return 'waited';
}

/**
 * The pg client of the store, for two things a round trip costs more than the work on this box:
 *
 * Prepared statements: every statement of our fixed query shapes is named, so each connection parses
 * and plans it once and then only binds and executes. Kysely renders one text per query shape;
 * long parameter lists (multi-row inserts, `in` lists) vary in shape and stay unnamed.
 *
 * Pipelined transactions: inside a transaction, BEGIN and every blind statement are written to the
 * socket without waiting for their answers (pg's pipeline mode), so a transaction of inserts costs
 * one round trip, taken at COMMIT. Their answers are still read, in order: if one failed, the next
 * statement that is waited for (at the latest the COMMIT, which PostgreSQL then turns into a
 * ROLLBACK) rejects with that first error, so a failed write is never acknowledged. In a group
 * (groupCommit), each failure is marked with the unit whose SAVEPOINT it followed, so the group can
 * tell which unit failed though another unit's statement is where it surfaced.
 */
/** Suffixes of statements prepared again after a schema change: unique per process, so never a name in use. */
let replanCount = 0;

/** The group unit (the n of its `SAVEPOINT un`) whose statement a failure came from. */
const failedIn = new WeakMap<object, number>();

function tagged(err: unknown, unit: number | undefined): unknown {
  if (unit !== undefined && typeof err === 'object' && err !== null && !failedIn.has(err)) failedIn.set(err, unit);
  return err;
}

/** The unit of a group a PostgreSQL failure belongs to; undefined outside groups (and on SQLite, whose failures are immediate). */
function unitOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null ? failedIn.get(err) : undefined;
}

function tollgateClient(): typeof pg.Client {
  const names = new Map<string, string>();
  const nameOf = (text: string, params: number): string | undefined => {
    let name = names.get(text);
    if (name === undefined && params <= MAX_PREPARED_PARAMS && names.size < MAX_PREPARED) {
      name = `tg_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  return class TollgateClient extends pg.Client {
    #inTransaction = false;
    #beginWritten = false;
    #unread: Promise<void>[] = [];
    #firstError: unknown = undefined;
    #corked = false;
    /** The group unit whose statements are being written, from its SAVEPOINT on. */
    #unit: number | undefined = undefined;

    constructor(config?: pg.ClientConfig) {
      super({ ...config, pipeline: true } as pg.ClientConfig);
    }

    /** Statements of this connection prepared again under a new name after a schema change (see #waited). */
    #renamed = new Map<string, string>();

    #send(text: string, values: unknown[] | undefined): Promise<QueryResult> {
      const shared = values && values.length > 0 ? nameOf(text, values.length) : undefined;
      const name = shared && (this.#renamed.get(shared) ?? shared);
      // biome-ignore lint/suspicious/noExplicitAny: pg's query() overloads do not cover this form's return type.
      return (super.query as any)(name ? { name, text, values } : values ? { text, values } : text);
    }

    /** The socket of this connection (pg keeps it on its Connection). */
    #socket(): { cork(): void; uncork(): void } {
      return (this as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;
    }

    /** Writes a statement whose answer is read later; its failure is kept for the next wait. */
    #sendUnread(text: string, values?: unknown[]): void {
      // Held in the socket until the statement that is waited for: the whole transaction leaves in one write.
      if (!this.#corked) {
        this.#socket().cork();
        this.#corked = true;
      }
      const unit = this.#unit;
      this.#unread.push(
        this.#send(text, values).then(
          () => {},
          (err) => {
            this.#firstError ??= tagged(err, unit);
          },
        ),
      );
    }

    async #settle(): Promise<unknown> {
      await Promise.all(this.#unread);
      const err = this.#firstError;
      this.#unread = [];
      this.#firstError = undefined;
      return err;
    }

    /** Inside a transaction, its deferred BEGIN goes out just before the first statement written. */
    #writeBegin(): void {
      if (this.#inTransaction && !this.#beginWritten) {
        this.#beginWritten = true;
        this.#sendUnread('begin');
      }
    }

    async #waited(text: string, values: unknown[] | undefined, kind: StatementKind): Promise<QueryResult> {
      this.#writeBegin();
      if (kind === 'commit' || kind === 'rollback') {
        this.#inTransaction = false;
        this.#unit = undefined;
      }
      const unit = this.#unit;
      const sent = this.#send(text, values).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      if (this.#corked) {
        this.#corked = false;
        this.#socket().uncork();
      }
      const alone = !this.#inTransaction;
      const earlier = await this.#settle();
      const outcome = await sent;
      // The first failure explains the rest ("current transaction is aborted", or a COMMIT answered with
      // ROLLBACK); a rollback (to a savepoint) is what clears it.
      if (earlier !== undefined && kind !== 'rollback' && kind !== 'undo') throw earlier;
      if ('error' in outcome) {
        if (!this.#replanned(text, values, outcome.error)) throw tagged(outcome.error, unit);
        // Alone, nothing was lost: run it again, prepared anew. In a transaction the transaction has failed.
        if (alone) return this.#send(text, values);
        throw tagged(outcome.error, unit);
      }
      return outcome.result;
    }

    /**
     * A migration run by another node changed a table under a prepared `select *`: PostgreSQL then
     * refuses the statement ("cached plan must not change result type") on this connection for good.
     * It is prepared again under a fresh name; true when that was the failure.
     */
    #replanned(text: string, values: unknown[] | undefined, error: unknown): boolean {
      // The routine names the case whatever language the server writes its messages in.
      const e = error as { code?: string; routine?: string };
      if (e.code !== '0A000' || e.routine !== 'RevalidateCachedQuery' || !values || values.length === 0) return false;
      const shared = nameOf(text, values.length);
      if (shared === undefined) return false;
      this.#renamed.set(shared, `${shared}_${++replanCount}`);
      return true;
    }

    // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; only (text[, values]) is rewritten.
    override query(...args: any[]): any {
      const [text, values] = args;
      if (typeof text !== 'string' || args.length > 2 || typeof values === 'function') {
        // biome-ignore lint/suspicious/noExplicitAny: see above.
        return (super.query as any)(...args);
      }
      const kind = statementKind(text);
      if (kind === 'mark') {
        const unit = /^savepoint u(\d+)$/i.exec(text);
        if (unit) this.#unit = Number(unit[1]);
      }
      if (kind === 'begin') {
        this.#unit = undefined;
        this.#inTransaction = true;
        this.#beginWritten = false;
        return Promise.resolve(done('BEGIN'));
      }
      if (this.#inTransaction && (kind === 'set' || kind === 'unread' || kind === 'mark')) {
        this.#writeBegin();
        this.#sendUnread(text, values);
        return Promise.resolve(done(kind.toUpperCase()));
      }
      if ((kind === 'commit' || kind === 'rollback') && this.#inTransaction && !this.#beginWritten) {
        // Nothing was written: there is no transaction on the server to end.
        this.#inTransaction = false;
        return Promise.resolve(done(kind.toUpperCase()));
      }
      return this.#waited(text, values, kind);
    }
  };
}

/**
 * PostgreSQL groups transactions as SQLite does (groupCommit): each commit writes a commit record and
 * waits for the WAL flush, and a transaction's BEGIN, COMMIT and snapshot cost the server more than a
 * few inserts (measured: a pair of bare transactions took 525–630 µs of PostgreSQL's CPU alone and
 * 300–350 µs grouped). Two groups run at once, so that one's round trips overlap the other's work. At
 * most 32 share one: each writing unit takes a subtransaction id, and past the 64 a backend caches,
 * every session's snapshot checks get slower.
 */
const POSTGRES_GROUPS: GroupOptions = { begin: 'BEGIN', maxGroup: 32, groups: 2 };

function openPostgres(url: string, poolSize: number, onPoolError: (err: Error) => void): Store {
  const pool = new pg.Pool({
    Client: tollgateClient(),
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
  // An idle client that loses its server must not crash the process: reported, and the pool replaces it.
  pool.on('error', onPoolError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  const grouped = groupCommit(db, POSTGRES_GROUPS);
  return {
    kind: 'postgres',
    db,
    // A `host` parameter (a Unix socket directory) wins over the URL's host, as it does for pg.
    location: `postgresql://${parsed.searchParams.get('host') ?? parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    transaction: (fn, options) =>
      options?.durable === false
        ? // Nothing to wait for together: these commit without waiting for the disk, on their own.
          db.transaction().execute(async (tx) => {
            await sql`set local synchronous_commit to off`.execute(tx);
            return fn(tx);
          })
        : grouped(fn),
    close: () => db.destroy(),
  };
}
