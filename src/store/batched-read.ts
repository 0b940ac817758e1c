import { PostgresAdapter } from 'kysely';
import { createLoader } from '../core/batch.js';
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
  const loaders = new WeakMap<Db, (key: string) => Promise<R | undefined>>();
  return (db, key) => {
    if (db.isTransaction || !(db.getExecutor().adapter instanceof PostgresAdapter)) return read.one(db, key);
    let loader = loaders.get(db);
    if (!loader) {
      loader = createLoader(async (keys: string[]) => new Map((await read.many(db, keys)).map((r) => [read.keyOf(r), r])), MAX_KEYS);
      loaders.set(db, loader);
    }
    return loader(key);
  };
}
