import { type Compilable, CompiledQuery } from 'kysely';
import type { Db } from './schema.js';

/** Marks a placeholder among a compiled query's parameters; no real value starts with NUL. */
const PLACEHOLDER = '\u0000tollgate-param:';

type Slot = { param: string } | { constant: unknown };

interface Shape {
  sql: string;
  slots: Slot[];
}

/**
 * A query whose shape never changes, only its values: Kysely builds and compiles it once per database
 * dialect, and each call only binds values to the stored text. The hot reads (a payment by the id a
 * wire handed out, a status poll) then skip Kysely's query building, which costs more CPU than the
 * indexed lookup itself. `build` receives placeholders for its values; it may compare, insert or
 * limit by them, but must not inspect them (a list for `in`, say, changes the text and does not fit).
 */
export function preparedQuery<P extends Record<string, unknown>, R>(build: (db: Db, params: P) => Compilable<R>): (db: Db, params: P) => Promise<R[]> {
  // Per dialect adapter: SQLite and PostgreSQL render differently, and tests run both in one process.
  const shapes = new WeakMap<object, Shape>();
  const placeholders = new Proxy({} as P, { get: (_target, key) => (typeof key === 'string' ? PLACEHOLDER + key : undefined) });
  return async (db, params) => {
    const adapter = db.getExecutor().adapter;
    let shape = shapes.get(adapter);
    if (shape === undefined) {
      const compiled = build(db, placeholders).compile();
      if (compiled.parameters.some((v) => typeof v === 'string' && v.includes(PLACEHOLDER) && !v.startsWith(PLACEHOLDER)))
        throw new Error('a prepared query used a placeholder inside another value; pass the whole value as a parameter');
      shape = {
        sql: compiled.sql,
        slots: compiled.parameters.map((v) => (typeof v === 'string' && v.startsWith(PLACEHOLDER) ? { param: v.slice(PLACEHOLDER.length) } : { constant: v })),
      };
      shapes.set(adapter, shape);
    }
    const values = shape.slots.map((s) => ('param' in s ? params[s.param] : s.constant));
    return (await db.executeQuery<R>(CompiledQuery.raw(shape.sql, values))).rows;
  };
}
