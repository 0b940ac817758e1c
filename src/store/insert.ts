import { CompiledQuery, type Insertable, PostgresAdapter } from 'kysely';
import { UNREAD_MARK, unreadCount } from './statement-kinds.js';
import type { Database, Db } from './schema.js';

/** Distinct statement texts kept per database dialect. */
const MAX_SHAPES = 200;

/** Per dialect adapter (SQLite and PostgreSQL render differently; tests run both in one process). */
const shapes = new WeakMap<object, Map<string, string>>();

/**
 * Inserts rows with the statement text built once per table, column list and row count: the hot
 * writes (payments, events, jobs, deliveries, the request log) then skip Kysely's query building,
 * which costs more than the insert's own round trip on a busy gateway. The text is Kysely's own;
 * rows whose keys differ, or that carry an undefined value, take Kysely's ordinary path. Several rows
 * on PostgreSQL take one fixed text instead (see recordsetInsert). Nobody reads their count, so each is
 * marked unreadCount: inside a PostgreSQL transaction it costs no round trip.
 */
export async function insertRows<T extends keyof Database & string>(db: Db, table: T, rows: readonly Insertable<Database[T]>[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const params: unknown[] = [];
  for (const r of rows) {
    const v = rowValues(columns, r);
    if (!v) {
      await db.insertInto(table).values(rows as never).modifyEnd(unreadCount).execute();
      return;
    }
    for (const x of v) params.push(x);
  }
  const adapter = db.getExecutor().adapter;
  if (rows.length > 1 && adapter instanceof PostgresAdapter && params.every(jsonSafe)) {
    await db.executeQuery(CompiledQuery.raw(`${recordsetInsert(table, columns)} ${UNREAD_MARK}`, [JSON.stringify(rows)]));
    return;
  }
  let cache = shapes.get(adapter);
  if (!cache) {
    cache = new Map();
    shapes.set(adapter, cache);
  }
  const key = `${table}|${rows.length}|${columns.join(',')}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = `${db.insertInto(table).values(rows as never).compile().sql} ${UNREAD_MARK}`;
    if (cache.size < MAX_SHAPES) cache.set(key, text);
  }
  await db.executeQuery(CompiledQuery.raw(text, params));
}

/** A row's values in `columns` order; undefined when its keys differ from them or a value is undefined. */
function rowValues(columns: readonly string[], r: object): unknown[] | undefined {
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
}

/** ES2024's String.prototype.isWellFormed: Node 20 has it, the ES2023 library typings do not. */
type WellFormedCheck = string & { isWellFormed(): boolean };

/**
 * A value JSON carries to PostgreSQL unchanged: a safe integer, a boolean, null, or well-formed text.
 * Not bytes or bigints; and not text with a lone surrogate, which JSON writes as an escape PostgreSQL
 * refuses, where the parameter form stores U+FFFD.
 */
const jsonSafe = (v: unknown): boolean =>
  v === null || typeof v === 'boolean' || (typeof v === 'string' && (v as WellFormedCheck).isWellFormed()) || (typeof v === 'number' && Number.isSafeInteger(v));

/**
 * A multi-row insert on PostgreSQL as one statement whatever the row count: the rows travel as one
 * JSON parameter and the table's own row type converts them. Its text depends only on the table and
 * columns, so the client prepares it once per connection; Kysely's form, with a parameter per value,
 * has a new text (and a new parse and plan on the server) for every row count.
 */
export function recordsetInsert(table: keyof Database & string, columns: readonly string[], param = '$1'): string {
  const list = columns.map((c) => `"${c}"`).join(', ');
  return `insert into "${table}" (${list}) select ${list} from json_populate_recordset(null::"${table}", ${param}::json)`;
}
