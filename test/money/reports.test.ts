/**
 * What a merchant and an operator read and do with the money: balances, ledger entries paged by cursor
 * and as CSV, the payout run, and a payout marked failed returning its money to available.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/program.js';
import { runPayouts, TEST_TRANSIT_MS } from '../../src/services/money/payout-run.js';
import { startPayout } from '../../src/services/money/payouts.js';
import { markPayout } from '../../src/services/money/reports.js';
import { verifyLedger } from '../../src/services/money/verify.js';
import { testDatabases } from '../helpers/dbs.js';
import { advance, createPaymentOk, newIntegration, openShop, pay, type Shop } from '../payments/fixture.js';

for (const kind of testDatabases()) {
  describe(`money reports and payouts on ${kind}`, () => {
    let shop: Shop;
    before(async () => {
      shop = await openShop(kind);
    });
    after(async () => {
      await shop.s.stop();
    });

    const balances = async (integrationId: string) => {
      const r = await shop.api.get(`/api/integrations/${integrationId}/balances`);
      assert.equal(r.status, 200, r.text);
      return r.body.data;
    };

    test('balances, entries page by page, CSV; a payout run pays out test balances once; a failed payout returns its money', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId);
      const p = await createPaymentOk(shop.api, integrationId, { amount: 10_000, currency: 'USD' });
      assert.equal((await pay(shop.api, p.id, { method: 'card', cardNumber: '4444 4444 4444 4000' })).body.payment.state, 'paid');
      assert.equal((await shop.api.post(`/api/payments/${p.id}/refunds`, { amount: 1_000 })).status, 201);
      await advance(shop.s, 3_000);
      // The customer paid the card's default 2.5 % on top: the merchant keeps the whole amount.
      assert.deepEqual(await balances(integrationId), [{ mode: 'test', currency: 'USD', available: 9_000, pending: 0, inTransit: 0, fees: 250 }]);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r: { status: number; text: string; body: any } = await shop.api.get(`/api/integrations/${integrationId}/ledger?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(r.status, 200, r.text);
        for (const e of r.body.data) seen.push(`${e.kind}:${e.account}:${e.amount}`);
        cursor = r.body.nextCursor;
      } while (cursor);
      assert.deepEqual(seen.sort(), ['payment:available:10000', 'payment:fees:250', 'payment:world:-10250', 'refund:available:-1000', 'refund:world:1000']);
      const refundsOnly = await shop.api.get(`/api/integrations/${integrationId}/ledger?kind=refund`);
      assert.equal(refundsOnly.body.data.length, 2);
      assert.match(refundsOnly.body.data[0].createdAt, /^\d{4}-\d\d-\d\dT/, 'instants are ISO 8601');
      assert.equal((await shop.api.get(`/api/integrations/${integrationId}/ledger?cursor=nonsense`)).status, 400);
      const csv = await shop.api.get(`/api/integrations/${integrationId}/ledger.csv`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
      assert.equal(csv.text.trim().split('\n').length, 6, 'a header and five postings');

      const deps = shop.s.app.deps;
      const first = await runPayouts(deps);
      assert.ok(first.started >= 1);
      assert.equal((await balances(integrationId))[0].available, 0);
      const again = await runPayouts(deps);
      assert.equal(again.started, 0, 'a second run finds nothing left to pay out');
      const statuses = async () => (await shop.api.get(`/api/integrations/${integrationId}/payouts`)).body.data.map((x: any) => [x.amount, x.status]);
      assert.deepEqual(await statuses(), [[9_000, 'pending']]);
      // A test payout is simulated end to end: the worker takes it in transit, then the fictitious bank pays it.
      await advance(shop.s, 0);
      assert.deepEqual(await statuses(), [[9_000, 'in_transit']]);
      await advance(shop.s, TEST_TRANSIT_MS);
      assert.deepEqual(await statuses(), [[9_000, 'paid']]);

      // A payout on its way that the bank refuses: its money comes back, once.
      const p2 = await createPaymentOk(shop.api, integrationId, { amount: 500, currency: 'USD' });
      await pay(shop.api, p2.id, { method: 'card', cardNumber: '4444 4444 4444 4000' });
      const id = await deps.store.transaction((tx) => startPayout(tx, deps, { integrationId, merchantId: shop.merchantId, mode: 'test', currency: 'USD', amountMinor: 500, refusal: 'x' }));
      assert.deepEqual((await balances(integrationId))[0], { mode: 'test', currency: 'USD', available: 0, pending: 0, inTransit: 500, fees: 263 });
      assert.equal((await markPayout(deps, id, 'failed')).status, 'failed');
      await assert.rejects(markPayout(deps, id, 'paid'), /already failed/);
      assert.deepEqual((await balances(integrationId))[0], { mode: 'test', currency: 'USD', available: 500, pending: 0, inTransit: 0, fees: 263 });
      assert.equal((await verifyLedger(deps)).ok, true);
    });
  });
}

describe('tollgate balance and payouts', () => {
  test('balance --json and payouts list on an empty gateway', async () => {
    const { freshDatabase } = await import('../helpers/dbs.js');
    const { dataDir } = await freshDatabase('sqlite');
    const env: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TOLLGATE_') && k !== 'DATABASE_URL') env[k] = v;
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: () => {}, readStdin: async () => '', env };
    assert.equal(await runCli(['balance', '--integration', 'int_none', '--json', '--data-dir', dataDir], io), 0);
    assert.deepEqual(JSON.parse(out.join('\n')), { data: [] });
    out.length = 0;
    assert.equal(await runCli(['payouts', 'list', '--data-dir', dataDir], io), 0);
    assert.deepEqual(out, ['no payouts']);
    out.length = 0;
    assert.equal(await runCli(['payouts', 'list', '--json', '--data-dir', dataDir], io), 0);
    assert.deepEqual(JSON.parse(out.join('\n')), { data: [], nextCursor: null });
  });
});
