import { asId, type PaymentId } from '../../src/core/ids.js';
/**
 * The settlement delay (issue 18): a paid payment's money is pending until the delay has passed, then
 * available; escrow payments stay pending until delivered, whatever the delay, and move once. Time is
 * the test server's ManualClock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { settlePayment } from '../../src/services/money/settlement.js';
import { verifyLedger } from '../../src/services/money/verify.js';
import { transitionPayment } from '../../src/services/payments/transition.js';
import { assertProblem } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { advance, createPaymentOk, newIntegration, openShop, pay, type Shop } from '../payments/fixture.js';

const HOUR = 3_600_000;

for (const kind of testDatabases()) {
  describe(`settlement delay on ${kind}`, () => {
    let shop: Shop;
    before(async () => {
      shop = await openShop(kind, { config: { settlementDelaySeconds: 3600 } });
    });
    after(async () => {
      await shop.s.stop();
    });

    async function paid(integrationId: string, amount: number): Promise<PaymentId> {
      const p = await createPaymentOk(shop.api, integrationId, { amount, currency: 'USD' });
      assert.equal((await pay(shop.api, p.id, { method: 'card', cardNumber: '4444 4444 4444 4000' })).body.payment.state, 'paid');
      return asId('payment', p.id);
    }
    const balance = async (integrationId: string) => {
      const b = (await shop.api.get(`/api/integrations/${integrationId}/balances`)).body.data[0];
      return { available: b.available, pending: b.pending };
    };
    const move = (id: PaymentId, to: 'awaiting_delivery' | 'delivered') => transitionPayment(shop.s.app.deps, id, { to, reason: 'test' });

    test('paid money is pending for the delay, not refundable, then available once', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId);
      const id = await paid(integrationId, 10_000);
      assert.deepEqual(await balance(integrationId), { available: 0, pending: 10_000 });
      assertProblem(await shop.api.post(`/api/payments/${id}/refunds`, { amount: 1_000 }), 422, 'insufficient_funds');
      await advance(shop.s, HOUR - 1);
      assert.deepEqual(await balance(integrationId), { available: 0, pending: 10_000 }, 'one millisecond early');
      await advance(shop.s, 1);
      assert.deepEqual(await balance(integrationId), { available: 10_000, pending: 0 });
      assert.equal(await settlePayment(shop.s.app.deps, id), false, 'a second settlement moves nothing');
      assert.equal((await shop.api.post(`/api/payments/${id}/refunds`, { amount: 1_000 })).status, 201);
      assert.equal((await verifyLedger(shop.s.app.deps)).ok, true);
    });

    test('escrow: pending until delivered, before or after the delay, and moved once', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId);
      // Into escrow before the delay ends: the settlement leaves it pending; delivery makes it available.
      const early = await paid(integrationId, 4_000);
      await move(early, 'awaiting_delivery');
      await advance(shop.s, HOUR);
      assert.deepEqual(await balance(integrationId), { available: 0, pending: 4_000 });
      await move(early, 'delivered');
      assert.deepEqual(await balance(integrationId), { available: 4_000, pending: 0 });
      // Settled first, then into escrow: back to pending until delivered.
      const late = await paid(integrationId, 3_000);
      await advance(shop.s, HOUR);
      assert.deepEqual(await balance(integrationId), { available: 7_000, pending: 0 });
      await move(late, 'awaiting_delivery');
      assert.deepEqual(await balance(integrationId), { available: 4_000, pending: 3_000 });
      await move(late, 'delivered');
      // Delivered before the delay ends: available at delivery, and the settle job then moves nothing.
      const quick = await paid(integrationId, 2_000);
      await move(quick, 'awaiting_delivery');
      await move(quick, 'delivered');
      assert.deepEqual(await balance(integrationId), { available: 9_000, pending: 0 });
      await advance(shop.s, HOUR);
      assert.deepEqual(await balance(integrationId), { available: 9_000, pending: 0 });
      assert.equal((await verifyLedger(shop.s.app.deps)).ok, true);
    });

    test('a settlement racing the move into escrow: the money ends pending either way, ten times', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId);
      for (let round = 0; round < 10; round++) {
        const id = await paid(integrationId, 1_000);
        shop.s.clock.advance(HOUR);
        await Promise.all([settlePayment(shop.s.app.deps, id), move(id, 'awaiting_delivery')]);
        assert.deepEqual(await balance(integrationId), { available: 0, pending: 1_000 * (round + 1) }, `round ${round}`);
      }
      assert.equal((await verifyLedger(shop.s.app.deps)).ok, true);
    });
  });
}

describe('settlement delay configuration', () => {
  test('defaults to 0 (at once), takes TOLLGATE_SETTLEMENT_DELAY_SECONDS, refuses nonsense', () => {
    assert.equal(loadConfig({}).settlementDelaySeconds, 0);
    assert.equal(loadConfig({ TOLLGATE_SETTLEMENT_DELAY_SECONDS: '172800' }).settlementDelaySeconds, 172_800);
    assert.throws(() => loadConfig({ TOLLGATE_SETTLEMENT_DELAY_SECONDS: '-1' }), /settlementDelaySeconds \(TOLLGATE_SETTLEMENT_DELAY_SECONDS\): the settlement delay must be between 0/);
    assert.throws(() => loadConfig({ TOLLGATE_SETTLEMENT_DELAY_SECONDS: '1.5' }), /whole number of seconds/);
  });
});
