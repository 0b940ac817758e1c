/**
 * Whether the PostgreSQL client waits for a statement's answer is told, never guessed from its text:
 * only a write marked `unreadCount` (and the store's own BEGIN, SAVEPOINT, RELEASE, SET LOCAL) goes
 * out without waiting. Everything else, INSERT included, is waited for and reports its real count.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openStore, type Store, statementKind, UNREAD_MARK } from '../../src/store/database.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';

const mark = UNREAD_MARK;

describe('statement kinds', () => {
  const table: Array<[string, string]> = [
    ['begin', 'begin'],
    ['BEGIN IMMEDIATE', 'waited'],
    ['commit', 'commit'],
    ['rollback', 'rollback'],
    ['ROLLBACK TO u3', 'undo'],
    ['SAVEPOINT u0', 'mark'],
    ['RELEASE u12', 'mark'],
    ['set local synchronous_commit to off', 'set'],
    ['insert into "jobs" ("id") values ($1)', 'waited'],
    [`insert into "jobs" ("id") values ($1) ${mark}`, 'unread'],
    ['insert into "t" ("a") select "a" from "u" where false', 'waited'],
    ['insert into "t" ("a") values ($1) returning "a"', 'waited'],
    ['insert into "t" ("a") values ($1) on conflict do nothing', 'waited'],
    ['update "jobs" set "run_at" = $1 where "id" = $2', 'waited'],
    [`update "jobs" set "run_at" = $1 where "id" = $2 ${mark}`, 'unread'],
    [`delete from "jobs" where "id" = $1 ${mark}`, 'unread'],
    ['delete from "jobs" where "id" = $1', 'waited'],
    ['select * from "jobs" where "id" = $1', 'waited'],
    ["select '/* unread */'", 'waited'],
    ['with x as (insert into t values (1)) select 1', 'waited'],
    [`with x as (insert into t values (1)) insert into u values (2) ${mark}`, 'unread'],
  ];
  for (const [text, kind] of table) {
    test(`${text} → ${kind}`, () => assert.equal(statementKind(text), kind));
  }
});

for (const kind of testDatabases()) {
  describe(`row counts inside a transaction on ${kind}`, () => {
    let store: Store;
    before(async () => {
      store = openStore(await freshDatabase(kind));
      await sql`create table src (id text primary key)`.execute(store.db);
      await sql`create table dst (id text primary key)`.execute(store.db);
    });
    after(() => store.close());

    test('an INSERT … SELECT that inserts nothing reports 0 rows, and one that inserts two reports 2', async () => {
      const counts = await store.transaction(async (tx) => {
        const none = await sql`insert into dst (id) select id from src where id = ${'absent'}`.execute(tx);
        await sql`insert into src (id) values (${'a'}), (${'b'})`.execute(tx);
        const two = await sql`insert into dst (id) select id from src`.execute(tx);
        return [Number(none.numAffectedRows), Number(two.numAffectedRows)];
      });
      assert.deepEqual(counts, [0, 2]);
    });
  });
}
