/**
 * A real failure of the database for chosen rows: a trigger that aborts an insert or update when its
 * condition holds (written over `new.`, valid on SQLite and PostgreSQL). Returns what removes it.
 */
import { type Kysely, sql } from 'kysely';
import type { DbKind } from './dbs.js';

export async function refuseWrites(db: Kysely<any>, kind: DbKind, on: { name: string; table: string; event: 'insert' | 'update'; when: string }): Promise<() => Promise<void>> {
  const { name, table, event, when } = on;
  const statements =
    kind === 'postgres'
      ? [
          `create function ${name}() returns trigger language plpgsql as $$ begin raise exception '${name}: refused by a test trigger'; end $$`,
          `create trigger ${name} before ${event} on ${table} for each row when (${when}) execute function ${name}()`,
        ]
      : [`create trigger ${name} before ${event} on ${table} when ${when} begin select raise(abort, '${name}: refused by a test trigger'); end`];
  for (const s of statements) await sql.raw(s).execute(db);
  const drops = kind === 'postgres' ? [`drop trigger if exists ${name} on ${table}`, `drop function if exists ${name}`] : [`drop trigger if exists ${name}`];
  return async () => {
    for (const s of drops) await sql.raw(s).execute(db);
  };
}
