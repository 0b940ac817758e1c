import { CompiledQuery, type Insertable, PostgresAdapter, sql } from 'kysely';
import { UNREAD_MARK, unreadCount } from './statement-kinds.js';
import type { Database, Db } from './schema.js';

/** Distinct statement texts kept per table and database dialect. */
const MAX_SHAPES_PER_TABLE = 100;

interface Shape {
  rowCount: number;
  columns: readonly string[];
  onConflict: string;
  text: string;
}

/**
 * Per dialect adapter (SQLite and PostgreSQL render differently; tests run both in one process), then
 * per table. Found by comparing the column names one by one: a key string joining them would be built
 * and hashed on every insert, which cost more than the rest of the lookup.
 */
const shapes = new WeakMap<object, Map<string, Shape[]>>();

function cachedShape(list: readonly Shape[], rowCount: number, columns: readonly string[], onConflict: string): Shape | undefined {
  next: for (const s of list) {
    if (s.rowCount !== rowCount || s.onConflict !== onConflict || s.columns.length !== columns.length) continue;
    for (let i = 0; i < columns.length; i++) if (s.columns[i] !== columns[i]) continue next;
    return s;
  }
  return undefined;
}

/**
 * Inserts rows with the statement text built once per table, column list and row count: the hot
 * writes (payments, events, jobs, deliveries, the request log) then skip Kysely's query building,
 * which costs more than the insert's own round trip on a busy gateway. The text is Kysely's own;
 * rows whose keys differ, or that carry an undefined value, take Kysely's ordinary path. Several rows
 * on PostgreSQL take one fixed text instead (see recordsetInsert). Nobody reads their count, so each is
 * marked unreadCount: inside a PostgreSQL transaction it costs no round trip.
 */
export async function insertRows<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  /** A fixed `on conflict …` clause, part of the cached text (e.g. an upsert of running totals). */
  onConflict = '',
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const params: unknown[] = [];
  for (const r of rows) {
    const v = rowValues(columns, r);
    if (!v) {
      await db.insertInto(table).values(rows as never).modifyEnd(sql.raw(onConflict)).modifyEnd(unreadCount).execute();
      return;
    }
    for (const x of v) params.push(x);
  }
  const adapter = db.getExecutor().adapter;
  if (rows.length > 1 && adapter instanceof PostgresAdapter && params.every(jsonSafe)) {
    await db.executeQuery(CompiledQuery.raw(`${recordsetInsert(table, columns)} ${onConflict} ${UNREAD_MARK}`, [JSON.stringify(rows)]));
    return;
  }
  let byTable = shapes.get(adapter);
  if (!byTable) {
    byTable = new Map();
    shapes.set(adapter, byTable);
  }
  let list = byTable.get(table);
  if (!list) {
    list = [];
    byTable.set(table, list);
  }
  let shape = cachedShape(list, rows.length, columns, onConflict);
  if (!shape) {
    shape = { rowCount: rows.length, columns, onConflict, text: `${db.insertInto(table).values(rows as never).compile().sql} ${onConflict} ${UNREAD_MARK}` };
    if (list.length < MAX_SHAPES_PER_TABLE) list.push(shape);
  }
  await db.executeQuery(CompiledQuery.raw(shape.text, params));
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
export function recordsetInsert(table: keyof Database & string, columns: readonly string[], param = '$1', opts: { skipCommittedBy?: string } = {}): string {
  const list = columns.map((c) => `"${c}"`).join(', ');
  const text = `insert into "${table}" (${list}) select ${list} from json_populate_recordset(null::"${table}", ${param}::json) r`;
  const key = opts.skipCommittedBy;
  // Rows whose key is already committed are left out before the insert: ON CONFLICT alone waits for a
  // transaction that holds the existing row locked, to learn whether it conflicts.
  return key ? `${text} where not exists (select 1 from "${table}" x where x."${key}" = r."${key}")` : text;
}
