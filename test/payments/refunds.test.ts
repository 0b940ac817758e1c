/**
 * Refunds are their own records (amount, status, reason) against a paid payment: new → pending →
 * successful on the clock, the payment partially refunded then refunded; only a new refund can be
 * cancelled; and the total refunded never exceeds the amount paid, even under concurrent requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/dbs.js';
import { advance, createPaymentOk, dataSnapshot, detail, newIntegration, openShop, pay, type Shop } from './fixture.js';

for (const kind of testDatabases()) {
  describe(`refunds on ${kind}`, () => {
    let shop: Shop;

    before(async () => {
      shop = await openShop(kind);
    });
    after(async () => {
      await shop.s.stop();
    });

    async function paidPayment(amount: number, integrationId = shop.integrationId): Promise<string> {
      const p = await createPaymentOk(shop.api, integrationId, { amount, currency: 'USD' });
      const r = await pay(shop.api, p.id, { method: 'card', cardNumber: '4444 4444 4444 4000' });
      assert.equal(r.body.payment.state, 'paid', r.text);
      return p.id;
    }

    /** Too large for the payment (400) or for the integration's balance (422): either way refused. */
    const refusedAmount = (status: number) => status === 400 || status === 422;
    const refund = (id: string, amount: number, reason?: string) => shop.api.post(`/api/payments/${id}/refunds`, { amount, ...(reason !== undefined && { reason }) });
    const refundStatus = async (paymentId: string, refundId: string) => (await detail(shop.api, paymentId)).refunds.find((r) => r.id === refundId)?.status as string;

    test('a refund moves new → pending (1 s) → successful (3 s); the payment becomes partially refunded, then refunded', async () => {
      const id = await paidPayment(1_000);
      const r1 = await refund(id, 300, 'damaged item');
      assert.equal(r1.status, 201, r1.text);
      const first = r1.body.refund;
      assert.equal(first.status, 'new');
      assert.equal(first.amount, 300);
      assert.equal(first.reason, 'damaged item');
      assert.equal(first.paymentId, id);
      assert.match(first.id, /^re_/);
      assert.equal((await detail(shop.api, id)).payment.refunded, 300, 'the amount is reserved at once');

      await advance(shop.s, 999);
      assert.equal(await refundStatus(id, first.id), 'new');
      await advance(shop.s, 1);
      assert.equal(await refundStatus(id, first.id), 'pending');
      assert.equal((await detail(shop.api, id)).payment.state, 'paid');
      await advance(shop.s, 1_999);
      assert.equal(await refundStatus(id, first.id), 'pending');
      await advance(shop.s, 1);
      assert.equal(await refundStatus(id, first.id), 'successful');
      let d = await detail(shop.api, id);
      assert.equal(d.payment.state, 'partially_refunded');

      const r2 = await refund(id, 700);
      assert.equal(r2.status, 201, r2.text);
      assert.equal(r2.body.refund.reason, null);
      await advance(shop.s, 1_000);
      await advance(shop.s, 2_000);
      d = await detail(shop.api, id);
      assert.equal(d.payment.state, 'refunded');
      assert.equal(d.payment.refunded, 1_000);
      assert.deepEqual(d.refunds.map((r) => [r.amount, r.status]), [[300, 'successful'], [700, 'successful']]);
      assert.deepEqual(d.events.map((e) => e.to), ['created', 'paid', 'partially_refunded', 'refunded']);
      const r3 = await refund(id, 1);
      assert.equal(r3.status, 409, 'nothing left to refund on a refunded payment');
    });

    test('one refund of the whole amount makes the payment refunded directly', async () => {
      const id = await paidPayment(450);
      assert.equal((await refund(id, 450)).status, 201);
      await advance(shop.s, 1_000);
      await advance(shop.s, 2_000);
      const d = await detail(shop.api, id);
      assert.equal(d.payment.state, 'refunded');
      assert.deepEqual(d.events.map((e) => e.to), ['created', 'paid', 'refunded']);
    });

    test('a refund whose two steps fall due in one worker pass (a late worker, a sandbox advance) still succeeds', async () => {
      for (let i = 0; i < 3; i++) {
        const id = await paidPayment(800);
        const r = await refund(id, 800);
        assert.equal(r.status, 201, r.text);
        await advance(shop.s, 3_000);
        const d = await detail(shop.api, id);
        assert.equal(d.refunds[0].status, 'successful', `round ${i}: the refund reached successful`);
        assert.equal(d.payment.state, 'refunded', `round ${i}`);
      }
    });

    test('more than what remains is refused and changes nothing', async () => {
      const id = await paidPayment(1_000);
      let before = await dataSnapshot(shop.s.store);
      const over = await refund(id, 1_001);
      assert.ok(refusedAmount(over.status), over.text);
      assert.equal(await dataSnapshot(shop.s.store), before);
      assert.equal((await refund(id, 600)).status, 201);
      before = await dataSnapshot(shop.s.store);
      const rest = await refund(id, 401);
      assert.ok(refusedAmount(rest.status), rest.text);
      assert.equal(await dataSnapshot(shop.s.store), before);
      assert.equal((await refund(id, 400)).status, 201, 'exactly what remains is fine');
      assert.equal((await detail(shop.api, id)).payment.refunded, 1_000);
      const zero = await refund(id, 0);
      assert.equal(zero.status, 400);
    });

    test('a payment that was not paid cannot be refunded', async () => {
      const open = await createPaymentOk(shop.api, shop.integrationId, { amount: 500, currency: 'USD' });
      const r = await refund(open.id, 100);
      assert.equal(r.status, 409, r.text);
      assert.equal(r.body.code, 'invalid_state');
      const failed = await createPaymentOk(shop.api, shop.integrationId, { amount: 999_999, currency: 'PLN' });
      await pay(shop.api, failed.id, { method: 'pay_by_link' });
      assert.equal((await refund(failed.id, 100)).status, 409);
    });

    test('only a new refund can be cancelled; its amount is released and its timers do nothing', async () => {
      const id = await paidPayment(1_000);
      const r = await refund(id, 1_000);
      const refundId = r.body.refund.id as string;
      const c = await shop.api.post(`/api/refunds/${refundId}/cancel`);
      assert.equal(c.status, 200, c.text);
      assert.equal(c.body.refund.status, 'cancelled');
      assert.equal((await detail(shop.api, id)).payment.refunded, 0, 'released');
      await advance(shop.s, 5_000);
      let d = await detail(shop.api, id);
      assert.equal(d.refunds.find((x) => x.id === refundId).status, 'cancelled', 'the timers do not revive it');
      assert.equal(d.payment.state, 'paid');
      const again = await shop.api.post(`/api/refunds/${refundId}/cancel`);
      assert.equal(again.status, 409);

      const second = await refund(id, 1_000);
      assert.equal(second.status, 201, 'the released amount can be refunded again');
      await advance(shop.s, 1_000);
      assert.equal(await refundStatus(id, second.body.refund.id), 'pending');
      const late = await shop.api.post(`/api/refunds/${second.body.refund.id}/cancel`);
      assert.equal(late.status, 409, late.text);
      assert.equal(late.body.code, 'invalid_state');
      await advance(shop.s, 2_000);
      d = await detail(shop.api, id);
      assert.equal(d.payment.state, 'refunded');
      assert.equal(d.payment.refunded, 1_000);
    });

    test('concurrent refunds that together exceed the payment: the accepted ones never exceed it', async () => {
      // Its own integration, so the balance check sees this payment only.
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId, { name: 'Refund race' });
      for (const [amount, each, n, fits] of [
        [1_000, 300, 10, 3],
        [1_000, 400, 8, 2],
        [999, 333, 12, 3],
      ] as const) {
        const id = await paidPayment(amount, integrationId);
        const replies = await Promise.all(Array.from({ length: n }, (_, i) => refund(id, each, `race ${i}`)));
        const accepted = replies.filter((r) => r.status === 201);
        for (const r of replies) assert.ok([201, 400, 422].includes(r.status), r.text);
        const total = accepted.reduce((s, r) => s + (r.body.refund.amount as number), 0);
        assert.ok(total <= amount, `accepted ${total} of ${amount}`);
        assert.equal(accepted.length, fits, `${fits} refunds of ${each} fit in ${amount}`);
        const d = await detail(shop.api, id);
        assert.equal(d.payment.refunded, total);
        assert.equal(d.refunds.length, fits, 'a refused refund leaves no record');
        await advance(shop.s, 1_000);
        await advance(shop.s, 2_000);
        const done = await detail(shop.api, id);
        assert.equal(done.payment.state, total === amount ? 'refunded' : 'partially_refunded');
      }
    });
  });
}
