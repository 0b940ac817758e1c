/**
 * The store's fast multi-row insert (store/insert.ts) on each database: on PostgreSQL several rows
 * travel as one JSON parameter converted by the table's row type, so what comes back must be exactly
 * what went in, whatever the text holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '../../src/store/database.js';
import { insertRows } from '../../src/store/insert.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { DeliveriesTable } from '../../src/store/tables/jobs.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';

const AWKWARD = ['plain', 'quote " and backslash \\ and \\u0041', "apostrophe ' and {braces} [1,2]", 'line\nbreak\ttab\r', 'zł € 🙂 \u{10FFFF} ünïcödé', '', 'null', '   spaced   ', 'x'.repeat(5_000)];

/** A delivery row whose text columns carry `text`; `next` is its nullable integer. */
function deliveryRow(i: number, text: string, next: number | null): DeliveriesTable {
  return {
    id: `rl-test-${i}`,
    payment_id: `pay-${i}`,
    integration_id: 'int-writes',
    merchant_id: 'mer-writes',
    dialect: 'paynow_pl',
    event_version: i,
    url: `https://shop.example/${i}?a=1&b="2"`,
    headers: JSON.stringify({ 'api-key': '****abcd', 'x-note': text }),
    body: text,
    signing: null,
    status: 'pending',
    attempts: 0,
    max_attempts: 15,
    created_at: 1_763_000_000_000 + i,
    delivered_at: null,
    next_attempt_at: next,
  };
}

for (const kind of testDatabases()) {
  describe(`multi-row inserts on ${kind}`, () => {
    let store: Store;
    before(async () => {
      store = openStore(await freshDatabase(kind));
      await migrateToLatest(store);
    });
    after(() => store.close());

    const readBack = (ids: string[]) => store.db.selectFrom('deliveries').selectAll().where('id', 'in', ids).orderBy('created_at').execute();

    test('every row comes back exactly as written, text, integers and nulls alike', async () => {
      const rows = AWKWARD.map((t, i) => deliveryRow(i, t, i % 2 === 0 ? null : 1_763_000_500_000 + i));
      await store.transaction((tx) => insertRows(tx, 'deliveries', rows));
      assert.deepEqual(await readBack(rows.map((r) => r.id)), rows);
    });

    test('batches of different sizes, and a single row, all land', async () => {
      for (const n of [1, 2, 3, 17]) {
        const rows = Array.from({ length: n }, (_, k) => deliveryRow(100 * n + k, `batch ${n} row ${k}`, null));
        await insertRows(store.db, 'deliveries', rows);
        assert.deepEqual(await readBack(rows.map((r) => r.id)), rows);
      }
    });

    test('a failing row fails the whole statement and its transaction keeps nothing', async () => {
      const rows = [deliveryRow(900, 'first', null), deliveryRow(901, 'second', null), { ...deliveryRow(902, 'dup', null), id: 'rl-test-900' }];
      await assert.rejects(store.transaction((tx) => insertRows(tx, 'deliveries', rows)));
      assert.deepEqual(await readBack(['rl-test-900', 'rl-test-901']), []);
    });

    test('a lone surrogate comes back as U+FFFD, in a batch as in a single row, and fails no other row', async () => {
      const rows = [deliveryRow(960, 'fine', null), deliveryRow(961, 'half \ud83d of an emoji', null)];
      await insertRows(store.db, 'deliveries', rows);
      const back = await readBack(rows.map((r) => r.id));
      assert.equal(back[0]?.body, 'fine');
      await insertRows(store.db, 'deliveries', [deliveryRow(962, 'alone \udc00', null)]);
      const alone = (await readBack(['rl-test-962']))[0]?.body;
      if (kind === 'postgres') {
        assert.equal(back[1]?.body, 'half \ufffd of an emoji');
        assert.equal(alone, 'alone \ufffd');
      } else {
        // SQLite keeps the surrogate's own bytes, which read back as replacement characters.
        assert.match(back[1]?.body ?? '', /^half \ufffd+ of an emoji$/);
      }
    });

    test('rows whose keys differ take the general path and still land', async () => {
      const a = deliveryRow(950, 'a', null);
      const { next_attempt_at: _omitted, ...b } = deliveryRow(951, 'b', 5);
      await insertRows(store.db, 'deliveries', [a, b as DeliveriesTable]);
      const back = await readBack([a.id, b.id]);
      assert.equal(back.length, 2);
      assert.equal(back[1]?.next_attempt_at, null);
      assert.equal(back[1]?.body, 'b');
    });

    test('a statement built for one column order or conflict clause is not reused for another', async () => {
      const row = deliveryRow(970, 'ordered', null);
      await insertRows(store.db, 'deliveries', [row]);
      // The same columns in another order: the values must go to their own columns.
      const reordered = Object.fromEntries(Object.entries(deliveryRow(971, 'reordered', 7)).reverse()) as unknown as DeliveriesTable;
      await insertRows(store.db, 'deliveries', [reordered]);
      assert.deepEqual(await readBack([row.id, reordered.id]), [row, deliveryRow(971, 'reordered', 7)]);
      // A row already there: with a conflict clause it is skipped; without one (cached before) it fails.
      const ignore = 'on conflict ("id") do nothing';
      await insertRows(store.db, 'deliveries', [{ ...row, body: 'changed' }], ignore);
      await assert.rejects(insertRows(store.db, 'deliveries', [{ ...row, body: 'changed' }]));
      await insertRows(store.db, 'deliveries', [{ ...row, body: 'changed again' }], ignore);
      assert.equal((await readBack([row.id]))[0]?.body, 'ordered');
    });
  });
}
