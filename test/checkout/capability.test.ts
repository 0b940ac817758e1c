/**
 * A payment's reference is not a key to it: the URLs that open its hosted checkout carry a capability
 * nobody can guess, a bare reference or a wrong capability answers like an unknown payment, and an
 * address that scans references is throttled. The official `paynow` SDK's browser URL still works.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { Migrator, sql } from 'kysely';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { findPaymentByDisplayRef } from '../../src/store/repos/payments.js';
import { createIntegration } from '../../src/services/merchants/integrations.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';
import { snapshot } from '../helpers/server.js';
import { startWorld, Visitor, type World } from './world.js';

const require = createRequire(import.meta.url);
const constants = require('paynow/dist/constants');
const { Paynow } = require('paynow');

interface Sdk {
  createPayment(ref: string, email?: string): { add(title: string, amount: number): void };
  send(p: unknown): Promise<{ success: boolean; redirectUrl: string; pollUrl: string }>;
}

const CAPABILITY = /^[0-9a-f]{32}$/;

for (const kind of testDatabases()) {
  describe(`checkout capabilities on ${kind}`, () => {
    let w: World;
    let sdk: Sdk;
    let browserUrl: URL;
    let ref: string;
    before(async () => {
      w = await startWorld(kind);
      constants.URL_INITIATE_TRANSACTION = `${w.s.url}/interface/initiatetransaction`;
      const { credentials } = await createIntegration(w.s.app.deps, w.ownerId, { name: 'ZW' }, { kind: 'system', id: null });
      sdk = new Paynow(String(credentials.paynowZw.integrationId), credentials.paynowZw.integrationKey, w.returnUrl, w.returnUrl) as Sdk;
      const payment = sdk.createPayment('Invoice 77', 'owner@harare-hardware.test');
      payment.add('Secret lawnmower', 31.5);
      const res = await sdk.send(payment);
      assert.equal(res.success, true, JSON.stringify(res));
      browserUrl = new URL(res.redirectUrl);
      ref = /ConfirmPayment\/(\d+)/.exec(browserUrl.pathname)?.[1] ?? '';
    });
    after(async () => {
      await w.stop();
    });

    test("the SDK's browser URL opens the checkout, which shows the payment and can cancel it", async () => {
      const [, capability] = /^\/Payment\/ConfirmPayment\/\d+\/(.*)$/.exec(browserUrl.pathname) ?? [];
      assert.match(capability ?? '', CAPABILITY, `the browser URL carries a capability: ${browserUrl}`);
      // A Paynow Zimbabwe test payment is the merchant's to try: the owner, logged in, opens it.
      const v = new Visitor(w.s.url);
      v.adoptSession(w.api.cookie!);
      const hop = await v.get(browserUrl.pathname + browserUrl.search);
      assert.equal(hop.status, 302);
      const page = await v.get(new URL(hop.location ?? '', w.s.url).pathname + new URL(hop.location ?? '', w.s.url).search);
      assert.equal(page.status, 200);
      assert.match(page.html, /id="amount">31\.50 USD</);
      const action = /action="([^"]*\/cancel[^"]*)"/.exec(page.html)?.[1]?.replaceAll('&#61;', '=').replaceAll('&amp;', '&') ?? '';
      const cancelled = await v.post(action, {});
      assert.equal(cancelled.status, 303);
      const p = await findPaymentByDisplayRef(w.s.store.db, 'paynow_zw', ref);
      assert.equal(p?.state, 'cancelled');
    });

    test('a bare reference, a wrong capability or a bare payment id shows nothing and cancels nothing', async () => {
      const payment = sdk.createPayment('Invoice 78', 'owner@harare-hardware.test');
      payment.add('Hidden tractor', 99.25);
      const res = await sdk.send(payment);
      const url = new URL(res.redirectUrl);
      const myRef = /ConfirmPayment\/(\d+)/.exec(url.pathname)?.[1] ?? '';
      const p = await findPaymentByDisplayRef(w.s.store.db, 'paynow_zw', myRef);
      assert.ok(p);
      const v = new Visitor(w.s.url);
      const unknown = await v.get('/Payment/ConfirmPayment/999999999');
      const wrong = '0'.repeat(32);
      for (const path of [`/Payment/ConfirmPayment/${myRef}`, `/Payment/ConfirmPayment/${myRef}/${wrong}`, `/Payment/ConfirmPayment/${myRef}/owner@harare-hardware.test//`]) {
        const r = await v.get(path);
        assert.equal(r.status, unknown.status, `${path} answers like an unknown payment`);
        assert.equal(r.html, unknown.html, `${path} answers like an unknown payment`);
        assert.equal(r.location, null);
      }
      const pageUnknown = await v.get(`/pay/pay_${'0'.repeat(21)}?t=${wrong}`);
      // A visitor who has a CSRF cookie (from any other page) still cannot act without the capability.
      await v.get(`/pay/${p.id}?t=${p.checkoutToken}`);
      const before = await snapshot(w.s.store);
      for (const path of [`/pay/${p.id}`, `/pay/${p.id}?t=${wrong}`, `/pay/${p.id}/status`, `/pay/${p.id}?t=`]) {
        const r = await v.get(path);
        assert.equal(r.status, 404, path);
        assert.equal(r.html, pageUnknown.html, `${path} answers like an unknown payment`);
        assert.doesNotMatch(r.html, /Hidden tractor|99\.25/);
      }
      for (const path of [`/pay/${p.id}/cancel`, `/pay/${p.id}/cancel?t=${wrong}`, `/pay/${p.id}/pay?t=${wrong}`]) {
        const r = await v.post(path, { method: 'ecocash', phone: '0771111111' });
        assert.equal(r.status, 404, path);
        assert.doesNotMatch(r.html, /Hidden tractor|99\.25/);
      }
      assert.equal(await snapshot(w.s.store), before, 'nothing changed');
      assert.equal((await w.payment(p.id)).state, 'created');
    });

    test('the management API hands out the checkout URL with its capability', async () => {
      const id = await w.pay({ testCheckout: 'open' });
      const r = await w.api.get(`/api/payments/${id}`);
      const url = new URL(r.body.payment.checkoutUrl);
      assert.match(url.searchParams.get('t') ?? '', CAPABILITY);
      assert.equal((await new Visitor(w.s.url).get(url.pathname + url.search)).status, 200);
    });

    test('an address that scans references is throttled', async () => {
      const v = new Visitor(w.s.url);
      const statuses: number[] = [];
      for (let i = 0; i < 70; i++) statuses.push((await v.get(`/Payment/ConfirmPayment/${100000000 + i}`)).status);
      assert.equal(statuses[0], 404);
      assert.equal(statuses.at(-1), 429, 'the 70th lookup in a minute is refused');
    });
  });

  describe(`migration 0009 on ${kind}`, () => {
    test('a payment made before capabilities gets one', async () => {
      const store = openStore(await freshDatabase(kind));
      try {
        const to = await new Migrator({ db: store.db, provider: migrationProvider }).migrateTo('0006-request-log-batches');
        assert.equal(to.error, undefined);
        await sql`insert into merchants (id, email, email_key, password_hash, company_name, company_email, created_at, updated_at) values ('mer_old', 'a@b.test', 'k', 'h', 'Old', 'a@b.test', 1, 1)`.execute(store.db);
        await sql`insert into integrations (id, merchant_id, number, name, enabled_methods, mode, golive_state, created_at, updated_at) values ('int_old', 'mer_old', 1, 'Old', '[]', 'test', 'none', 1, 1)`.execute(store.db);
        for (const id of ['pay_old1', 'pay_old2']) {
          await sql`insert into payments (id, integration_id, merchant_id, mode, state, amount_minor, currency, version, created_at, updated_at) values (${id}, 'int_old', 'mer_old', 'test', 'created', 100, 'USD', 1, 1, 1)`.execute(store.db);
        }
        await migrateToLatest(store);
        const rows = await store.db.selectFrom('payments').select(['id', 'checkout_token']).orderBy('id').execute();
        assert.equal(rows.length, 2);
        for (const r of rows) assert.match(r.checkout_token ?? '', CAPABILITY);
        assert.notEqual(rows[0]?.checkout_token, rows[1]?.checkout_token);
      } finally {
        await store.close();
      }
    });
  });
}
