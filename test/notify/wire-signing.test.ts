import { asId } from '../../src/core/ids.js';
/**
 * Paynow Zimbabwe status updates and PayDunya IPNs carry their hash inside the form body; it is
 * computed when each attempt is sent, from the stored unsigned body, with the keys of that moment.
 * A key rotated without grace therefore signs the retries still queued, and the bytes receivers
 * verify stay those of the wire (hashes checked here from the specs: ZW §4, PayDunya §5). A delivery
 * stored signed by an older release (`signing` null) is sent exactly as it was stored.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { statusMessage } from '../../src/dialects/paynow-zw/notify.js';
import { rotateIntegrationKeys } from '../../src/services/merchants/integrations.js';
import { scheduleJobs } from '../../src/services/jobs.js';
import { paymentByPublicId } from '../../src/services/payments/queries.js';
import { completeTestPayment } from '../../src/services/sandbox/controls.js';
import { insertDeliveries } from '../../src/store/repos/deliveries.js';
import { testDatabases } from '../helpers/dbs.js';
import { type Receiver, type Received, startReceiver } from '../helpers/receiver.js';
import { type AnyShop, openAnyShop, pdHeaders, zwInitiate, zwParse } from '../dialects/shared/shop.js';

const sha512 = (text: string) => createHash('sha512').update(text, 'utf8').digest('hex');

/** Spec §4: SHA-512 over the values in order, `hash` excluded, then the key; upper-case hex. */
function zwHashValid(body: string, key: string): boolean {
  const pairs = [...zwParse(body)];
  const values = pairs.filter(([k]) => k !== 'hash').map(([, v]) => v).join('');
  return pairs.find(([k]) => k === 'hash')?.[1] === sha512(values + key.toLowerCase()).toUpperCase();
}

for (const kind of testDatabases()) {
  describe(`form-body hashes signed at send time on ${kind}`, () => {
    let shop: AnyShop;
    let rx: Receiver;
    const system = { kind: 'system', id: null } as const;
    const rotate = async (group: 'paynow-zw' | 'paydunya-master') =>
      (await rotateIntegrationKeys(shop.s.app.deps, shop.merchantId, shop.integrationId, { groups: [group], graceSeconds: 0 }, system)).credentials;
    const advance = async (ms: number) => {
      shop.s.clock.advance(ms);
      await shop.s.app.worker.drain();
    };
    const at = (path: string): Received[] => rx.received.filter((r) => r.url.startsWith(path));

    before(async () => {
      [shop, rx] = await Promise.all([openAnyShop(kind), startReceiver('/any')]);
    });
    after(async () => {
      await shop?.stop();
      await rx?.close();
    });

    test('Paynow Zimbabwe: a retry after a rotation without grace is hashed with the new key; the first attempt is the wire’s exact bytes', async () => {
      rx.status = 500;
      const reference = `SIG-${kind}`;
      const r = await fetch(`${shop.s.url}/interface/initiatetransaction`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: zwInitiate(shop, { resulturl: `${rx.url.replace(/\/any$/, '')}/zw`, reference }),
      });
      assert.equal(zwParse(await r.text()).get('status'), 'Ok');
      const row = await shop.s.store.db.selectFrom('payments').select('id').where('reference', '=', reference).executeTakeFirstOrThrow();
      await completeTestPayment(shop.s.app.deps, shop.merchantId, asId('payment', row.id), 'paid');
      await shop.s.app.worker.drain();
      assert.equal(at('/zw').length, 1);
      const first = at('/zw')[0]!;
      const paid = await shop.s.store.db.selectFrom('payments').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      const payment = (await paymentByPublicId(shop.s.app.deps, paid.public_id ?? ''))!;
      assert.equal(first.body, statusMessage(payment, shop.zw.key), 'the bytes the poll answer would carry');
      assert.ok(zwHashValid(first.body, shop.zw.key));

      const fresh = await rotate('paynow-zw');
      rx.status = 200;
      await advance(30_000); // the second attempt of ZW_RETRY_DELAYS_MS
      assert.equal(at('/zw').length, 2);
      const retry = at('/zw')[1]!;
      assert.ok(zwHashValid(retry.body, fresh.paynowZw.integrationKey), 'hashed with the key of the moment it was sent');
      assert.equal(zwHashValid(retry.body, shop.zw.key), false);
      assert.equal(retry.body.replace(/&hash=[0-9A-F]{128}$/, ''), first.body.replace(/&hash=[0-9A-F]{128}$/, ''), 'the same fields in the same order');

      // A row stored signed before sign-at-send (signing null) goes as it was stored, old hash and all.
      const stored = statusMessage(payment, shop.zw.key);
      const id = shop.s.app.deps.ids.next('delivery');
      const now = shop.s.clock.now();
      await shop.s.store.transaction(async (tx) => {
        const d = { id, payment_id: payment.id, integration_id: shop.integrationId, merchant_id: shop.merchantId, dialect: 'paynow_zw', event_version: 99 };
        await insertDeliveries(tx, [{ ...d, url: `${rx.url.replace(/\/any$/, '')}/zw?old`, headers: JSON.stringify({ 'content-type': 'application/x-www-form-urlencoded' }), body: stored, signing: null, status: 'pending', attempts: 0, max_attempts: 11, created_at: now, delivered_at: null, next_attempt_at: now }]);
        await scheduleJobs(tx, shop.s.app.deps.ids, [{ kind: 'deliver', payload: { deliveryId: id }, runAt: now, integrationId: null }], now);
      });
      await shop.s.app.worker.drain();
      const old = at('/zw?old');
      assert.equal(old.length, 1);
      assert.equal(old[0]!.body, stored, 'byte for byte');
      const status = await shop.s.store.db.selectFrom('deliveries').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(status.status, 'delivered');
    });

    test('PayDunya: an IPN retried after the master key is rotated without grace carries the new key’s hash', async () => {
      rx.status = 500;
      const callback = `${rx.url.replace(/\/any$/, '')}/pd`;
      const r = await fetch(`${shop.s.url}/sandbox-api/v1/checkout-invoice/create`, {
        method: 'POST',
        headers: pdHeaders(shop),
        body: JSON.stringify({ invoice: { total_amount: 5000, description: 'Signed' }, store: { name: 'Shop' }, actions: { callback_url: callback } }),
      });
      const token = ((await r.json()) as { token: string }).token;
      const payment = (await paymentByPublicId(shop.s.app.deps, token))!;
      await completeTestPayment(shop.s.app.deps, shop.merchantId, payment.id, 'paid');
      await shop.s.app.worker.drain();
      assert.equal(at('/pd').length, 1);
      const first = at('/pd')[0]!;
      assert.ok(first.body.includes(`&data%5Bhash%5D=${sha512(shop.pd.masterKey)}&`), 'data[hash] in its place, percent-encoded as PHP sends it');

      const fresh = await rotate('paydunya-master');
      rx.status = 200;
      await advance(60_000);
      assert.equal(at('/pd').length, 2);
      const retry = new URLSearchParams(at('/pd')[1]!.body);
      assert.equal(retry.get('data[hash]'), sha512(fresh.paydunya.masterKey), 'the new master key’s hash');
      assert.equal(at('/pd')[1]!.body, first.body.replace(sha512(shop.pd.masterKey), sha512(fresh.paydunya.masterKey)), 'otherwise the same bytes');
    });
  });
}
