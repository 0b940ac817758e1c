/**
 * Notifications as seed 001 describes them, received by a local receiver and checked by code written
 * from the seed: `Signature` = base64 HMAC-SHA256 of the exact body bytes under the Signature-Key; body
 * {paymentId, externalId, status, modifiedAt (yyyy-MM-ddTHH:mm:ss)}; one per status change, none for
 * refunds; 200 or 202 is delivered, anything else is retried (at once, then 1 min, 1 min, 1 min, 2 min…).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../../helpers/dbs.js';
import { type Received, type Receiver, startReceiver } from '../../helpers/receiver.js';
import { addShop, advance, blikBody, goLive, openShop, PlClient, paymentBody, type Shop } from './harness.js';

const MIN = 60_000;

/** What a shop does with a notification (seed 001): verify the signature over the raw bytes, then read it. */
function verified(r: Received, signatureKey: string): { paymentId: string; externalId: string; status: string; modifiedAt: string } {
  const expected = createHmac('sha256', signatureKey).update(Buffer.from(r.body, 'utf8')).digest('base64');
  assert.equal(r.headers.signature, expected, 'Signature header');
  assert.equal(r.method, 'POST');
  assert.match(String(r.headers['content-type']), /^application\/json/);
  const body = JSON.parse(r.body);
  assert.deepEqual(Object.keys(body), ['paymentId', 'externalId', 'status', 'modifiedAt']);
  assert.match(body.modifiedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  return body;
}

/** Decided in src (spec UNCERTAIN): modifiedAt is Warsaw local time of the change. */
function warsaw(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

for (const kind of testDatabases()) {
  describe(`Paynow.pl notifications on ${kind}`, () => {
    let shop: Shop;
    let rx: Receiver;
    let rx2: Receiver;
    let seen = 0;

    /** Runs the worker and returns what arrived since the last call. */
    const next = async (ms = 0): Promise<Received[]> => {
      await advance(shop.s, ms);
      const got = rx.received.slice(seen);
      seen = rx.received.length;
      return got;
    };
    const statusesOf = (got: Received[], paymentId: string) =>
      got
        .map((r) => verified(r, shop.sandbox.signatureKey))
        .filter((b) => b.paymentId === paymentId)
        .map((b) => b.status);

    before(async () => {
      [rx, rx2] = await Promise.all([startReceiver('/paynow/notify'), startReceiver('/other/notify')]);
      shop = await openShop(kind);
    });
    after(async () => {
      await shop?.s.stop();
      await rx?.close();
      await rx2?.close();
    });

    test('PATCH /v3/configuration/shop/urls sets where notifications go; a White Label 111111 sends NEW, PENDING, CONFIRMED, signed', async () => {
      // Before a notification URL is set, nothing is sent.
      const silent = await shop.pl.create(paymentBody());
      assert.deepEqual(await next(), []);
      const r = await shop.pl.v3('PATCH', '/v3/configuration/shop/urls', JSON.stringify({ continueUrl: 'https://sklep.example/return', notificationUrl: rx.url }));
      assert.equal(r.status, 204, r.text);
      const externalId = 'zamowienie-77/2024';
      const created = await shop.pl.create(blikBody('111111', { externalId }));
      const at = shop.s.clock.now();
      const first = await next();
      assert.deepEqual(statusesOf(first, created.paymentId).sort(), ['NEW', 'PENDING']);
      for (const n of first) {
        const b = verified(n, shop.sandbox.signatureKey);
        assert.equal(b.externalId, externalId);
        assert.equal(b.modifiedAt, warsaw(at));
        assert.equal(n.url, '/paynow/notify');
      }
      const confirmed = await next(600);
      assert.deepEqual(statusesOf(confirmed, created.paymentId), ['CONFIRMED']);
      assert.equal(verified(confirmed[0] as Received, shop.sandbox.signatureKey).modifiedAt, warsaw(shop.s.clock.now()));
      // The payment created before the URL was set stays silent.
      assert.equal(rx.received.some((n) => JSON.parse(n.body).paymentId === silent.paymentId), false);
    });

    test('a notification for every status change: 333336 NEW, PENDING, REJECTED; 444444 NEW then ERROR; an expiry EXPIRED', async () => {
      const rejected = await shop.pl.create(blikBody('333336'));
      const timeout = await shop.pl.create(blikBody('444444'));
      const expiring = await shop.pl.create(paymentBody({ validityTime: 60 }));
      const now = await next();
      assert.deepEqual(statusesOf(now, rejected.paymentId).sort(), ['NEW', 'PENDING']);
      assert.deepEqual(statusesOf(now, timeout.paymentId), ['NEW']);
      assert.deepEqual(statusesOf(now, expiring.paymentId), ['NEW']);
      const later = await next(600);
      assert.deepEqual(statusesOf(later, rejected.paymentId), ['REJECTED']);
      assert.deepEqual(later.length, 1);
      const error = await next(20_000);
      assert.deepEqual(statusesOf(error, timeout.paymentId), ['ERROR']);
      const expired = await next(40_000);
      assert.deepEqual(statusesOf(expired, expiring.paymentId), ['EXPIRED']);
      assert.deepEqual(await next(10 * MIN), []);
    });

    test('refunds send no notification', async () => {
      const p = await shop.pl.create(blikBody('111111', { amount: 2000 }));
      await next(600);
      const r = await shop.pl.v3('POST', `/v3/payments/${p.paymentId}/refunds`, '{"amount":2000,"reason":null}');
      assert.equal(r.status, 201, r.text);
      // NEW → PENDING → SUCCESSFUL, and the payment fully refunded: still nothing on the wire.
      assert.deepEqual(await next(1_000), []);
      assert.deepEqual(await next(2_000), []);
      assert.equal((await shop.pl.v3('GET', `/v3/refunds/${r.json.refundId}/status`)).json.status, 'SUCCESSFUL');
      assert.deepEqual(await next(MIN), []);
    });

    for (const status of [200, 202]) {
      test(`a receiver answering ${status} has it delivered: no retry`, async () => {
        rx.status = status;
        const p = await shop.pl.create(paymentBody());
        assert.deepEqual(statusesOf(await next(), p.paymentId), ['NEW']);
        assert.deepEqual(await next(MIN), []);
        assert.deepEqual(await next(60 * MIN), []);
        const d = await shop.s.store.db.selectFrom('deliveries').selectAll().where('body', 'like', `%${p.paymentId}%`).executeTakeFirstOrThrow();
        assert.equal(d.status, 'delivered');
        rx.status = 200;
      });
    }

    for (const status of [204, 500]) {
      test(`a receiver answering ${status} gets it again 1 min later, then 1 min after that, until it answers 200`, async () => {
        rx.status = status;
        const p = await shop.pl.create(paymentBody());
        const t0 = shop.s.clock.now();
        const first = await next();
        assert.deepEqual(statusesOf(first, p.paymentId), ['NEW']);
        assert.deepEqual(await next(MIN - 1_000), []);
        const second = await next(1_000);
        assert.deepEqual(statusesOf(second, p.paymentId), ['NEW']);
        // The very same bytes and signature each time.
        assert.equal(second[0]?.body, first[0]?.body);
        assert.equal(second[0]?.headers.signature, first[0]?.headers.signature);
        assert.deepEqual(await next(MIN - 1_000), []);
        assert.equal((await next(1_000)).length, 1);
        rx.status = 200;
        assert.equal((await next(MIN)).length, 1);
        assert.deepEqual(await next(60 * MIN), []);
        const d = await shop.s.store.db.selectFrom('deliveries').selectAll().where('body', 'like', `%${p.paymentId}%`).executeTakeFirstOrThrow();
        assert.equal(d.status, 'delivered');
        const attempts = await shop.s.store.db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', d.id).orderBy('attempt').execute();
        assert.deepEqual(
          attempts.map((a) => [Number(a.attempt), Number(a.attempted_at) - t0, a.status_code === null ? null : Number(a.status_code)]),
          [
            [1, 0, status],
            [2, MIN, status],
            [3, 2 * MIN, status],
            [4, 3 * MIN, 200],
          ],
        );
      });
    }

    test("the seed's schedule continues 2, 5, 15 and 30 min apart for a receiver that keeps failing", async () => {
      rx.status = 500;
      const p = await shop.pl.create(paymentBody());
      assert.equal((await next()).length, 1);
      for (const gap of [MIN, MIN, MIN, 2 * MIN, 5 * MIN, 15 * MIN, 30 * MIN]) {
        assert.deepEqual(await next(gap - 1_000), [], `nothing before ${gap / MIN} min`);
        assert.deepEqual(
          statusesOf(await next(1_000), p.paymentId),
          ['NEW'],
          `an attempt after ${gap / MIN} min`,
        );
      }
      rx.status = 200;
      assert.deepEqual(await next(60 * MIN - 1_000), []);
      assert.deepEqual(statusesOf(await next(1_000), p.paymentId), ['NEW']);
      assert.deepEqual(await next(48 * 60 * MIN), []);
    });

    test('an integration created with a notificationUrl notifies there, signed with its own key', async () => {
      const other = await addShop(shop.s, { notificationUrl: rx2.url });
      const p = await other.pl.create(paymentBody({ externalId: 'other-1' }));
      await next();
      assert.equal(rx2.received.length, 1);
      const b = verified(rx2.received[0] as Received, other.sandbox.signatureKey);
      assert.deepEqual({ paymentId: b.paymentId, externalId: b.externalId, status: b.status }, { paymentId: p.paymentId, externalId: 'other-1', status: 'NEW' });
      assert.notEqual(rx2.received[0]?.headers.signature, createHmac('sha256', shop.sandbox.signatureKey).update(rx2.received[0]?.body ?? '').digest('base64'));
    });

    test('live payments are notified signed with the production Signature-Key', async () => {
      const liveShop = await addShop(shop.s, { notificationUrl: rx2.url });
      const keys = await goLive(liveShop);
      const before = rx2.received.length;
      const live = new PlClient(shop.s.url, keys.apiKey, keys.signatureKey);
      const p = await live.create(paymentBody());
      await next();
      const got = rx2.received.slice(before).filter((r) => JSON.parse(r.body).paymentId === p.paymentId);
      assert.equal(got.length, 1);
      assert.equal(verified(got[0] as Received, keys.signatureKey).status, 'NEW');
    });
  });
}
