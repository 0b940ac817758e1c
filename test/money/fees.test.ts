/**
 * Fees (issue 18) over HTTP: the operator's schedule, an integration that absorbs fees (the merchant
 * receives amount − fee, the fees account the fee) and one that does not (the customer pays amount +
 * fee, the merchant the whole amount); the payment shows fee and net; the ledger still verifies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOperator } from '../../src/services/merchants/accounts.js';
import { verifyLedger } from '../../src/services/money/verify.js';
import { transitionPayment } from '../../src/services/payments/transition.js';
import { ApiClient, assertProblem } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { cliOnFreshDatabase } from './cli.js';
import { createPaymentOk, detail, newIntegration, openShop, pay, type Shop } from '../payments/fixture.js';

const CARD_OK = { method: 'card', cardNumber: '4444 4444 4444 4000' };

for (const kind of testDatabases()) {
  describe(`fees on ${kind}`, () => {
    let shop: Shop;
    let op: ApiClient;
    before(async () => {
      shop = await openShop(kind);
      await createOperator(shop.s.app.deps, 'fees-op@tollgate.example', 'a long password 1');
      op = new ApiClient(shop.s.url);
      assert.equal((await op.login('fees-op@tollgate.example', 'a long password 1', 'operator')).status, 200);
    });
    after(async () => {
      await shop.s.stop();
    });

    const balances = async (integrationId: string) => (await shop.api.get(`/api/integrations/${integrationId}/balances`)).body.data;

    test('the operator sets a fee per method and currency; a bad rule is refused and changes nothing', async () => {
      const r = await op.request('PUT', '/api/operator/fees/card/XOF', { percentBps: 300, fixed: 25, minimum: 100, maximum: 5_000 });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { data: [{ method: 'card', currency: 'XOF', percentBps: 300, fixed: 25, minimum: 100, maximum: 5_000 }] });
      assertProblem(await op.request('PUT', '/api/operator/fees/card/XOF', { percentBps: 0, fixed: 0, minimum: 9, maximum: 5 }), 400, 'validation', /minimum/);
      assertProblem(await op.request('PUT', '/api/operator/fees/card/XOF', { percentBps: 10_001, fixed: 0 }), 400, 'validation');
      assert.equal((await shop.api.request('PUT', '/api/operator/fees/card/XOF', { percentBps: 0, fixed: 0 })).status, 403, 'a merchant cannot set fees');
      assert.equal((await op.get('/api/operator/fees')).body.data.length, 1);
    });

    test('absorbed: a paid payment leaves available = amount − fee and fees = fee (default 2.5 % on cards)', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId);
      const set = await shop.api.patch(`/api/integrations/${integrationId}`, { absorbFees: true });
      assert.equal(set.status, 200, set.text);
      const p = await createPaymentOk(shop.api, integrationId, { amount: 10_000, currency: 'USD' });
      const paid = await pay(shop.api, p.id, CARD_OK);
      assert.equal(paid.body.payment.state, 'paid', paid.text);
      const { payment } = await detail(shop.api, p.id);
      assert.deepEqual([payment.fee, payment.feePaidBy, payment.net], [250, 'merchant', 9_750]);
      assert.deepEqual(await balances(integrationId), [{ mode: 'test', currency: 'USD', available: 9_750, pending: 0, inTransit: 0, fees: 250 }]);
      const entries = (await shop.api.get(`/api/integrations/${integrationId}/ledger`)).body.data.map((e: any) => `${e.account}:${e.amount}`);
      assert.deepEqual(entries.sort(), ['available:9750', 'fees:250', 'world:-10000']);
      assert.equal((await verifyLedger(shop.s.app.deps)).ok, true);
    });

    test("not absorbed: the customer pays amount + fee, the merchant keeps the amount; the operator's rule applies", async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId);
      const p = await createPaymentOk(shop.api, integrationId, { amount: 1_000, currency: 'XOF' });
      assert.equal((await pay(shop.api, p.id, CARD_OK)).body.payment.state, 'paid');
      const { payment } = await detail(shop.api, p.id);
      // 3 % of 1,000 + 25 = 55, raised to the 100 minimum.
      assert.deepEqual([payment.fee, payment.feePaidBy, payment.net], [100, 'customer', 1_000]);
      assert.deepEqual(await balances(integrationId), [{ mode: 'test', currency: 'XOF', available: 1_000, pending: 0, inTransit: 0, fees: 100 }]);
      const entries = (await shop.api.get(`/api/integrations/${integrationId}/ledger`)).body.data.map((e: any) => `${e.account}:${e.amount}`);
      assert.deepEqual(entries.sort(), ['available:1000', 'fees:100', 'world:-1100']);
      assert.equal((await verifyLedger(shop.s.app.deps)).ok, true);
    });

    test('a fee of the whole amount: the merchant is credited nothing, escrow moves nothing, a refund is refused; no empty transaction', async () => {
      assert.equal((await op.request('PUT', '/api/operator/fees/card/PLN', { percentBps: 10_000, fixed: 0 })).status, 200);
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId);
      assert.equal((await shop.api.patch(`/api/integrations/${integrationId}`, { absorbFees: true })).status, 200);
      const p = await createPaymentOk(shop.api, integrationId, { amount: 3_000, currency: 'PLN' });
      assert.equal((await pay(shop.api, p.id, CARD_OK)).body.payment.state, 'paid');
      assert.deepEqual([(await detail(shop.api, p.id)).payment.net, (await detail(shop.api, p.id)).payment.fee], [0, 3_000]);
      for (const to of ['awaiting_delivery', 'delivered'] as const) await transitionPayment(shop.s.app.deps, p.id, { to, reason: 'escrow' });
      assertProblem(await shop.api.post(`/api/payments/${p.id}/refunds`, { amount: 1 }), 422, 'insufficient_funds');
      const entries = (await shop.api.get(`/api/integrations/${integrationId}/ledger`)).body.data.map((e: any) => `${e.kind}:${e.account}:${e.amount}`);
      assert.deepEqual(entries.sort(), ['payment:fees:3000', 'payment:world:-3000'], 'the zero credit and the escrow of nothing post nothing');
      const txs = await shop.s.store.db.selectFrom('ledger_transactions').select('kind').where('ref_id', '=', p.id).execute();
      assert.deepEqual(txs.map((t) => t.kind), ['payment']);
      assert.deepEqual(await balances(integrationId), [{ mode: 'test', currency: 'PLN', available: 0, pending: 0, inTransit: 0, fees: 3_000 }]);
      const report = await verifyLedger(shop.s.app.deps);
      assert.equal(report.ok, true, JSON.stringify(report));
      // verify itself catches a transaction with no postings.
      await shop.s.store.db.insertInto('ledger_transactions').values({ id: 'ltx_empty', integration_id: integrationId, mode: 'test', currency: 'PLN', kind: 'payment', ref_id: 'pay_none', created_at: 1 }).execute();
      assert.deepEqual((await verifyLedger(shop.s.app.deps)).unbalancedTransactions, ['ltx_empty']);
      await shop.s.store.db.deleteFrom('ledger_transactions').where('id', '=', 'ltx_empty').execute();
    });
  });
}

describe('tollgate fees show|set', () => {
  test('shows the defaults, sets a rule (--json), shows it per currency, refuses a bad one', async () => {
    const { cli, out, err } = await cliOnFreshDatabase();
    assert.equal(await cli('fees', 'show'), 0, err.join('\n'));
    assert.ok(out.includes('card          *   2.50 % + 0  (default)'), out.join('\n'));
    assert.equal(await cli('fees', 'set', '--method', 'card', '--currency', 'XOF', '--percent-bps', '300', '--fixed', '50', '--max', '2000', '--json'), 0, err.join('\n'));
    assert.deepEqual(JSON.parse(out.join('\n')), { data: [{ method: 'card', currency: 'XOF', percentBps: 300, fixed: 50, minimum: null, maximum: 2000 }] });
    assert.equal(await cli('fees', 'show', '--currency', 'XOF', '--json'), 0);
    const xof = JSON.parse(out.join('\n')).data;
    assert.deepEqual(xof.find((f: { method: string }) => f.method === 'card'), { method: 'card', currency: 'XOF', percentBps: 300, fixed: 50, minimum: null, maximum: 2000, source: 'operator' });
    assert.deepEqual(xof.find((f: { method: string }) => f.method === 'ecocash'), { method: 'ecocash', currency: '*', percentBps: 150, fixed: 0, minimum: null, maximum: null, source: 'default' });
    assert.equal(await cli('fees', 'show', '--currency', 'USD'), 0);
    assert.ok(out.includes('card          *   2.50 % + 0  (default)'), 'a rule for XOF does not apply to USD');
    err.length = 0;
    assert.notEqual(await cli('fees', 'set', '--method', 'cheque', '--currency', 'USD', '--percent-bps', '100'), 0);
    assert.match(err.join('\n'), /no payment method cheque/);
    assert.notEqual(await cli('fees', 'set', '--method', 'card', '--currency', 'USD', '--percent-bps', '10001'), 0);
    assert.match(err.join('\n'), /above 100 %/);
    assert.notEqual(await cli('fees', 'set', '--method', 'card', '--currency', 'usd', '--percent-bps', '100'), 0);
    assert.match(err.join('\n'), /no currency usd/);
  });
});
