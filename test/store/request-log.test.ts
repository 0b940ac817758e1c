/**
 * The test-mode request log is kept as one row per flush and integration. Listing finds an
 * integration's newest entries whatever the batches they sit in (several processes write batches whose
 * times overlap), and the migration that introduced batches kept every entry written before it.
 */
import { fixtureId } from '../helpers/ids.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { insertRequestLogEntries, listRequestLog } from '../../src/store/repos/sandbox.js';
import type { StoredRequestLogEntry } from '../../src/store/tables/sandbox.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';

const entry = (id: string, at: number): StoredRequestLogEntry => ({
  id,
  dialect: 'paydunya',
  method: 'POST',
  path: `/sandbox-api/v1/checkout-invoice/create?n=${id}`,
  headers: { 'content-type': 'application/json', 'paydunya-token': '****abcd', 'x-quote': 'a "quoted" \\ value' },
  body: `{"n":"${id}"}`,
  status: 200,
  response: '{"response_code":"00"}',
  signature: null,
  at,
});

for (const kind of testDatabases()) {
  describe(`the request log on ${kind}`, () => {
    let store: Store;
    before(async () => {
      store = openStore(await freshDatabase(kind));
    });
    after(() => store.close());

    test('written before batches: the migration moves every entry over, and the old table goes', async () => {
      const migrator = new Migrator({ db: store.db, provider: migrationProvider });
      const to = await migrator.migrateTo('0005-disbursements');
      assert.equal(to.error, undefined);
      for (let i = 0; i < 3; i++) {
        await sql`insert into request_log (id, integration_id, dialect, method, path, headers, body, response_status, response_body, signature, created_at)
          values (${`req_old${i}`}, 'int_old', 'paynow_zw', 'POST', '/interface/initiatetransaction', ${JSON.stringify({ host: 'x', n: String(i) })}, ${`id=1&n=${i}`}, 200, 'status=Ok', ${i === 1 ? 'ABC' : null}, ${1_000 + i})`.execute(store.db);
      }
      await migrateToLatest(store);
      const listed = await listRequestLog(store.db, fixtureId('integration', 'int_old'), 10);
      assert.deepEqual(
        listed.map((e) => [e.id, e.createdAt, e.headers.n, e.body, e.responseStatus, e.responseBody, e.signature, e.dialect]),
        [
          ['req_old2', 1_002, '2', 'id=1&n=2', 200, 'status=Ok', null, 'paynow_zw'],
          ['req_old1', 1_001, '1', 'id=1&n=1', 200, 'status=Ok', 'ABC', 'paynow_zw'],
          ['req_old0', 1_000, '0', 'id=1&n=0', 200, 'status=Ok', null, 'paynow_zw'],
        ],
      );
      await assert.rejects(sql`select 1 from request_log`.execute(store.db));
    });

    test('the newest entries come first, across batches whose times overlap; other integrations stay out', async () => {
      // Three flushes, as two processes would write them: the second batch ends before the third but
      // holds the entry that is third newest.
      await store.transaction((tx) =>
        insertRequestLogEntries(tx, [
          { integrationId: fixtureId('integration', 'int_a'), entry: entry('req_a1', 100) },
          { integrationId: fixtureId('integration', 'int_b'), entry: entry('req_b1', 990) },
          { integrationId: fixtureId('integration', 'int_a'), entry: entry('req_a2', 500) },
        ]),
      );
      await insertRequestLogEntries(store.db, [
        { integrationId: fixtureId('integration', 'int_a'), entry: entry('req_a3', 300) },
        { integrationId: fixtureId('integration', 'int_a'), entry: entry('req_a4', 400) },
      ]);
      await insertRequestLogEntries(store.db, [{ integrationId: fixtureId('integration', 'int_a'), entry: entry('req_a5', 450) }]);
      const ids = async (limit: number) => (await listRequestLog(store.db, fixtureId('integration', 'int_a'), limit)).map((e) => e.id);
      assert.deepEqual(await ids(3), ['req_a2', 'req_a5', 'req_a4']);
      assert.deepEqual(await ids(1), ['req_a2']);
      assert.deepEqual(await ids(50), ['req_a2', 'req_a5', 'req_a4', 'req_a3', 'req_a1']);
      assert.deepEqual((await listRequestLog(store.db, fixtureId('integration', 'int_b'), 5)).map((e) => e.id), ['req_b1']);
      const first = (await listRequestLog(store.db, fixtureId('integration', 'int_a'), 1))[0];
      assert.deepEqual(first?.headers, entry('x', 0).headers, 'headers come back as written');
      assert.equal(first?.body, '{"n":"req_a2"}');
    });

    test('more batches than one page: the newest are found, ties in time go by id', async () => {
      for (let i = 0; i < 45; i++) {
        // One entry per flush, every third at the same moment as the one before.
        await insertRequestLogEntries(store.db, [{ integrationId: fixtureId('integration', 'int_c'), entry: entry(`req_c${String(i).padStart(2, '0')}`, 10_000 + i - (i % 3 === 2 ? 1 : 0)) }]);
      }
      const listed = await listRequestLog(store.db, fixtureId('integration', 'int_c'), 30);
      assert.equal(listed.length, 30);
      const sorted = [...listed].sort((x, y) => y.createdAt - x.createdAt || (x.id < y.id ? 1 : -1));
      assert.deepEqual(listed, sorted, 'newest first, then by id');
      assert.equal(listed[0]?.id, 'req_c44');
      assert.deepEqual(
        (await listRequestLog(store.db, fixtureId('integration', 'int_c'), 100)).map((e) => e.id).slice(0, 30),
        listed.map((e) => e.id),
        'the 30 newest are the first 30 of all',
      );
    });
  });
}
