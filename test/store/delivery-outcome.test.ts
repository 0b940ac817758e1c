/**
 * A delivery's attempt outcome lands only while the delivery is still pending: `tollgate listen` may
 * deliver it by a forward while the gateway's own attempt is out, and that attempt's late failure must
 * not turn it back into a pending delivery with a retry scheduled (CI caught exactly that race).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixtureId } from '../helpers/ids.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { insertDeliveries, recordAttempt } from '../../src/store/repos/deliveries.js';
import { markDeliveredByForward } from '../../src/store/repos/feeds.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';

const T0 = 1_763_000_000_000;

for (const kind of testDatabases()) {
  describe(`delivery outcomes on ${kind}`, () => {
    let store: Store;
    before(async () => {
      store = openStore(await freshDatabase(kind));
      await migrateToLatest(store);
    });
    after(() => store.close());

    const delivery = async (n: number) => {
      const id = fixtureId('delivery', `d${n}`);
      await insertDeliveries(store.db, [
        { id, payment_id: `pay-${n}`, integration_id: 'int-o', merchant_id: 'mer-o', dialect: 'tollgate', event_version: 1, url: 'https://shop.example/hook', headers: '{}', body: '{}', signing: null, status: 'pending', attempts: 0, max_attempts: 15, created_at: T0, delivered_at: null, next_attempt_at: T0 },
      ]);
      return id;
    };
    const failedAttempt = (id: string, attempt: number) => ({ id: `att-${id}-${attempt}`, delivery_id: id, attempt, attempted_at: T0 + 10, url: 'https://shop.example/hook', status_code: null, latency_ms: 5, error: 'refused', response_head: null });
    const read = (id: string) => store.db.selectFrom('deliveries').select(['status', 'attempts', 'delivered_at', 'next_attempt_at']).where('id', '=', id).executeTakeFirstOrThrow();

    test('a failed attempt recorded after a forward delivered it leaves it delivered, its attempt counted', async () => {
      const id = await delivery(1);
      await markDeliveredByForward(store.db, id, T0 + 20);
      await store.transaction((tx) => recordAttempt(tx, failedAttempt(id, 1), { status: 'pending', deliveredAt: null, nextAttemptAt: T0 + 30_000 }));
      const row = await read(id);
      assert.deepEqual({ ...row, attempts: Number(row.attempts), delivered_at: Number(row.delivered_at) }, { status: 'delivered', attempts: 1, delivered_at: T0 + 20, next_attempt_at: null });
    });

    test('on a pending delivery the outcome lands whole', async () => {
      const id = await delivery(2);
      await store.transaction((tx) => recordAttempt(tx, failedAttempt(id, 1), { status: 'pending', deliveredAt: null, nextAttemptAt: T0 + 30_000 }));
      const row = await read(id);
      assert.deepEqual({ ...row, attempts: Number(row.attempts), next_attempt_at: Number(row.next_attempt_at) }, { status: 'pending', attempts: 1, delivered_at: null, next_attempt_at: T0 + 30_000 });
    });
  });
}
