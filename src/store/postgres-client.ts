import { createHash } from 'node:crypto';
import pg from 'pg';
import { tagged } from './group-commit.js';
import { type StatementKind, statementKind } from './statement-kinds.js';

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

/** Suffixes of statements prepared again after a schema change: unique per process, so never a name in use. */
let replanCount = 0;

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
export function tollgateClient(): typeof pg.Client {
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
      // A query built from text and values, then named: pg copies a config object property by property
      // (cloneQueryConfig) for every query, which cost more than building and sending some statements.
      return new Promise<QueryResult>((resolve, reject) => {
        const query = new pg.Query(text, values, (err, result) => (err ? reject(err) : resolve(result as QueryResult)));
        if (name) (query as { name?: string }).name = name;
        super.query(query);
      });
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
