/**
 * The store's fast reads, on each database in one process as the gateway runs them: queries compiled
 * once and bound per call (store/prepared.ts), lookups batched across requests (store/batched-read.ts),
 * and SQLite's reuse of compiled statements (store/sqlite.ts).
 */
import { fixtureId } from '../helpers/ids.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { batchedByKey } from '../../src/store/batched-read.js';
import { preparedQuery } from '../../src/store/prepared.js';
import { findIdempotencyRecord, insertIdempotencyRecord } from '../../src/store/repos/idempotency.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';

// One prepared query shared by both databases' stores, as the repos share theirs.
const metaByKey = preparedQuery((db, p: { key: string }) => db.selectFrom('meta').select(['key', 'value']).where('key', '=', p.key).where('value', '!=', 'hidden'));
const metaBetween = preparedQuery((db, p: { from: string; to: string; n: number }) =>
  db.selectFrom('meta').select('key').where('key', '>=', p.from).where('key', '<=', p.to).orderBy('key').limit(p.n),
);

// A batched lookup over the same table, counting how its reads were made.
const calls = { one: 0, many: [] as number[] };
const metaIn = preparedQuery((db, p: { keys: string[] }) => db.selectFrom('meta').select(['key', 'value']).where('key', '=', sql<string>`any(${p.keys})`));
const metaBatched = batchedByKey({
  one: async (db, key) => {
    calls.one += 1;
    return (await metaByKey(db, { key }))[0];
  },
  many: (db, keys) => {
    calls.many.push(keys.length);
    return metaIn(db, { keys });
  },
  keyOf: (r) => r.key,
});

for (const kind of testDatabases()) {
  describe(`fast reads on ${kind}`, () => {
    let store: Store;
    let handle: { dataDir: string; databaseUrl: string | undefined };
    before(async () => {
      handle = await freshDatabase(kind);
      store = openStore(handle);
      await migrateToLatest(store);
      await store.db
        .insertInto('meta')
        .values([
          { key: 'pq-a', value: '1' },
          { key: 'pq-b', value: '2' },
          { key: 'pq-c', value: 'hidden' },
          { key: 'pq-d', value: '4' },
        ])
        .execute();
    });
    after(() => store.close());

    test('each call binds its own values, and the values written into the query stay', async () => {
      assert.deepEqual(await metaByKey(store.db, { key: 'pq-a' }), [{ key: 'pq-a', value: '1' }]);
      assert.deepEqual(await metaByKey(store.db, { key: 'pq-b' }), [{ key: 'pq-b', value: '2' }]);
      assert.deepEqual(await metaByKey(store.db, { key: 'pq-c' }), [], 'the constant condition still applies');
      assert.deepEqual(await metaByKey(store.db, { key: 'nope' }), []);
      assert.deepEqual(
        (await metaBetween(store.db, { from: 'pq-a', to: 'pq-d', n: 3 })).map((r) => r.key),
        ['pq-a', 'pq-b', 'pq-c'],
      );
      assert.deepEqual(
        (await metaBetween(store.db, { from: 'pq-b', to: 'pq-z', n: 10 })).map((r) => r.key),
        ['pq-b', 'pq-c', 'pq-d'],
      );
    });

    test('inside a transaction it reads that transaction’s own writes', async () => {
      const seen = await store.transaction(async (tx) => {
        await tx.insertInto('meta').values({ key: 'pq-tx', value: 'mine' }).execute();
        return metaByKey(tx, { key: 'pq-tx' });
      });
      assert.deepEqual(seen, [{ key: 'pq-tx', value: 'mine' }]);
    });

    test('lookups made in one moment each get their own row; on PostgreSQL they share one statement', async () => {
      calls.one = 0;
      calls.many = [];
      const keys = ['pq-a', 'pq-b', 'nope', 'pq-d', 'pq-a'];
      const rows = await Promise.all(keys.map((k) => metaBatched(store.db, k)));
      assert.deepEqual(rows, [{ key: 'pq-a', value: '1' }, { key: 'pq-b', value: '2' }, undefined, { key: 'pq-d', value: '4' }, { key: 'pq-a', value: '1' }]);
      if (kind === 'postgres') assert.deepEqual([calls.one, calls.many], [0, [4]], 'one statement for the four distinct keys');
      else assert.deepEqual([calls.one, calls.many], [5, []], 'SQLite reads each alone: there is no round trip to share');
    });

    test('a key PostgreSQL cannot hold (NUL) finds nothing and does not fail the lookups batched with it', async () => {
      const rows = await Promise.all(['pq-a', 'bad\u0000key', 'pq-b'].map((k) => metaBatched(store.db, k)));
      assert.deepEqual(rows, [{ key: 'pq-a', value: '1' }, undefined, { key: 'pq-b', value: '2' }]);
    });

    test('when the batched statement fails, each key is read alone: only the failing key’s caller sees the error', async () => {
      const fragile = batchedByKey({
        one: async (db, key) => {
          if (key === 'boom') throw new Error('this key breaks its statement');
          return (await metaByKey(db, { key }))[0];
        },
        many: async (db, keys) => {
          if (keys.includes('boom')) throw new Error('this key breaks its statement');
          return metaIn(db, { keys });
        },
        keyOf: (r) => r.key,
      });
      const settled = await Promise.allSettled(['pq-a', 'boom', 'pq-d'].map((k) => fragile(store.db, k)));
      assert.deepEqual(settled[0], { status: 'fulfilled', value: { key: 'pq-a', value: '1' } });
      assert.equal(settled[1]?.status, 'rejected');
      assert.deepEqual(settled[2], { status: 'fulfilled', value: { key: 'pq-d', value: '4' } });
    });

    test('a batched lookup sees a write committed before it, and inside a transaction reads alone, seeing that transaction', async () => {
      calls.one = 0;
      calls.many = [];
      await store.db.insertInto('meta').values({ key: 'pq-new', value: 'n' }).execute();
      assert.deepEqual(await metaBatched(store.db, 'pq-new'), { key: 'pq-new', value: 'n' });
      const inside = await store.transaction(async (tx) => {
        await tx.updateTable('meta').set({ value: 'changed' }).where('key', '=', 'pq-new').execute();
        return metaBatched(tx, 'pq-new');
      });
      assert.deepEqual(inside, { key: 'pq-new', value: 'changed' });
      assert.equal(calls.one, kind === 'postgres' ? 1 : 2, 'the read inside the transaction ran alone');
    });

    test('idempotency records looked up together each find their own, by integration, scope and key; an expired one is not found', async () => {
      const now = 1_800_000_000_000;
      const record = (integration: string, scope: string, key: string, body: string, expiresAt: number) =>
        insertIdempotencyRecord(store.db, { integration_id: integration, scope, key, request_hash: `h-${body}`, response_status: 201, response_body: body, created_at: now - 1_000, expires_at: expiresAt });
      // Characters an array literal would have to escape, in a key as a client may send it.
      const odd = 'k,"1"}{\\ ';
      await record('int_a', 'create', 'k1', 'a-create-k1', now + 60_000);
      await record('int_a', 'refund', 'k1', 'a-refund-k1', now + 60_000);
      await record('int_b', 'create', 'k1', 'b-create-k1', now + 60_000);
      await record('int_a', 'create', odd, 'a-create-odd', now + 60_000);
      await record('int_a', 'create', 'old', 'a-create-old', now);
      const asks: Array<[string, string, string]> = [
        ['int_a', 'create', 'k1'],
        ['int_a', 'refund', 'k1'],
        ['int_b', 'create', 'k1'],
        ['int_b', 'refund', 'k1'],
        ['int_a', 'create', odd],
        ['int_a', 'create', 'old'],
        ['int_a', 'create', 'k1'],
      ];
      const found = await Promise.all(asks.map(([i, s, k]) => findIdempotencyRecord(store.db, fixtureId('integration', i), s, k, now)));
      assert.deepEqual(
        found.map((f) => f?.body),
        ['a-create-k1', 'a-refund-k1', 'b-create-k1', undefined, 'a-create-odd', undefined, 'a-create-k1'],
      );
      assert.deepEqual(found[0], { requestHash: 'h-a-create-k1', status: 201, body: 'a-create-k1' });
      assert.equal((await findIdempotencyRecord(store.db, fixtureId('integration', 'int_a'), 'create', 'old', now - 1))?.body, 'a-create-old', 'found while it has not expired');
    });

    test('a prepared select * keeps working on every connection after another node adds a column', async () => {
      await sql`create table pq_wide (id text primary key, v text not null)`.execute(store.db);
      await sql`insert into pq_wide (id, v) values ('a', 'x')`.execute(store.db);
      const read = () => sql<Record<string, string>>`select * from pq_wide where id = ${'a'}`.execute(store.db);
      // Prepared (on PostgreSQL: named) on many pooled connections at once.
      for (const r of await Promise.all(Array.from({ length: 30 }, read))) assert.deepEqual(r.rows, [{ id: 'a', v: 'x' }]);
      // The migration of a newer node, from outside this store.
      const other = openStore(handle);
      await sql`alter table pq_wide add column w text not null default 'w'`.execute(other.db);
      await other.close();
      for (const r of await Promise.all(Array.from({ length: 30 }, read))) assert.deepEqual(r.rows, [{ id: 'a', v: 'x', w: 'w' }]);
    });

    test('the payment lookups by trace and by display reference use their unique indexes, as prepared statements run them', async () => {
      const lookups = [
        { index: 'payments_merchant_trace', where: 'merchant_id = $1 and merchant_trace = $2' },
        { index: 'payments_display_ref', where: 'dialect = $1 and display_ref = $2' },
      ];
      for (const { index, where } of lookups) {
        let plan: string;
        if (kind === 'sqlite') {
          plan = (await sql.raw<{ detail: string }>(`explain query plan select * from payments where ${where.replace(/\$\d/g, "'x'")}`).execute(store.db)).rows.map((r) => r.detail).join('\n');
        } else {
          // As the gateway runs it: a prepared statement's generic plan, with its values unknown.
          plan = await store.db.connection().execute(async (c) => {
            await sql.raw('set enable_seqscan = off').execute(c);
            await sql.raw('set plan_cache_mode = force_generic_plan').execute(c);
            await sql.raw(`prepare probe_lookup(text, text) as select * from payments where ${where}`).execute(c);
            try {
              return (await sql.raw<Record<string, string>>('explain execute probe_lookup(null, null)').execute(c)).rows.map((r) => Object.values(r)[0]).join('\n');
            } finally {
              await sql.raw('deallocate probe_lookup').execute(c);
              await sql.raw('reset enable_seqscan').execute(c);
              await sql.raw('reset plan_cache_mode').execute(c);
            }
          });
        }
        assert.match(plan, new RegExp(index), `${where}:\n${plan}`);
      }
    });

    test('a statement run before a schema change sees the new schema after it', async () => {
      await sql`create table pq_probe (id text primary key)`.execute(store.db);
      await sql`insert into pq_probe (id) values ('x')`.execute(store.db);
      const before = (await sql`select * from pq_probe`.execute(store.db)).rows;
      assert.deepEqual(before, [{ id: 'x' }]);
      await sql`alter table pq_probe add column extra text not null default 'e'`.execute(store.db);
      assert.deepEqual((await sql`select * from pq_probe`.execute(store.db)).rows, [{ id: 'x', extra: 'e' }]);
    });
  });
}
