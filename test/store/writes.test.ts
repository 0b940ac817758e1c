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
import type { RequestLogTable } from '../../src/store/tables/sandbox.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';

const AWKWARD = ['plain', 'quote " and backslash \\ and \\u0041', "apostrophe ' and {braces} [1,2]", 'line\nbreak\ttab\r', 'zł € 🙂 \u{10FFFF} ünïcödé', '', 'null', '   spaced   ', 'x'.repeat(5_000)];

function logRow(i: number, text: string, signature: string | null): RequestLogTable {
  return {
    id: `rl-test-${i}`,
    integration_id: 'int-writes',
    dialect: 'paynow-pl',
    method: 'GET',
    path: `/v3/payments/${i}/status?a=1&b="2"`,
    headers: JSON.stringify({ 'api-key': '****abcd', 'x-note': text }),
    body: text,
    response_status: 200 + i,
    response_body: Array.from(text).reverse().join(''),
    signature,
    created_at: 1_763_000_000_000 + i,
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

    const readBack = (ids: string[]) => store.db.selectFrom('request_log').selectAll().where('id', 'in', ids).orderBy('created_at').execute();

    test('every row comes back exactly as written, text, integers and nulls alike', async () => {
      const rows = AWKWARD.map((t, i) => logRow(i, t, i % 2 === 0 ? null : `sig-${t.slice(0, 10)}`));
      await store.transaction((tx) => insertRows(tx, 'request_log', rows));
      assert.deepEqual(await readBack(rows.map((r) => r.id)), rows);
    });

    test('batches of different sizes, and a single row, all land', async () => {
      for (const n of [1, 2, 3, 17]) {
        const rows = Array.from({ length: n }, (_, k) => logRow(100 * n + k, `batch ${n} row ${k}`, null));
        await insertRows(store.db, 'request_log', rows);
        assert.deepEqual(await readBack(rows.map((r) => r.id)), rows);
      }
    });

    test('a failing row fails the whole statement and its transaction keeps nothing', async () => {
      const rows = [logRow(900, 'first', null), logRow(901, 'second', null), { ...logRow(902, 'dup', null), id: 'rl-test-900' }];
      await assert.rejects(store.transaction((tx) => insertRows(tx, 'request_log', rows)));
      assert.deepEqual(await readBack(['rl-test-900', 'rl-test-901']), []);
    });

    test('a lone surrogate comes back as U+FFFD, in a batch as in a single row, and fails no other row', async () => {
      const rows = [logRow(960, 'fine', null), logRow(961, 'half \ud83d of an emoji', null)];
      await insertRows(store.db, 'request_log', rows);
      const back = await readBack(rows.map((r) => r.id));
      assert.equal(back[0]?.body, 'fine');
      await insertRows(store.db, 'request_log', [logRow(962, 'alone \udc00', null)]);
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
      const a = logRow(950, 'a', null);
      const { signature: _omitted, ...b } = logRow(951, 'b', null);
      await insertRows(store.db, 'request_log', [a, b as RequestLogTable]);
      const back = await readBack([a.id, b.id]);
      assert.equal(back.length, 2);
      assert.equal(back[1]?.signature, null);
      assert.equal(back[1]?.body, 'b');
    });
  });
}
