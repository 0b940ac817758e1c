/**
 * Payout schedules (seed 001): immediately or daily, a minimum per currency, a payout account checked
 * for shape; the recurring job makes the payouts; a payout lists the payments it settles; test payouts
 * go pending → in transit → paid, and a failed one returns its money and its payments.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nextDailyRun } from '../../src/services/money/payout-schedule.js';
import { TEST_TRANSIT_MS } from '../../src/services/money/payout-run.js';
import { verifyLedger } from '../../src/services/money/verify.js';
import { assertProblem } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { cliOnFreshDatabase } from './cli.js';
import { advance, createPaymentOk, dataSnapshot, newIntegration, newMerchant, openShop, pay, type Shop } from '../payments/fixture.js';

const putSettings = (api: Shop['api'], body: unknown) => api.request('PUT', '/api/payout-settings', body);

const BANK = { type: 'bank', bankName: 'CBZ', accountName: 'Shop Ltd', accountNumber: 'GB82 WEST 1234 5698 7654 32' };

for (const kind of testDatabases()) {
  describe(`payout schedules on ${kind}`, () => {
    let shop: Shop;
    before(async () => {
      shop = await openShop(kind);
    });
    after(async () => {
      await shop.s.stop();
    });

    async function paid(api: Shop['api'], integrationId: string, amount: number): Promise<string> {
      const p = await createPaymentOk(api, integrationId, { amount, currency: 'USD' });
      assert.equal((await pay(api, p.id, { method: 'card', cardNumber: '4444 4444 4444 4000' })).body.payment.state, 'paid');
      return p.id;
    }
    const payouts = async (api: Shop['api'], integrationId: string) => (await api.get(`/api/integrations/${integrationId}/payouts`)).body.data as { id: string; amount: number; status: string }[];
    const available = async (api: Shop['api'], integrationId: string) => (await api.get(`/api/integrations/${integrationId}/balances`)).body.data[0]?.available;

    test('a payout account of the wrong shape is refused naming its field, and nothing changes', async () => {
      const { api } = await newMerchant(shop.s.app.deps, shop.s.url);
      const before = await dataSnapshot(shop.s.store);
      const badIban = await putSettings(api, { frequency: 'daily', account: { ...BANK, accountNumber: 'GB82 WEST 1234 5698 7654 33' } });
      assertProblem(badIban, 400, 'validation');
      assert.deepEqual(badIban.body.issues?.map((e: { path: string }) => e.path), ['account.accountNumber'], badIban.text);
      const badPhone = await putSettings(api, { frequency: 'immediate', account: { type: 'mobile_money', provider: 'ecocash', phone: '0771234567', accountName: 'Shop' } });
      assertProblem(badPhone, 400, 'validation', /account\.phone/);
      const badMinimum = await putSettings(api, { frequency: 'immediate', minimums: [{ currency: 'usd', amount: 5 }], account: BANK });
      assertProblem(badMinimum, 400, 'validation', /minimums\.0\.currency/);
      assert.equal(await dataSnapshot(shop.s.store), before);
      assert.equal((await api.get('/api/payout-settings')).status, 404);
    });

    test('daily: nothing before 00:00 UTC or below the minimum; then one payout of the balance, listing its payments, pending → in transit → paid', async () => {
      const deps = shop.s.app.deps;
      const { merchantId, api } = await newMerchant(deps, shop.s.url);
      const { integrationId } = await newIntegration(deps, merchantId);
      const set = await putSettings(api, { frequency: 'daily', minimums: [{ currency: 'USD', amount: 15_000 }], account: BANK });
      assert.equal(set.status, 200, set.text);
      assert.equal(set.body.account.accountNumber, 'GB82WEST12345698765432');
      assert.equal(set.body.nextRunAt, new Date(nextDailyRun(shop.s.clock.now())).toISOString());
      const first = await paid(api, integrationId, 10_000);
      await advance(shop.s, 20_000);
      assert.deepEqual(await payouts(api, integrationId), [], 'a daily schedule waits for 00:00 UTC');
      await advance(shop.s, nextDailyRun(shop.s.clock.now()) - shop.s.clock.now());
      assert.deepEqual(await payouts(api, integrationId), [], '10,000 is below the minimum of 15,000');
      const second = await paid(api, integrationId, 6_000);
      await advance(shop.s, 60_000);
      assert.deepEqual(await payouts(api, integrationId), [], 'the day has been used: the next run is tomorrow');
      await advance(shop.s, nextDailyRun(shop.s.clock.now()) - shop.s.clock.now());
      const [po] = await payouts(api, integrationId);
      assert.ok(po);
      assert.deepEqual([po.amount, po.status], [16_000, 'in_transit']);
      assert.equal(await available(api, integrationId), 0);
      await advance(shop.s, TEST_TRANSIT_MS);
      const d = await api.get(`/api/integrations/${integrationId}/payouts/${po.id}`);
      assert.equal(d.status, 200, d.text);
      assert.deepEqual(
        { status: d.body.status, amount: d.body.amount, currency: d.body.currency, destination: d.body.destination },
        { status: 'paid', amount: 16_000, currency: 'USD', destination: 'bank ••••5432' },
      );
      assert.deepEqual(d.body.payments.map((p: { paymentId: string; amount: number }) => [p.paymentId, p.amount]).sort(), [[first, 10_000], [second, 6_000]].sort());
      assert.equal((await shop.api.get(`/api/integrations/${integrationId}/payouts/${po.id}`)).status, 404, "another merchant's payout is not found");
    });

    test('immediately: a test payout to an account ending in 0000 fails, its money and payments come back; the next one settles them', async () => {
      const deps = shop.s.app.deps;
      const { merchantId, api } = await newMerchant(deps, shop.s.url);
      const { integrationId } = await newIntegration(deps, merchantId);
      const mobile = { type: 'mobile_money', provider: 'ecocash', phone: '+263 77 123 0000', accountName: 'Shop' };
      assert.equal((await putSettings(api, { frequency: 'immediate', account: mobile })).status, 200);
      const p = await paid(api, integrationId, 5_000);
      await advance(shop.s, 10_000);
      const [failing] = await payouts(api, integrationId);
      assert.equal(failing?.status, 'in_transit');
      await advance(shop.s, TEST_TRANSIT_MS);
      assert.equal((await payouts(api, integrationId))[0]?.status, 'failed');
      assert.equal(await available(api, integrationId), 5_000, 'a failed payout returns its money to available');
      assert.deepEqual((await api.get(`/api/integrations/${integrationId}/payouts/${failing.id}`)).body.payments, [{ paymentId: p, amount: 5_000, currency: 'USD', released: true }]);

      assert.equal((await putSettings(api, { frequency: 'immediate', account: { ...mobile, phone: '+263771234567' } })).status, 200);
      await advance(shop.s, 10_000);
      await advance(shop.s, TEST_TRANSIT_MS);
      const list = await payouts(api, integrationId);
      assert.deepEqual(list.map((x) => x.status), ['paid', 'failed'], 'newest first');
      assert.deepEqual((await api.get(`/api/integrations/${integrationId}/payouts/${list[0]?.id}`)).body.payments, [{ paymentId: p, amount: 5_000, currency: 'USD', released: false }]);
      assert.equal(await available(api, integrationId), 0);
      assert.equal((await verifyLedger(deps)).ok, true);
      assert.equal((await api.delete('/api/payout-settings')).status, 204);
      assert.equal((await api.get('/api/payout-settings')).status, 404);
    });
  });
}

describe('tollgate payouts schedule', () => {
  test('sets, shows (--json) and removes a schedule; a bad account names its field and exits non-zero', async () => {
    const { cli, out, err } = await cliOnFreshDatabase();
    assert.equal(await cli('merchant', 'create', '--email', 'cli-payouts@example.test', '--company', 'Cli Shop'), 0, err.join('\n'));
    const m = ['payouts', 'schedule', '--merchant', 'cli-payouts@example.test'];
    assert.notEqual(await cli(...m, '--frequency', 'daily', '--mobile-provider', 'ecocash', '--phone', '12345', '--account-name', 'Cli'), 0);
    assert.match(err.join('\n'), /account\.phone/);
    assert.equal(await cli(...m, '--frequency', 'daily', '--minimum', 'XOF=5000', '--bank-name', 'CBZ', '--account-number', '1234 5678 90', '--account-name', 'Cli Shop', '--json'), 0, err.join('\n'));
    const set = JSON.parse(out.join('\n'));
    assert.deepEqual([set.frequency, set.minimums, set.account.accountNumber], ['daily', [{ currency: 'XOF', amount: 5000 }], '1234567890']);
    assert.match(set.nextRunAt, /^\d{4}-\d\d-\d\dT00:00:00\.000Z$/, 'an ISO 8601 instant, as GET /api/payout-settings answers');
    assert.equal(await cli(...m), 0);
    assert.match(out.join('\n'), /^daily at 00:00 UTC/);
    assert.match(out.join('\n'), /to bank CBZ, Cli Shop, 1234567890/);
    assert.equal(await cli(...m, '--remove'), 0);
    assert.equal(await cli(...m, '--json'), 0);
    assert.equal(JSON.parse(out.join('\n')), null);
  });
});
