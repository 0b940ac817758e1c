/**
 * Idempotency-Key on POST /api/integrations/:id/payments: the same key and request replay the stored
 * response; a different request is an error; concurrent requests with one key make one payment;
 * keys are scoped per integration and kept at least 24 hours.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/dbs.js';
import { dataSnapshot, newIntegration, newMerchant, openShop, type Shop } from './fixture.js';

const DAY = 24 * 60 * 60_000;

for (const kind of testDatabases()) {
  describe(`idempotent payment creation on ${kind}`, () => {
    let shop: Shop;
    let keySeq = 0;
    const freshKey = () => `key-${kind}-${++keySeq}-${Date.now()}`;

    before(async () => {
      shop = await openShop(kind);
    });
    after(async () => {
      await shop.s.stop();
    });

    const create = (body: Record<string, unknown>, key?: string, integrationId = shop.integrationId, api = shop.api) =>
      api.post(`/api/integrations/${integrationId}/payments`, body, key === undefined ? {} : { 'idempotency-key': key });

    const countPayments = async (integrationId = shop.integrationId) =>
      (await shop.s.store.db.selectFrom('payments').select('id').where('integration_id', '=', integrationId).execute()).length;

    test('the same key with the same request returns the stored response and creates nothing more', async () => {
      const key = freshKey();
      const body = { amount: 1250, currency: 'USD', reference: 'Order 1' };
      const first = await create(body, key);
      assert.equal(first.status, 201, first.text);
      assert.equal(first.headers.get('idempotent-replayed'), 'false');
      const count = await countPayments();
      const before = await dataSnapshot(shop.s.store);
      const again = await create(body, key);
      assert.equal(again.status, 201, again.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body, 'the stored response, byte for byte the same payment view');
      assert.equal(await countPayments(), count);
      assert.equal(await dataSnapshot(shop.s.store), before, 'a replay writes nothing');
    });

    test('the same request with its fields in another order is the same request', async () => {
      const key = freshKey();
      const first = await create({ amount: 1300, currency: 'USD', reference: 'Order 2', customer: { email: 'a@example.test', name: 'A' } }, key);
      assert.equal(first.status, 201, first.text);
      const again = await create({ customer: { name: 'A', email: 'a@example.test' }, reference: 'Order 2', currency: 'USD', amount: 1300 }, key);
      assert.equal(again.status, 201, again.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.body.payment.id, first.body.payment.id);
    });

    test('the stored response is replayed even after the payment moved on', async () => {
      const key = freshKey();
      const body = { amount: 990, currency: 'USD' };
      const first = await create(body, key);
      const id = first.body.payment.id as string;
      const paid = await shop.api.post(`/api/payments/${id}/sandbox/complete`, { outcome: 'paid' });
      assert.equal(paid.status, 200, paid.text);
      const again = await create(body, key);
      assert.equal(again.body.payment.id, id);
      assert.equal(again.body.payment.state, 'created', 'the response as it was first given');
    });

    test('the same key with a different request is an error and changes nothing', async () => {
      const key = freshKey();
      const first = await create({ amount: 500, currency: 'USD' }, key);
      assert.equal(first.status, 201);
      const before = await dataSnapshot(shop.s.store);
      for (const other of [{ amount: 501, currency: 'USD' }, { amount: 500, currency: 'EUR' }, { amount: 500, currency: 'USD', reference: 'x' }]) {
        const r = await create(other, key);
        assert.equal(r.status, 409, r.text);
        assert.equal(r.body.code, 'idempotency_mismatch');
      }
      assert.equal(await dataSnapshot(shop.s.store), before);
    });

    test('20 concurrent identical requests with one key create one payment and all answer with it', async () => {
      const key = freshKey();
      const body = { amount: 4200, currency: 'USD', reference: 'concurrent' };
      const count = await countPayments();
      const replies = await Promise.all(Array.from({ length: 20 }, () => create(body, key)));
      for (const r of replies) assert.equal(r.status, 201, r.text);
      const ids = new Set(replies.map((r) => r.body.payment.id as string));
      assert.equal(ids.size, 1, 'every reply names the same payment');
      assert.equal(await countPayments(), count + 1, 'exactly one payment was created');
      assert.equal(replies.filter((r) => r.headers.get('idempotent-replayed') === 'false').length, 1, 'one original, 19 replays');
      const [id] = [...ids];
      const events = await shop.s.store.db.selectFrom('payment_events').select('version').where('payment_id', '=', id!).execute();
      assert.equal(events.length, 1, 'one creation event');
      const expiries = await shop.s.store.db.selectFrom('jobs').select('payload').where('kind', '=', 'expire').execute();
      assert.equal(expiries.filter((j) => j.payload.includes(id!)).length, 1, 'one expiry job');
    });

    test('concurrent requests with one key and different bodies: one payment, the others are told the key is taken', async () => {
      const key = freshKey();
      const count = await countPayments();
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => create({ amount: 100 + (i % 2), currency: 'USD' }, key)));
      const created = replies.filter((r) => r.status === 201);
      const refused = replies.filter((r) => r.status === 409);
      assert.equal(created.length + refused.length, 8, replies.map((r) => r.status).join(','));
      for (const r of refused) assert.equal(r.body.code, 'idempotency_mismatch');
      assert.equal(new Set(created.map((r) => r.body.payment.id)).size, 1);
      const amount = created[0]!.body.payment.amount as number;
      for (const r of created) assert.equal(r.body.payment.amount, amount);
      assert.equal(replies.filter((r) => r.status === 201).length, 4, 'the four requests with the winning body get it');
      assert.equal(await countPayments(), count + 1);
    });

    test('keys are scoped per integration: the same key on another integration (or merchant) is a new payment', async () => {
      const key = freshKey();
      const body = { amount: 777, currency: 'USD' };
      const { integrationId: other } = await newIntegration(shop.s.app.deps, shop.merchantId, { name: 'Second shop' });
      const a = await create(body, key);
      const b = await create(body, key, other);
      assert.equal(a.status, 201);
      assert.equal(b.status, 201);
      assert.equal(b.headers.get('idempotent-replayed'), 'false');
      assert.notEqual(a.body.payment.id, b.body.payment.id);
      assert.equal(b.body.payment.integrationId, other);
      // A different body under the same key on the other integration is fine too: the scopes are separate.
      const stranger = await newMerchant(shop.s.app.deps, shop.s.url, 'other');
      const { integrationId: theirs } = await newIntegration(shop.s.app.deps, stranger.merchantId);
      const c = await create({ amount: 1, currency: 'EUR' }, key, theirs, stranger.api);
      assert.equal(c.status, 201, c.text);
      assert.equal(c.headers.get('idempotent-replayed'), 'false');
      // And the original is still replayed on its own integration.
      assert.equal((await create(body, key)).body.payment.id, a.body.payment.id);
    });

    test('without a key, two identical requests are two payments', async () => {
      const body = { amount: 321, currency: 'USD', reference: 'no key' };
      const a = await create(body);
      const b = await create(body);
      assert.equal(a.status, 201);
      assert.equal(b.status, 201);
      assert.notEqual(a.body.payment.id, b.body.payment.id);
    });

    test('a key is kept at least 24 hours: replayed at 24 h minus 1 s', async () => {
      const key = freshKey();
      const body = { amount: 2400, currency: 'USD' };
      const first = await create(body, key);
      shop.s.clock.advance(DAY - 1_000);
      const again = await create(body, key);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.body.payment.id, first.body.payment.id);
      const mismatch = await create({ ...body, amount: 2401 }, key);
      assert.equal(mismatch.status, 409, 'still bound to its first request');
      // Past its lifetime the record no longer binds the key.
      shop.s.clock.advance(2_000);
      const later = await create(body, key);
      assert.equal(later.status, 201);
      assert.equal(later.headers.get('idempotent-replayed'), 'false');
      assert.notEqual(later.body.payment.id, first.body.payment.id);
    });

    test('an invalid key is refused', async () => {
      const r = await create({ amount: 100, currency: 'USD' }, 'k'.repeat(256));
      assert.equal(r.status, 400, r.text);
    });
  });
}
