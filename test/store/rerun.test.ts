/**
 * A transaction's unit may run more than once (group commit runs it again after another unit's
 * failure), so it may do database work only. The test servers open their store with `rerunUnits`:
 * every unit runs, is rolled back to its savepoint and runs again. An effect outside the database
 * then happens twice, where the suite's exact counts catch it; the services' units, which every
 * suite drives through a test server, pass under it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openStore, type Store, unreadCount } from '../../src/store/database.js';
import { isUniqueViolation } from '../../src/store/errors.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';
import { startTestServer } from '../helpers/server.js';

for (const kind of testDatabases()) {
  describe(`units run twice under rerunUnits on ${kind}`, () => {
    let store: Store;
    const rows = async (): Promise<string[]> => (await sql<{ id: string }>`select id from probe order by id`.execute(store.db)).rows.map((r) => r.id);
    const insert = (db: Store['db'], id: string) => sql`insert into probe (id) values (${id}) ${unreadCount}`.execute(db);

    before(async () => {
      store = openStore({ ...(await freshDatabase(kind)), rerunUnits: true });
      await sql`create table probe (id text primary key)`.execute(store.db);
    });
    after(() => store.close());

    test('a unit that sends something outside the database is caught: one row committed, two sends', async () => {
      await sql`delete from probe`.execute(store.db);
      const sent: string[] = [];
      const id = await store.transaction(async (tx) => {
        await insert(tx, 'p1');
        sent.push('mail for p1');
        return 'p1';
      });
      assert.deepEqual(await rows(), ['p1'], 'the database kept one run');
      assert.deepEqual(sent, ['mail for p1', 'mail for p1'], 'the outside effect shows as a duplicate');
      assert.equal(id, 'p1', 'what goes after the commit, from the unit’s result, happens once');
    });

    test('units that share a commit each run twice, and each caller gets its second run’s answer', async () => {
      await sql`delete from probe`.execute(store.db);
      const runs = new Map<number, number>();
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.transaction(async (tx) => {
            runs.set(i, (runs.get(i) ?? 0) + 1);
            await insert(tx, `g${String(i).padStart(2, '0')}`);
            return runs.get(i);
          }),
        ),
      );
      assert.deepEqual([...runs.values()], Array(12).fill(2));
      assert.deepEqual(answers, Array(12).fill(2));
      assert.equal((await rows()).length, 12);
    });

    test('a write of the first run that failed is reported, not lost in the rollback between the runs', async () => {
      await sql`delete from probe`.execute(store.db);
      await insert(store.db, 'taken');
      let runs = 0;
      await assert.rejects(
        store.transaction(async (tx) => {
          runs += 1;
          await insert(tx, 'taken');
        }),
        (e: unknown) => isUniqueViolation(e),
      );
      assert.equal(runs, 1, 'a unit that failed is not run again');
      assert.deepEqual(await rows(), ['taken']);
    });

    test('records that need not be durable run twice too', async () => {
      await sql`delete from probe`.execute(store.db);
      let runs = 0;
      await store.transaction(
        async (tx) => {
          runs += 1;
          await insert(tx, 'n1');
        },
        { durable: false },
      );
      assert.equal(runs, 2);
      assert.deepEqual(await rows(), ['n1']);
    });
  });

  test(`the test servers run every unit twice on ${kind}`, async () => {
    const server = await startTestServer(kind);
    try {
      let runs = 0;
      await server.store.transaction(async () => {
        runs += 1;
      });
      assert.equal(runs, 2);
    } finally {
      await server.stop();
    }
  });
}
