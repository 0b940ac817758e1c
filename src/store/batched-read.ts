import { PostgresAdapter } from 'kysely';
import { createLoader } from '../core/batch.js';
import { inTransaction } from './group-commit.js';
import type { Db } from './schema.js';

/** Keys per statement: one array parameter, so only the size of the answer grows. */
const MAX_KEYS = 256;

/**
 * A lookup by a unique key that many requests make at once (a status poll by the id a wire handed
 * out). On PostgreSQL, outside a transaction, the keys asked for in the same moment share one
 * statement (`key = any($1)`): one round trip and one socket write instead of one per request,
 * which on a busy gateway costs more than the lookups themselves. Each read is still sent after the
 * request that asked for it arrived, so it sees every write acknowledged before. Inside a
 * transaction, and on SQLite (an in-process call with no round trip to share), each read runs alone.
 */
export function batchedByKey<R>(read: {
  one: (db: Db, key: string) => Promise<R | undefined>;
  many: (db: Db, keys: string[]) => Promise<R[]>;
  keyOf: (row: R) => string;
}): (db: Db, key: string) => Promise<R | undefined> {
  type Outcome = { row: R | undefined } | { error: unknown };
  const loaders = new WeakMap<Db, (key: string) => Promise<Outcome | undefined>>();
  /** The keys of one moment in one statement; if that fails, each key alone, so one bad key fails only its own caller. */
  const loadAll = async (db: Db, keys: string[]): Promise<Map<string, Outcome>> => {
    try {
      return new Map((await read.many(db, keys)).map((r) => [read.keyOf(r), { row: r }]));
    } catch {
      const alone = await Promise.all(keys.map((k) => read.one(db, k).then((row): Outcome => ({ row }), (error: unknown): Outcome => ({ error }))));
      return new Map(keys.map((k, i) => [k, alone[i] as Outcome]));
    }
  };
  return async (db, key) => {
    if (inTransaction(db) || !(db.getExecutor().adapter instanceof PostgresAdapter)) return read.one(db, key);
    // PostgreSQL text cannot hold NUL, so no row has such a key (and it would fail the whole statement).
    if (key.includes('\0')) return undefined;
    let loader = loaders.get(db);
    if (!loader) {
      loader = createLoader((keys: string[]) => loadAll(db, keys), MAX_KEYS);
      loaders.set(db, loader);
    }
    const outcome = await loader(key);
    if (outcome && 'error' in outcome) throw outcome.error;
    return outcome?.row;
  };
}
