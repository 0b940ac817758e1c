/**
 * What a transaction promises, on each database, with the store's own connection handling underneath
 * (on PostgreSQL: BEGIN and blind INSERTs are pipelined and answered at the next wait). A write that
 * failed is never acknowledged, whichever statement reports it, and leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openStore, type Store, unreadCount } from '../../src/store/database.js';
import { isUniqueViolation } from '../../src/store/errors.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';
import { eventually } from '../helpers/eventually.js';

for (const kind of testDatabases()) {
  describe(`transactions on ${kind}`, () => {
    let store: Store;
    const count = async (): Promise<number> => Number((await sql<{ n: number }>`select count(*) as n from probe`.execute(store.db)).rows[0]?.n);
    const ids = async (): Promise<string[]> => (await sql<{ id: string }>`select id from probe order by id`.execute(store.db)).rows.map((r) => r.id);
    // Marked unreadCount, as the store's own inserts are: on PostgreSQL a failure then surfaces later.
    const insert = (db: Store['db'], id: string) => sql`insert into probe (id, v) values (${id}, ${'x'}) ${unreadCount}`.execute(db);

    before(async () => {
      store = openStore(await freshDatabase(kind));
      await sql`create table probe (id text primary key, v text not null)`.execute(store.db);
    });
    after(() => store.close());

    test('inserts that all succeed are committed together and answered once the commit is done', async () => {
      await sql`delete from probe`.execute(store.db);
      await store.transaction(async (tx) => {
        for (const id of ['a1', 'a2', 'a3']) await insert(tx, id);
      });
      assert.deepEqual(await ids(), ['a1', 'a2', 'a3']);
    });

    test('a duplicate key in the middle fails the whole transaction with the unique violation, and nothing is kept', async () => {
      await sql`delete from probe`.execute(store.db);
      await insert(store.db, 'dup');
      const err = await store
        .transaction(async (tx) => {
          await insert(tx, 'b1');
          await insert(tx, 'dup');
          await insert(tx, 'b2');
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err, 'the transaction is refused');
      assert.ok(isUniqueViolation(err), `the first failure is what the caller sees, not a later one: ${String(err)}`);
      assert.deepEqual(await ids(), ['dup']);
    });

    test('a read after a failed insert reports the insert’s failure, and the code after it does not run', async () => {
      await sql`delete from probe`.execute(store.db);
      await insert(store.db, 'dup');
      let readReturned = false;
      await assert.rejects(
        store.transaction(async (tx) => {
          await insert(tx, 'dup');
          await sql`select count(*) from probe`.execute(tx);
          readReturned = true;
          await insert(tx, 'c1');
        }),
        (e: unknown) => isUniqueViolation(e),
      );
      // On SQLite the insert itself throws; on PostgreSQL the read is where its answer is waited for.
      assert.equal(readReturned, false);
      assert.equal(await count(), 1);
    });

    test('a transaction that throws after its inserts were written keeps none of them', async () => {
      await sql`delete from probe`.execute(store.db);
      await assert.rejects(
        store.transaction(async (tx) => {
          await insert(tx, 'd1');
          await insert(tx, 'd2');
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.equal(await count(), 0);
    });

    test('many concurrent transactions, some failing: exactly the successful ones are kept', async () => {
      await sql`delete from probe`.execute(store.db);
      await insert(store.db, 'taken');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          store.transaction(async (tx) => {
            await insert(tx, `e${String(i).padStart(2, '0')}`);
            if (i % 4 === 0) await insert(tx, 'taken');
          }),
        ),
      );
      const kept = outcomes.map((o, i) => (o.status === 'fulfilled' ? `e${String(i).padStart(2, '0')}` : null)).filter((x): x is string => x !== null);
      assert.equal(kept.length, 30);
      for (const o of outcomes) if (o.status === 'rejected') assert.ok(isUniqueViolation(o.reason));
      assert.deepEqual(await ids(), [...kept, 'taken'].sort());
    });

    test('concurrent transactions share commits, and one that throws inside a shared commit loses only its own rows', async () => {
      await sql`delete from probe`.execute(store.db);
      const xid = (tx: Store['db']) => (kind === 'postgres' ? sql<{ x: string }>`select txid_current()::text as x`.execute(tx).then((r) => r.rows[0]?.x) : Promise.resolve('n/a'));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          store.transaction(async (tx) => {
            await insert(tx, `h${String(i).padStart(2, '0')}`);
            const x = await xid(tx);
            if (i % 5 === 2) throw new Error(`unit ${i} changed its mind`);
            return x;
          }),
        ),
      );
      const kept = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [`h${String(i).padStart(2, '0')}`] : []));
      assert.equal(kept.length, 32);
      outcomes.forEach((o, i) => {
        if (o.status === 'rejected') assert.match(String(o.reason), new RegExp(`unit ${i} changed its mind`));
      });
      assert.deepEqual(await ids(), kept);
      if (kind === 'postgres') {
        // Each caller's work ran in a subtransaction of a shared one: far fewer top-level transactions than callers.
        const distinct = new Set(outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : [])));
        assert.ok(distinct.size < 16, `${distinct.size} PostgreSQL transactions for 32 commits`);
      }
    });

    test('a failed insert that surfaces in a later transaction of the same commit, or at the COMMIT, fails only its own', async () => {
      await sql`delete from probe`.execute(store.db);
      await insert(store.db, 'taken');
      const gate = () => {
        let open = () => {};
        const opened = new Promise<void>((r) => {
          open = r;
        });
        return { open, opened };
      };
      // Both groups busy, so that the next transactions queue up and share one commit.
      const [p, q] = [gate(), gate()];
      const held = [store.transaction(() => p.opened), store.transaction(() => q.opened)];
      const runs = { reader: 0, writer: 0 };
      // Its duplicate is only written (blind): on PostgreSQL the failure comes back with the next wait.
      const duplicate = store.transaction((tx) => insert(tx, 'taken'));
      const reader = store.transaction(async (tx) => {
        runs.reader++;
        await insert(tx, 'r1');
        return Number((await sql<{ n: number }>`select count(*) as n from probe`.execute(tx)).rows[0]?.n);
      });
      // Only writes as well: a failure before it would surface at the COMMIT.
      const duplicateAgain = store.transaction((tx) => insert(tx, 'taken'));
      const writer = store.transaction(async (tx) => {
        runs.writer++;
        await insert(tx, 'w1');
      });
      p.open();
      q.open();
      await Promise.all(held);
      const [d1, r, d2, w] = await Promise.allSettled([duplicate, reader, duplicateAgain, writer]);
      for (const d of [d1, d2]) assert.ok(d.status === 'rejected' && isUniqueViolation(d.reason), `the duplicate fails with its own error: ${JSON.stringify(d)}`);
      assert.equal(r.status, 'fulfilled');
      assert.equal(w.status, 'fulfilled');
      assert.deepEqual(await ids(), ['r1', 'taken', 'w1']);
      if (kind === 'postgres') {
        // Each ran on a transaction the duplicate before it had aborted, and ran again: `runs` is an
        // effect outside the database, counted twice while each row was written once. This is why a
        // unit must be a RerunnableUnit (database only).
        assert.deepEqual(await ids(), ['r1', 'taken', 'w1']);
        assert.deepEqual(runs, { reader: 2, writer: 2 });
      } else assert.deepEqual(runs, { reader: 1, writer: 1 });
    });

    test('a transaction that loses a deadlock to another shared commit runs again and commits', { skip: kind !== 'postgres' && 'one connection: SQLite commits one group at a time' }, async () => {
      await sql`delete from probe`.execute(store.db);
      for (const id of ['x', 'y']) await insert(store.db, id);
      const gate = () => {
        let open = () => {};
        const opened = new Promise<void>((r) => {
          open = r;
        });
        return { open, opened };
      };
      const set = (tx: Store['db'], id: string, v: string) => sql`update probe set v = v || ${v} where id = ${id}`.execute(tx);
      // Two groups busy, each with one unit held at a gate.
      const [p, q, v, vHoldsY] = [gate(), gate(), gate(), gate()];
      const heldP = store.transaction(() => p.opened);
      const heldQ = store.transaction(() => q.opened);
      let runsOfU = 0;
      try {
        // V and a companion wait for a group; the first group to finish takes both.
        const unitV = store.transaction(async (tx) => {
          await set(tx, 'y', 'V');
          vHoldsY.open();
          await v.opened;
          await set(tx, 'x', 'V');
        });
        const companionV = store.transaction((tx) => insert(tx, 'v-companion'));
        q.open();
        await heldQ;
        await vHoldsY.opened;
        // U and a companion go to the other group when it frees: U takes x, then waits for y.
        const unitU = store.transaction(async (tx) => {
          runsOfU++;
          await set(tx, 'x', 'U');
          await set(tx, 'y', 'U');
        });
        const companionU = store.transaction((tx) => insert(tx, 'u-companion'));
        p.open();
        await heldP;
        const waitingForLock = async () => Number((await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock'`.execute(store.db)).rows[0]?.n) > 0;
        await eventually(waitingForLock, 10_000, 'U waiting for V’s row');
        // V now wants x, which U holds: a deadlock, which PostgreSQL breaks by failing the one that waited first, U.
        v.open();
        await Promise.all([unitV, companionV, unitU, companionU]);
      } finally {
        for (const g of [p, q, v, vHoldsY]) g.open();
      }
      assert.equal(runsOfU, 2, 'U ran again after losing');
      const rows = (await sql<{ id: string; v: string }>`select id, v from probe where id in ('x', 'y') order by id`.execute(store.db)).rows;
      assert.deepEqual(rows, [
        { id: 'x', v: 'xVU' },
        { id: 'y', v: 'xVU' },
      ]);
      assert.deepEqual((await ids()).filter((id) => id.endsWith('companion')), ['u-companion', 'v-companion'], 'the companions of both groups committed');
    });

    test('an UPDATE or DELETE marked unreadCount does its work, and one that fails fails its whole transaction', async () => {
      const rows = async () => (await sql<{ id: string; v: string }>`select id, v from probe order by id`.execute(store.db)).rows.map((r) => `${r.id}=${r.v}`);
      await sql`delete from probe`.execute(store.db);
      for (const id of ['u1', 'u2']) await insert(store.db, id);
      await store.transaction(async (tx) => {
        await sql`update probe set v = ${'y'} where id = ${'u1'} ${unreadCount}`.execute(tx);
        await sql`delete from probe where id = ${'u2'} ${unreadCount}`.execute(tx);
        await insert(tx, 'u3');
      });
      assert.deepEqual(await rows(), ['u1=y', 'u3=x']);
      // Outside a transaction it is an ordinary statement.
      await sql`update probe set v = ${'z'} where id = ${'u3'} ${unreadCount}`.execute(store.db);
      assert.deepEqual(await rows(), ['u1=y', 'u3=z']);
      // v is NOT NULL: the update fails, wherever its failure is reported (at once on SQLite, at the COMMIT on PostgreSQL).
      const err = await store
        .transaction(async (tx) => {
          await insert(tx, 'u4');
          await sql`update probe set v = ${null} where id = ${'u1'} ${unreadCount}`.execute(tx);
          await sql`delete from probe where id = ${'u3'} ${unreadCount}`.execute(tx);
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.match(String(err), /null/i, 'the update\u2019s own failure is what the caller sees');
      assert.deepEqual(await rows(), ['u1=y', 'u3=z'], 'nothing of the failed transaction is kept');
    });

    test('an empty transaction and one that only reads both work, and the connection stays usable', async () => {
      await store.transaction(async () => {});
      const n = await store.transaction(async (tx) => Number((await sql<{ n: number }>`select count(*) as n from probe`.execute(tx)).rows[0]?.n));
      assert.equal(n, await count());
      await store.transaction((tx) => insert(tx, 'f1'));
      assert.ok((await ids()).includes('f1'));
    });

    test('a transaction marked not durable commits all the same; on PostgreSQL only it skips waiting for the disk', async () => {
      await sql`delete from probe`.execute(store.db);
      const setting = (tx: Store['db']) => sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(tx).then((r) => r.rows[0]?.synchronous_commit);
      const inside = await store.transaction(async (tx) => {
        await insert(tx, 'g1');
        return kind === 'postgres' ? setting(tx) : 'n/a';
      }, { durable: false });
      assert.deepEqual(await ids(), ['g1']);
      if (kind === 'postgres') {
        assert.equal(inside, 'off');
        // Only that transaction: the next one waits for the disk again.
        assert.equal(await store.transaction((tx) => setting(tx)), 'on');
      }
    });
  });
}
