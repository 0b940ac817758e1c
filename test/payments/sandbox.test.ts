/**
 * The sandbox controls over HTTP with an API token: finish a test payment with any outcome (never a
 * live one), and move an integration's sandbox clock so its timers, expiries and retry waits fire at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadFixture } from '../../src/services/sandbox/fixtures.js';
import { ApiClient } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { dbArgs, killAll, runCli } from '../helpers/process.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { advance, createPaymentOk, dataSnapshot, detail, makeLive, newIntegration, newMerchant, openShop, pay, type Shop, stateOf } from './fixture.js';

for (const kind of testDatabases()) {
  describe(`sandbox controls on ${kind}`, () => {
    let shop: Shop;
    let rx: Receiver;

    before(async () => {
      rx = await startReceiver();
      shop = await openShop(kind, { notificationUrl: rx.url });
    });
    after(async () => {
      await killAll();
      await shop?.s.stop();
      await rx?.close();
    });

    const complete = (id: string, outcome: string, api = shop.api) => api.post(`/api/payments/${id}/sandbox/complete`, { outcome });
    const newPayment = async (body: Record<string, unknown> = {}, integrationId = shop.integrationId) => (await createPaymentOk(shop.api, integrationId, body)).id as string;
    const sandboxAdvance = (seconds: number, integrationId = shop.integrationId) => shop.api.post(`/api/integrations/${integrationId}/sandbox/advance`, { seconds });

    test('complete finishes a created payment with each outcome; repeating it changes nothing', async () => {
      for (const outcome of ['paid', 'failed', 'cancelled', 'expired'] as const) {
        const id = await newPayment();
        const r = await complete(id, outcome);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.changed, true);
        assert.equal(r.body.payment.state, outcome);
        if (outcome === 'failed') assert.deepEqual(r.body.payment.failure, { code: 'sandbox', message: 'Failed by the sandbox controls' });
        else assert.equal(r.body.payment.failure, null);
        if (outcome === 'paid') assert.ok(r.body.payment.paidAt);
        const d = await detail(shop.api, id);
        assert.deepEqual(d.events.map((e) => e.to), ['created', outcome]);
        const deliveries = (await shop.api.get(`/api/payments/${id}/deliveries`)).body.data;
        assert.deepEqual(deliveries.map((x: { eventVersion: number }) => x.eventVersion).sort(), [1, 2], 'the change is notified like any other');

        const before = await dataSnapshot(shop.s.store);
        const again = await complete(id, outcome);
        assert.equal(again.status, 200);
        assert.equal(again.body.changed, false);
        assert.equal(await dataSnapshot(shop.s.store), before);
        const other = await complete(id, outcome === 'paid' ? 'failed' : 'paid');
        assert.equal(other.status, 409, other.text);
        assert.equal(other.body.code, 'invalid_state');
      }
    });

    test('complete finishes a pending payment; its own timer then does nothing', async () => {
      const id = await newPayment();
      await pay(shop.api, id, { method: 'ecocash', phone: '0773333333' });
      const r = await complete(id, 'paid');
      assert.equal(r.body.payment.state, 'paid');
      await advance(shop.s, 30_000);
      const d = await detail(shop.api, id);
      assert.equal(d.payment.state, 'paid', 'the 30 s failure no longer applies');
      assert.deepEqual(d.events.map((e) => e.to), ['created', 'pending', 'paid']);
    });

    test('complete is refused for a live payment, another merchant\u2019s payment, and without a token', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId, { name: 'Live shop' });
      await makeLive(shop, integrationId);
      const live = await newPayment({}, integrationId);
      const before = await dataSnapshot(shop.s.store);
      const r = await complete(live, 'paid');
      assert.equal(r.status, 403, r.text);
      assert.equal(r.body.code, 'forbidden');
      assert.equal(await dataSnapshot(shop.s.store), before);
      assert.equal(await stateOf(shop.api, live), 'created');

      const mine = await newPayment();
      const stranger = await newMerchant(shop.s.app.deps, shop.s.url, 'stranger');
      const theirs = await complete(mine, 'paid', stranger.api);
      assert.equal(theirs.status, 404, theirs.text);
      const anonymous = await complete(mine, 'paid', new ApiClient(shop.s.url));
      assert.equal(anonymous.status, 401);
      const revoked = new ApiClient(shop.s.url);
      revoked.bearer = 'tg_not-a-real-token';
      assert.equal((await complete(mine, 'paid', revoked)).status, 401);
      assert.equal(await stateOf(shop.api, mine), 'created');
      const bad = await complete(mine, 'refunded');
      assert.equal(bad.status, 400);
    });

    test('advance fires a 30 s timer at once, without the clock moving', async () => {
      const id = await newPayment();
      await pay(shop.api, id, { method: 'ecocash', phone: '0772222222' });
      const early = await sandboxAdvance(29);
      assert.equal(early.status, 200, early.text);
      assert.equal(await stateOf(shop.api, id), 'pending');
      const r = await sandboxAdvance(1);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.jobsRun >= 1, 'the advance drained the worker itself');
      assert.equal(await stateOf(shop.api, id), 'paid');
    });

    test('advance fires expiries and only moves its own integration', async () => {
      const { integrationId: other } = await newIntegration(shop.s.app.deps, shop.merchantId, { name: 'Untouched' });
      const expiring = await newPayment({ validForSeconds: 120 });
      const elsewhere = await newPayment({ validForSeconds: 120 }, other);
      const otherPending = await newPayment({}, other);
      await pay(shop.api, otherPending, { method: 'ecocash', phone: '0771111111' });
      const offsetBefore = (await sandboxAdvance(60)).body.offsetSeconds as number;
      assert.equal(await stateOf(shop.api, expiring), 'created');
      const r = await sandboxAdvance(60);
      assert.equal(r.body.offsetSeconds, offsetBefore + 60, 'the offset adds up');
      assert.equal(await stateOf(shop.api, expiring), 'expired');
      assert.equal(await stateOf(shop.api, elsewhere), 'created', 'another integration keeps its own time');
      assert.equal(await stateOf(shop.api, otherPending), 'pending');
    });

    test('advance brings retry waits of notifications closer', async () => {
      rx.status = 500;
      try {
        const id = await newPayment();
        await shop.s.app.worker.drain();
        const attempts = async () => (await shop.api.get(`/api/payments/${id}/deliveries`)).body.data[0].attemptLog.length as number;
        assert.equal(await attempts(), 1);
        await sandboxAdvance(59);
        assert.equal(await attempts(), 1, 'the second attempt is 1 min after the first');
        await sandboxAdvance(1);
        assert.equal(await attempts(), 2);
        rx.status = 200;
        await sandboxAdvance(60);
        const d = (await shop.api.get(`/api/payments/${id}/deliveries`)).body.data[0];
        assert.equal(d.attemptLog.length, 3);
        assert.equal(d.status, 'delivered');
      } finally {
        rx.status = 200;
      }
    });

    test('advance is validated and scoped to the merchant', async () => {
      assert.equal((await sandboxAdvance(0)).status, 400);
      assert.equal((await sandboxAdvance(-5)).status, 400);
      const stranger = await newMerchant(shop.s.app.deps, shop.s.url, 'stranger');
      const r = await stranger.api.post(`/api/integrations/${shop.integrationId}/sandbox/advance`, { seconds: 10 });
      assert.equal(r.status, 404, r.text);
    });

    test('every sandbox control refuses a live integration with problem+json, in the API and the CLI, and changes nothing', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId, { name: 'Live, no sandbox' });
      const made = await shop.api.post(`/api/integrations/${integrationId}/customers`, { name: 'Awa', email: 'awa-live@example.sn', phone: '771234567', balance: 5_000, currency: 'XOF' });
      assert.equal(made.status, 201, made.text);
      const customerId = made.body.customer.id as string;
      await makeLive(shop, integrationId);
      const live = await newPayment({ validForSeconds: 60 }, integrationId);
      const before = await dataSnapshot(shop.s.store);
      const calls: Array<[string, Record<string, unknown>]> = [
        [`/api/integrations/${integrationId}/sandbox/advance`, { seconds: 3_600 }],
        [`/api/integrations/${integrationId}/sandbox/payout`, { currency: 'USD' }],
        [`/api/integrations/${integrationId}/sandbox/payout`, { currency: 'USD', amount: 50 }],
        [`/api/integrations/${integrationId}/customers`, { name: 'Moussa', email: 'moussa@example.sn', phone: '771234568', balance: 1_000, currency: 'XOF' }],
        [`/api/integrations/${integrationId}/customers/${customerId}/reload`, { amount: 1_000 }],
      ];
      for (const [path, body] of calls) {
        const r = await shop.api.post(path, body);
        assert.equal(r.status, 403, `${path}: ${r.text}`);
        assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/, path);
        assert.equal(r.body.code, 'forbidden', path);
        assert.match(r.body.detail, /live/, path);
      }
      const merchantEmail = (await shop.s.store.db.selectFrom('merchants').select('email').where('id', '=', shop.merchantId).executeTakeFirstOrThrow()).email;
      const db = dbArgs(shop.s.dataDir, shop.s.databaseUrl);
      for (const args of [
        ['customer', 'create', '--merchant', merchantEmail, '--integration', integrationId, '--name', 'Moussa', '--email', 'moussa@example.sn', '--phone', '771234568', '--balance', '1000'],
        ['customer', 'reload', '--merchant', merchantEmail, '--integration', integrationId, '--customer', customerId, '--amount', '1000'],
      ]) {
        const p = await runCli([...args, ...db]);
        assert.equal(p.exited.code, 1, `${args.join(' ')}: ${p.stdout}${p.stderr}`);
        assert.match(p.stderr.trim(), /^[^\n]*live[^\n]*$/, 'one clear line naming why');
      }
      const company = (await shop.s.store.db.selectFrom('merchants').select('company_name').where('id', '=', shop.merchantId).executeTakeFirstOrThrow()).company_name;
      for (const extra of [
        { customers: [{ name: 'Moussa', email: 'moussa@example.sn', phone: '771234568', balance: 1_000, currency: 'XOF' }] },
        { payments: [{ dialect: 'paydunya', publicId: 'test_live0000001', amount: 1_000, currency: 'XOF', state: 'paid' }] },
      ]) {
        const fixture = { merchants: [{ email: merchantEmail, company, integrations: [{ name: 'Live, no sandbox', ...extra }] }] };
        await assert.rejects(loadFixture(shop.s.app.deps, fixture), (err: Error) => err.message.includes('is live'));
      }
      assert.equal(await dataSnapshot(shop.s.store), before);
      assert.equal(await stateOf(shop.api, live), 'created');
    });

    test('advancing the sandbox clock never moves a live payment', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId, { name: 'Live with a clock' });
      await makeLive(shop, integrationId);
      const live = await newPayment({ validForSeconds: 60 }, integrationId);
      const r = await sandboxAdvance(3_600, integrationId);
      assert.ok(r.status === 200 || r.status === 403 || r.status === 409, r.text);
      assert.equal(await stateOf(shop.api, live), 'created', 'a live payment expires on real time only');
    });
  });
}
