import { asId } from '../../../src/core/ids.js';
/**
 * Statuses and rails as seed 001 says: the sandbox BLIK codes over White Label, validity times (the
 * default is 10 days), amount limits, and refunds (what remains, the balance, cancelling, NEW payments).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyLedger } from '../../../src/services/money/verify.js';
import { transitionPayment } from '../../../src/services/payments/transition.js';
import { sandboxPayout } from '../../../src/services/sandbox/controls.js';
import { testDatabases } from '../../helpers/dbs.js';
import { advance, assertError, blikBody, dbState, openShop, paymentBody, type Shop, storedPayment } from './harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

for (const kind of testDatabases()) {
  describe(`Paynow.pl BLIK codes over White Label on ${kind}`, () => {
    let shop: Shop;
    before(async () => {
      shop = await openShop(kind);
    });
    after(() => shop?.s.stop());

    const white = async (code: string) => {
      const r = await shop.pl.v3('POST', '/v3/payments', JSON.stringify(blikBody(code)));
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(Object.keys(r.json), ['redirectUrl', 'paymentId', 'status']);
      assert.equal(r.json.redirectUrl, null);
      return r.json as { paymentId: string; status: string };
    };

    test('111111: PENDING, then CONFIRMED', async () => {
      const p = await white('111111');
      assert.equal(p.status, 'PENDING');
      assert.equal(await shop.pl.status(p.paymentId), 'PENDING');
      await advance(shop.s, 600);
      assert.equal(await shop.pl.status(p.paymentId), 'CONFIRMED');
    });

    test('222222: stays PENDING', async () => {
      const p = await white('222222');
      assert.equal(p.status, 'PENDING');
      await advance(shop.s, HOUR);
      assert.equal(await shop.pl.status(p.paymentId), 'PENDING');
    });

    for (const [code, errorType, message] of [
      ['333333', 'AUTHORIZATION_CODE_INVALID', 'Invalid BLIK code'],
      ['333334', 'AUTHORIZATION_CODE_EXPIRED', 'Expired BLIK code'],
      ['333335', 'AUTHORIZATION_CODE_USED', 'Already used BLIK code'],
    ] as const) {
      test(`${code}: 400 ${errorType}, nothing stored`, async () => {
        const before = await dbState(shop.s);
        assertError(await shop.pl.v3('POST', '/v3/payments', JSON.stringify(blikBody(code))), 400, errorType, message);
        assert.equal(await dbState(shop.s), before);
      });
    }

    test('333336: PENDING, then REJECTED', async () => {
      const p = await white('333336');
      assert.equal(p.status, 'PENDING');
      await advance(shop.s, 600);
      assert.equal(await shop.pl.status(p.paymentId), 'REJECTED');
    });

    test('444444: NEW, still NEW at 19.9 s, ERROR after 20 s', async () => {
      const p = await white('444444');
      assert.equal(p.status, 'NEW');
      assert.equal(await shop.pl.status(p.paymentId), 'NEW');
      await advance(shop.s, 19_900);
      assert.equal(await shop.pl.status(p.paymentId), 'NEW');
      await advance(shop.s, 100);
      assert.equal(await shop.pl.status(p.paymentId), 'ERROR');
      await advance(shop.s, HOUR);
      assert.equal(await shop.pl.status(p.paymentId), 'ERROR');
    });

    test('an authorizationCode is taken only with a CODE method; an unknown method is not available', async () => {
      const before = await dbState(shop.s);
      assertError(await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ paymentMethodId: 1000, authorizationCode: '111111' }))), 400, 'VALIDATION_ERROR', 'authorizationCode: invalid field value');
      assertError(await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ paymentMethodId: 9999 }))), 400, 'PAYMENT_METHOD_NOT_AVAILABLE', 'Chosen payment method is not available');
      assert.equal(await dbState(shop.s), before);
      // A pre-selected redirect method is an ordinary payment with a paywall link.
      const pbl = await shop.pl.create(paymentBody({ paymentMethodId: 1000 }));
      assert.equal(pbl.status, 'NEW');
      assert.equal(typeof pbl.redirectUrl, 'string');
    });
  });

  describe(`Paynow.pl validity and amounts on ${kind}`, () => {
    let shop: Shop;
    before(async () => {
      shop = await openShop(kind);
    });
    after(() => shop?.s.stop());

    test('validityTime 60: EXPIRED after 60 s', async () => {
      const p = await shop.pl.create(paymentBody({ validityTime: 60 }));
      await advance(shop.s, 59_900);
      assert.equal(await shop.pl.status(p.paymentId), 'NEW');
      await advance(shop.s, 100);
      assert.equal(await shop.pl.status(p.paymentId), 'EXPIRED');
    });

    test('the default validity is 10 days: NEW after 9 days 23 h, EXPIRED after 10 days (PENDING too)', async () => {
      const p = await shop.pl.create(paymentBody());
      const pending = await shop.pl.create(blikBody('222222'));
      assert.equal(pending.status, 'PENDING');
      await advance(shop.s, 9 * DAY + 23 * HOUR);
      assert.equal(await shop.pl.status(p.paymentId), 'NEW');
      assert.equal(await shop.pl.status(pending.paymentId), 'PENDING');
      await advance(shop.s, HOUR);
      assert.equal(await shop.pl.status(p.paymentId), 'EXPIRED');
      assert.equal(await shop.pl.status(pending.paymentId), 'EXPIRED');
    });

    test('amount limits: 99 is PAYMENT_AMOUNT_TOO_SMALL, 100000001 PAYMENT_AMOUNT_TOO_LARGE; 100 and 100000000 are fine', async () => {
      const before = await dbState(shop.s);
      const small = await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ amount: 99 })));
      assert.equal(small.status, 400, small.text);
      assert.deepEqual(small.json.errors.map((e: { errorType: string }) => e.errorType), ['PAYMENT_AMOUNT_TOO_SMALL']);
      assert.deepEqual(small.json, { statusCode: 400, errors: [{ errorType: 'PAYMENT_AMOUNT_TOO_SMALL', message: 'amount: should be greater than 100' }] });
      const large = await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ amount: '100000001' })));
      assert.deepEqual(large.json, { statusCode: 400, errors: [{ errorType: 'PAYMENT_AMOUNT_TOO_LARGE', message: 'amount: should be less than 100000000' }] });
      assert.equal(await dbState(shop.s), before);
      assert.equal((await shop.pl.create(paymentBody({ amount: 100 }))).status, 'NEW');
      assert.equal((await shop.pl.create(paymentBody({ amount: '100000000' }))).status, 'NEW');
    });

    test('validityTime outside 60…864000 is a VALIDATION_ERROR', async () => {
      assertError(await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ validityTime: 59 }))), 400, 'VALIDATION_ERROR', 'validityTime: invalid field value');
      assertError(await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ validityTime: 864_001 }))), 400, 'VALIDATION_ERROR', 'validityTime: invalid field value');
    });
  });

  describe(`Paynow.pl refunds on ${kind}`, () => {
    let shop: Shop;
    before(async () => {
      shop = await openShop(kind);
    });
    after(() => shop?.s.stop());

    const refund = (paymentId: string, body: string) => shop.pl.v3('POST', `/v3/payments/${paymentId}/refunds`, body);
    const confirmed = async (amount: number) => {
      const p = await shop.pl.create(blikBody('111111', { amount }));
      await advance(shop.s, 600);
      assert.equal(await shop.pl.status(p.paymentId), 'CONFIRMED');
      return p.paymentId;
    };

    test('a NEW payment cannot be refunded', async () => {
      const p = await shop.pl.create(paymentBody());
      const before = await dbState(shop.s);
      assertError(await refund(p.paymentId, '{"amount":100}'), 400, 'VALIDATION_ERROR', 'paymentId: invalid field value (the payment is not CONFIRMED)');
      assert.equal(await dbState(shop.s), before);
    });

    test('less than the smallest refund is REFUND_AMOUNT_TOO_SMALL: 0.01 PLN, and 1 PLN for a card payment', async () => {
      const blik = await confirmed(1000);
      const before = await dbState(shop.s);
      assertError(await refund(blik, '{"amount":0}'), 400, 'REFUND_AMOUNT_TOO_SMALL', 'amount: should be at least 1');
      assert.equal(await dbState(shop.s), before);
      assert.equal((await refund(blik, '{"amount":1}')).status, 201);
      // Paid by card on the paywall (the sandbox's control stands for the customer's card form).
      const p = await shop.pl.create(paymentBody({ amount: 1000 }));
      const stored = await storedPayment(shop.s, p.paymentId);
      await transitionPayment(shop.s.app.deps, asId('payment', stored!.id), { to: 'paid', reason: 'card', method: 'card' });
      assertError(await refund(p.paymentId, '{"amount":99}'), 400, 'REFUND_AMOUNT_TOO_SMALL', 'amount: should be at least 100');
      assert.equal((await refund(p.paymentId, '{"amount":100}')).status, 201);
    });

    test('more than remains is REFUND_AMOUNT_TOO_LARGE; partial refunds up to the amount are fine', async () => {
      const id = await confirmed(1000);
      const before = await dbState(shop.s);
      assertError(await refund(id, '{"amount":1001,"reason":null}'), 400, 'REFUND_AMOUNT_TOO_LARGE', 'amount: greater than what remains of the payment');
      assert.equal(await dbState(shop.s), before);
      const first = await refund(id, '{"amount":600,"reason":"REFUND_BEFORE_14"}');
      assert.equal(first.status, 201, first.text);
      assert.deepEqual(Object.keys(first.json), ['refundId', 'status']);
      assertError(await refund(id, '{"amount":401}'), 400, 'REFUND_AMOUNT_TOO_LARGE', 'amount: greater than what remains of the payment');
      const rest = await refund(id, '{"amount":"400"}');
      assert.equal(rest.status, 201, rest.text);
      assertError(await refund(id, '{"amount":1}'), 400, 'REFUND_AMOUNT_TOO_LARGE', 'amount: greater than what remains of the payment');
      // Refunds have statuses of their own; the payment stays CONFIRMED.
      await advance(shop.s, 3_000);
      assert.equal(await shop.pl.status(id), 'CONFIRMED');
    });

    test('only a NEW refund can be cancelled: a PENDING one is a 400; a cancelled amount can be refunded again', async () => {
      const id = await confirmed(2000);
      const r = await refund(id, '{"amount":2000}');
      assert.equal(r.json.status, 'NEW');
      await advance(shop.s, 1_000);
      const st = await shop.pl.v3('GET', `/v3/refunds/${r.json.refundId}/status`);
      assert.deepEqual(st.json, { refundId: r.json.refundId, status: 'PENDING' });
      const before = await dbState(shop.s);
      const cancel = await shop.pl.v3('POST', `/v3/refunds/${r.json.refundId}/cancel`);
      assertError(cancel, 400, 'VALIDATION_ERROR', 'refundId: invalid field value (only a NEW refund can be cancelled; it is PENDING)');
      assert.equal(await dbState(shop.s), before);
      await advance(shop.s, 2_000);
      assert.equal((await shop.pl.v3('GET', `/v3/refunds/${r.json.refundId}/status`)).json.status, 'SUCCESSFUL');
      assert.equal((await shop.pl.v3('POST', `/v3/refunds/${r.json.refundId}/cancel`)).status, 400);

      const id2 = await confirmed(1500);
      const fresh = await refund(id2, '{"amount":1500}');
      const cancelled = await shop.pl.v3('POST', `/v3/refunds/${fresh.json.refundId}/cancel`);
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.deepEqual(cancelled.json, { refundId: fresh.json.refundId, status: 'CANCELLED' });
      assert.equal((await shop.pl.v3('POST', `/v3/refunds/${fresh.json.refundId}/cancel`)).status, 400);
      // The cancelled refund no longer counts against the payment, and it never moves on.
      assert.equal((await refund(id2, '{"amount":1500}')).status, 201);
      await advance(shop.s, 3_000);
      assert.equal((await shop.pl.v3('GET', `/v3/refunds/${fresh.json.refundId}/status`)).json.status, 'CANCELLED');
    });

    test('after a sandbox payout of the whole test balance, a refund is INSUFFICIENT_BALANCE_FUNDS', async () => {
      const id = await confirmed(3000);
      const out = await sandboxPayout(shop.s.app.deps, shop.merchantId, shop.integrationId, 'PLN');
      assert.ok(out.paidOut >= 3000);
      assert.equal(out.balance, 0);
      const before = await dbState(shop.s);
      assertError(await refund(id, '{"amount":100,"reason":null}'), 400, 'INSUFFICIENT_BALANCE_FUNDS', 'Insufficient funds on balance');
      assert.equal(await dbState(shop.s), before);
      // A new paid payment brings the balance back up.
      await confirmed(500);
      assert.equal((await refund(id, '{"amount":500}')).status, 201);
      assertError(await refund(id, '{"amount":1}'), 400, 'INSUFFICIENT_BALANCE_FUNDS', 'Insufficient funds on balance');
    });

    test('a delivered escrow payment is refunded from the available balance, and refused when that cannot cover it', async () => {
      // Pays out the whole available balance and says how much that was (an empty one is a validation refusal).
      const balance = () => sandboxPayout(shop.s.app.deps, shop.merchantId, shop.integrationId, 'PLN').then((o) => o.paidOut, (e) => (e.code === 'validation' ? 0 : Promise.reject(e)));
      await balance();
      const id = await confirmed(2000);
      const internal = asId('payment', (await storedPayment(shop.s, id))!.id);
      await transitionPayment(shop.s.app.deps, internal, { to: 'awaiting_delivery', reason: 'escrow' });
      // In escrow the money is pending: nothing available to refund from.
      const held = await refund(id, '{"amount":100}');
      assert.equal(held.status, 400, held.text);
      assert.equal(held.json.errors[0].errorType, 'VALIDATION_ERROR');
      await transitionPayment(shop.s.app.deps, internal, { to: 'delivered', reason: 'delivered' });
      assert.equal(await shop.pl.status(id), 'CONFIRMED');
      const part = await refund(id, '{"amount":800}');
      assert.equal(part.status, 201, part.text);
      await advance(shop.s, 3_000);
      assert.equal((await shop.pl.v3('GET', `/v3/refunds/${part.json.refundId}/status`)).json.status, 'SUCCESSFUL');
      assert.equal((await storedPayment(shop.s, id))!.state, 'partially_refunded');
      // The rest of the payment is 1200, but a payout leaves nothing available to take it from.
      assert.equal(await balance(), 1200);
      const before = await dbState(shop.s);
      assertError(await refund(id, '{"amount":1200}'), 400, 'INSUFFICIENT_BALANCE_FUNDS', 'Insufficient funds on balance');
      assert.equal(await dbState(shop.s), before);
      await confirmed(1200);
      const rest = await refund(id, '{"amount":1200}');
      assert.equal(rest.status, 201, rest.text);
      await advance(shop.s, 3_000);
      assert.equal((await storedPayment(shop.s, id))!.state, 'refunded');
      assert.equal((await verifyLedger(shop.s.app.deps)).ok, true);
    });
  });
}
