import { CompiledQuery, type Insertable } from 'kysely';
import type { Database, Db } from './schema.js';

/** Distinct statement texts kept per database dialect. */
const MAX_SHAPES = 200;

/** Per dialect adapter (SQLite and PostgreSQL render differently; tests run both in one process). */
const shapes = new WeakMap<object, Map<string, string>>();

/**
 * Inserts rows with the statement text built once per table, column list and row count: the hot
 * writes (payments, events, jobs, deliveries, the request log) then skip Kysely's query building,
 * which costs more than the insert's own round trip on a busy gateway. The text is Kysely's own;
 * rows whose keys differ, or that carry an undefined value, take Kysely's ordinary path.
 */
export async function insertRows<T extends keyof Database & string>(db: Db, table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const values = (r: object): unknown[] | undefined => {
    const record = r as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length !== columns.length) return undefined;
    const out: unknown[] = [];
    for (let i = 0; i < columns.length; i++) {
      const v = record[columns[i] as string];
      if (keys[i] !== columns[i] || v === undefined) return undefined;
      out.push(v);
    }
    return out;
  };
  const params: unknown[] = [];
  for (const r of rows) {
    const v = values(r);
    if (!v) {
      await db.insertInto(table).values(rows as never).execute();
      return;
    }
    params.push(...v);
  }
  const adapter = db.getExecutor().adapter;
  let cache = shapes.get(adapter);
  if (!cache) {
    cache = new Map();
    shapes.set(adapter, cache);
  }
  const key = `${table}|${rows.length}|${columns.join(',')}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = db.insertInto(table).values(rows as never).compile().sql;
    if (cache.size < MAX_SHAPES) cache.set(key, text);
  }
  await db.executeQuery(CompiledQuery.raw(text, params));
}
