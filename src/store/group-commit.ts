import { sql } from 'kysely';
import type { RerunnableUnit } from './database.js';
import type { Db } from './schema.js';

interface Unit {
  fn: RerunnableUnit<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** Times this unit was run again after losing a deadlock to another group. */
  retries: number;
}

export interface GroupOptions {
  /** The statement that opens a group's transaction. */
  begin: string;
  /** At most this many transactions share one commit (1: each its own BEGIN … COMMIT). */
  maxGroup: number;
  /** Groups running at once, each on its own connection. */
  groups: number;
  /** Each unit runs, is rolled back to its savepoint and runs again (see RerunnableUnit). */
  rerunUnits?: boolean;
}

/** The handles units of a group run on: connections in an open transaction, which Kysely cannot tell. */
const groupHandles = new WeakSet<Db>();

/** True inside store.transaction(): reads there must see the transaction, so they run on its connection, alone. */
export function inTransaction(db: Db): boolean {
  return db.isTransaction || groupHandles.has(db);
}

/** The group unit (the n of its `SAVEPOINT un`) whose statement a failure came from. */
const failedIn = new WeakMap<object, number>();

/** Marks a failure with the unit it came from (the client that sees it later knows; the group asks unitOf). */
export function tagged(err: unknown, unit: number | undefined): unknown {
  if (unit !== undefined && typeof err === 'object' && err !== null && !failedIn.has(err)) failedIn.set(err, unit);
  return err;
}

/** The unit of a group a PostgreSQL failure belongs to; undefined outside groups (and on SQLite, whose failures are immediate). */
function unitOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null ? failedIn.get(err) : undefined;
}

/** A deadlock or serialization failure: the unit lost to another group and may run again. */
function lostRace(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '40P01' || code === '40001';
}

/**
 * Runs unit on c, where `savepoint` was just opened. With `rerun`, it runs, is rolled back to the
 * savepoint and runs again, as group commit may do to it: whatever it did outside the database
 * then happens twice, where a test sees it.
 */
export async function runUnit<T>(c: Db, unit: RerunnableUnit<T>, savepoint: string, rerun: boolean | undefined): Promise<T> {
  if (!rerun) return unit(c);
  await unit(c);
  // Waited for: on PostgreSQL a pipelined write of the first run that failed is reported here, not lost in the rollback.
  await sql`select 1`.execute(c);
  await sql.raw(`ROLLBACK TO ${savepoint}`).execute(c);
  return unit(c);
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
 * unit or at the COMMIT; the client marks it with the unit it came from (tagged). That unit fails;
 * the units after it, which ran on an aborted transaction, are rolled back with it and run again in
 * the next group (all of them, when the COMMIT is where it surfaced). Several groups run at once; a
 * unit that loses a deadlock to another group (which it would not have met alone, its rows being held
 * until its group commits) is queued again too.
 */
export function groupCommit(db: Db, options: GroupOptions): <T>(unit: RerunnableUnit<T>) => Promise<T> {
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
        const value = await runUnit(c, (batch[i] as Unit).fn, `u${i}`, options.rerunUnits);
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
          // Re-running needs a savepoint to roll back to: then even a lone unit runs as a group.
          if (batch.length === 1 && !options.rerunUnits) {
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
