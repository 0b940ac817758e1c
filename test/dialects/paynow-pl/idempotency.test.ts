/**
 * Idempotency-Key as spec §8 and the official clients need it: at most 45 characters; creating POSTs
 * (payments, refunds) are replayed for the same key and body and refused for another body; GETs and
 * PATCHes reuse keys freely (the PHP SDK does); concurrent duplicates store one object.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../../helpers/dbs.js';
import { addShop, advance, assertError, blikBody, countRows, dbState, openShop, paymentBody, type Shop } from './harness.js';

const MISMATCH = 'Idempotency-Key: already used for a different request';

for (const kind of testDatabases()) {
  describe(`Paynow.pl Idempotency-Key on ${kind}`, () => {
    let shop: Shop;
    before(async () => {
      shop = await openShop(kind);
    });
    after(() => shop?.s.stop());

    test('45 characters are accepted; 46 are a VALIDATION_ERROR that stores nothing', async () => {
      const ok = await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody()), { idem: 'k'.repeat(45) });
      assert.equal(ok.status, 201, ok.text);
      const before = await dbState(shop.s);
      assertError(await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody()), { idem: 'k'.repeat(46) }), 400, 'VALIDATION_ERROR', 'Idempotency-Key: invalid field value');
      assertError(await shop.pl.v3('GET', '/v3/payments/paymentmethods', '', { idem: 'g'.repeat(46) }), 400, 'VALIDATION_ERROR', 'Idempotency-Key: invalid field value');
      assert.equal(await dbState(shop.s), before);
    });

    test('the same key and body replay the same answer; one payment is stored', async () => {
      const body = JSON.stringify(paymentBody());
      const before = await countRows(shop.s, 'payments');
      const first = await shop.pl.v3('POST', '/v3/payments', body, { idem: 'replay-1' });
      assert.equal(first.status, 201, first.text);
      const second = await shop.pl.v3('POST', '/v3/payments', body, { idem: 'replay-1' });
      assert.equal(second.status, 201, second.text);
      assert.equal(second.text, first.text);
      assert.equal(await countRows(shop.s, 'payments'), before + 1);
      // Replayed even after the payment moved on: the answer is the one first given.
      const wl = JSON.stringify(blikBody('111111'));
      const a = await shop.pl.v3('POST', '/v3/payments', wl, { idem: 'replay-wl' });
      await advance(shop.s, 600);
      const b = await shop.pl.v3('POST', '/v3/payments', wl, { idem: 'replay-wl' });
      assert.equal(b.text, a.text);
      assert.equal(b.json.status, 'PENDING');
      assert.equal(await shop.pl.status(a.json.paymentId), 'CONFIRMED');
    });

    test('the same key with another body is refused and stores nothing', async () => {
      const first = await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ externalId: 'same-key-1' })), { idem: 'mismatch-1' });
      assert.equal(first.status, 201, first.text);
      const before = await dbState(shop.s);
      assertError(await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ externalId: 'same-key-2' })), { idem: 'mismatch-1' }), 400, 'VALIDATION_ERROR', MISMATCH);
      // One byte of whitespace is another body too.
      const pretty = JSON.stringify(paymentBody({ externalId: 'same-key-3' }));
      assert.equal((await shop.pl.v3('POST', '/v3/payments', pretty, { idem: 'mismatch-2' })).status, 201);
      const state = await dbState(shop.s);
      assertError(await shop.pl.v3('POST', '/v3/payments', `${pretty} `, { idem: 'mismatch-2' }), 400, 'VALIDATION_ERROR', MISMATCH);
      assert.equal(await dbState(shop.s), state);
      assert.notEqual(state, before);
    });

    test('keys are per integration: another shop may use the same key', async () => {
      const other = await addShop(shop.s);
      const body = JSON.stringify(paymentBody());
      const mine = await shop.pl.v3('POST', '/v3/payments', body, { idem: 'shared-key' });
      const theirs = await other.pl.v3('POST', '/v3/payments', body, { idem: 'shared-key' });
      assert.equal(mine.status, 201);
      assert.equal(theirs.status, 201);
      assert.notEqual(theirs.json.paymentId, mine.json.paymentId);
    });

    test('GETs reuse a key freely: the status poll is never answered from a cache', async () => {
      const p = await shop.pl.create(blikBody('111111'));
      assert.equal(await shop.pl.status(p.paymentId, { idem: 'poll-key' }), 'PENDING');
      await advance(shop.s, 600);
      assert.equal(await shop.pl.status(p.paymentId, { idem: 'poll-key' }), 'CONFIRMED');
      // Even the key that created a payment can be reused on its GETs.
      const q = await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody()), { idem: 'create-then-get' });
      assert.equal(await shop.pl.status(q.json.paymentId, { idem: 'create-then-get' }), 'NEW');
      const m1 = await shop.pl.v3('GET', '/v3/payments/paymentmethods?currency=PLN', '', { idem: 'create-then-get' });
      const m2 = await shop.pl.v3('GET', '/v3/payments/paymentmethods?currency=EUR', '', { idem: 'create-then-get' });
      assert.deepEqual(
        m1.json.map((g: { type: string }) => g.type),
        ['BLIK', 'PBL', 'CARD'],
      );
      assert.deepEqual(
        m2.json.map((g: { type: string }) => g.type),
        ['CARD'],
      );
    });

    test('PATCH shop URLs reuses a key with different bodies: each one applies', async () => {
      // Another shop: this one's payments should not start notifying these made-up addresses.
      const urls = await addShop(shop.s);
      const one = await urls.pl.v3('PATCH', '/v3/configuration/shop/urls', JSON.stringify({ continueUrl: 'https://a.example/return', notificationUrl: 'https://a.example/notify' }), { idem: 'patch-key' });
      assert.equal(one.status, 204, one.text);
      const two = await urls.pl.v3('PATCH', '/v3/configuration/shop/urls', JSON.stringify({ continueUrl: 'https://b.example/return', notificationUrl: 'https://b.example/notify' }), { idem: 'patch-key' });
      assert.equal(two.status, 204, two.text);
      const row = await shop.s.store.db.selectFrom('integrations').selectAll().where('id', '=', urls.integrationId).executeTakeFirstOrThrow();
      assert.equal(row.return_url, 'https://b.example/return');
      assert.equal(row.notification_url, 'https://b.example/notify');
    });

    test('ten identical creates at once store one payment and all answer with it', async () => {
      const body = JSON.stringify(paymentBody({ externalId: 'concurrent' }));
      const before = await countRows(shop.s, 'payments');
      const replies = await Promise.all(Array.from({ length: 10 }, () => shop.pl.v3('POST', '/v3/payments', body, { idem: 'concurrent-1' })));
      for (const r of replies) assert.equal(r.status, 201, r.text);
      assert.equal(new Set(replies.map((r) => r.json.paymentId)).size, 1);
      assert.equal(await countRows(shop.s, 'payments'), before + 1);
    });

    test('refunds: one key makes one refund; the same key with another amount is refused', async () => {
      const p = await shop.pl.create(blikBody('111111', { amount: 10_000 }));
      await advance(shop.s, 600);
      const path = `/v3/payments/${p.paymentId}/refunds`;
      const before = await countRows(shop.s, 'refunds');
      const first = await shop.pl.v3('POST', path, '{"amount":1000,"reason":null}', { idem: 'refund-1' });
      assert.equal(first.status, 201, first.text);
      const again = await shop.pl.v3('POST', path, '{"amount":1000,"reason":null}', { idem: 'refund-1' });
      assert.equal(again.status, 201, again.text);
      assert.deepEqual(again.json, first.json);
      assert.equal(await countRows(shop.s, 'refunds'), before + 1);
      const state = await dbState(shop.s);
      assertError(await shop.pl.v3('POST', path, '{"amount":2000,"reason":null}', { idem: 'refund-1' }), 400, 'VALIDATION_ERROR', MISMATCH);
      assert.equal(await dbState(shop.s), state);
    });

    test('refunds: retrying a full refund with its key replays it, before and after it succeeded', async () => {
      const p = await shop.pl.create(blikBody('111111', { amount: 3_000 }));
      await advance(shop.s, 600);
      const path = `/v3/payments/${p.paymentId}/refunds`;
      const first = await shop.pl.v3('POST', path, '{"amount":3000,"reason":null}', { idem: 'full-refund' });
      assert.equal(first.status, 201, first.text);
      const retry = await shop.pl.v3('POST', path, '{"amount":3000,"reason":null}', { idem: 'full-refund' });
      assert.equal(retry.status, 201, retry.text);
      assert.deepEqual(retry.json, first.json);
      await advance(shop.s, 3_000);
      const late = await shop.pl.v3('POST', path, '{"amount":3000,"reason":null}', { idem: 'full-refund' });
      assert.equal(late.status, 201, late.text);
      assert.deepEqual(late.json, first.json);
    });

    test('keys are kept for 24 h: later the same key makes a new payment, and a new refund', async () => {
      const body = JSON.stringify(blikBody('111111', { amount: 5_000 }));
      const p = await shop.pl.v3('POST', '/v3/payments', body, { idem: 'day-old' });
      await advance(shop.s, 600);
      const path = `/v3/payments/${p.json.paymentId}/refunds`;
      const r = await shop.pl.v3('POST', path, '{"amount":100,"reason":null}', { idem: 'day-old-refund' });
      assert.equal(r.status, 201, r.text);
      await advance(shop.s, 23 * 3_600_000);
      assert.equal((await shop.pl.v3('POST', '/v3/payments', body, { idem: 'day-old' })).text, p.text);
      assert.deepEqual((await shop.pl.v3('POST', path, '{"amount":100,"reason":null}', { idem: 'day-old-refund' })).json, r.json);
      await advance(shop.s, 3_600_000);
      const p2 = await shop.pl.v3('POST', '/v3/payments', body, { idem: 'day-old' });
      assert.equal(p2.status, 201, p2.text);
      assert.notEqual(p2.json.paymentId, p.json.paymentId);
      const before = await countRows(shop.s, 'refunds');
      const r2 = await shop.pl.v3('POST', path, '{"amount":100,"reason":null}', { idem: 'day-old-refund' });
      assert.equal(r2.status, 201, r2.text);
      assert.notEqual(r2.json.refundId, r.json.refundId);
      assert.equal(await countRows(shop.s, 'refunds'), before + 1);
    });

    test('refunds: five identical requests at once make one refund and all answer with it', async () => {
      const p = await shop.pl.create(blikBody('111111', { amount: 10_000 }));
      await advance(shop.s, 600);
      const before = await countRows(shop.s, 'refunds');
      const replies = await Promise.all(Array.from({ length: 5 }, () => shop.pl.v3('POST', `/v3/payments/${p.paymentId}/refunds`, '{"amount":700,"reason":"OTHER"}', { idem: 'refund-concurrent' })));
      assert.equal(await countRows(shop.s, 'refunds'), before + 1);
      for (const r of replies) assert.equal(r.status, 201, r.text);
      assert.equal(new Set(replies.map((r) => r.json.refundId)).size, 1);
    });
  });
}
