/**
 * Tollgate's own webhook is signed when each attempt is sent, per Standard Webhooks, with the
 * integration's own `whsec_` secret: a retry made 10 minutes after its event carries that moment's
 * timestamp (verifiers refuse anything older than 5 minutes), and a secret rotated without grace
 * signs the retries still queued. The verifier below is written from the spec
 * (https://www.standardwebhooks.com), not from our code.
 */
import type { IntegrationId } from '../../src/core/ids.js';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createIntegration, rotateIntegrationKeys } from '../../src/services/merchants/integrations.js';
import { testDatabases } from '../helpers/dbs.js';
import { type Receiver, type Received, startReceiver } from '../helpers/receiver.js';
import { advance, createPaymentOk, newMerchant, openShop, type Shop } from '../payments/fixture.js';

const MIN = 60_000;
const TOLERANCE_S = 5 * 60;

/** Standard Webhooks verification: signed content `${id}.${timestamp}.${body}`, HMAC-SHA256 keyed by the secret's base64 bytes after `whsec_`. */
function verifyStandardWebhook(secret: string, r: Received, nowMs: number): { ok: true } | { ok: false; why: string } {
  const id = r.headers['webhook-id'];
  const ts = r.headers['webhook-timestamp'];
  const sigs = r.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigs !== 'string') return { ok: false, why: 'missing headers' };
  const timestamp = Number(ts);
  if (!Number.isInteger(timestamp)) return { ok: false, why: 'bad timestamp' };
  if (Math.abs(nowMs / 1000 - timestamp) > TOLERANCE_S) return { ok: false, why: `timestamp ${Math.round(nowMs / 1000 - timestamp)} s off` };
  assert.match(secret, /^whsec_/);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest();
  for (const part of sigs.split(' ')) {
    const [version, value] = part.split(',');
    if (version !== 'v1' || !value) continue;
    const got = Buffer.from(value, 'base64');
    if (got.length === expected.length && timingSafeEqual(got, expected)) return { ok: true };
  }
  return { ok: false, why: 'no matching v1 signature' };
}

for (const kind of testDatabases()) {
  describe(`Tollgate webhook signed at send time on ${kind}`, () => {
    let shop: Shop;
    let rx: Receiver;
    let integrationId: IntegrationId;
    let secret: string;

    before(async () => {
      rx = await startReceiver('/signed');
      shop = await openShop(kind);
      const created = await createIntegration(shop.s.app.deps, shop.merchantId, { name: 'Signed', notificationUrl: rx.url }, { kind: 'system', id: null });
      integrationId = created.integration.id;
      secret = created.credentials.tollgate.webhookSecret!;
    });
    after(async () => {
      await shop.s.stop();
      await rx.close();
    });

    test('a new integration has its own whsec_ secret, not a Paynow.pl key', async () => {
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
      assert.equal(Buffer.from(secret.slice(6), 'base64').length, 24);
      const other = await newMerchant(shop.s.app.deps, shop.s.url);
      const again = await createIntegration(shop.s.app.deps, other.merchantId, { name: 'Another' }, { kind: 'system', id: null });
      assert.notEqual(again.credentials.tollgate.webhookSecret, secret);
    });

    test('a retry 10 minutes after its event verifies with a Standard Webhooks verifier', async () => {
      rx.status = 500;
      const p = await createPaymentOk(shop.api, integrationId, { amount: 500, currency: 'USD' });
      const eventAt = shop.s.clock.now();
      await shop.s.app.worker.drain();
      assert.equal(rx.received.length, 1);
      assert.deepEqual(verifyStandardWebhook(secret, rx.received[0]!, shop.s.clock.now()), { ok: true }, 'the first attempt verifies');
      // Seed 001: retries 1, 1, 1, 2 min after each other, then 5 min later: at +10 min.
      for (const gap of [MIN, MIN, MIN, 2 * MIN]) await advance(shop.s, gap);
      rx.status = 200;
      await advance(shop.s, 5 * MIN);
      const last = rx.received.at(-1)!;
      assert.equal(rx.received.length, 6);
      assert.equal(JSON.parse(last.body).payment.id, p.id);
      assert.equal(shop.s.clock.now() - eventAt, 10 * MIN);
      assert.equal(Number(last.headers['webhook-timestamp']), Math.floor(shop.s.clock.now() / 1000), 'the timestamp is the attempt\u2019s');
      assert.deepEqual(verifyStandardWebhook(secret, last, shop.s.clock.now()), { ok: true });
      assert.equal(last.body, rx.received[0]!.body, 'every attempt sends the same body bytes');
    });

    test('a secret rotated without grace signs the retries already queued', async () => {
      rx.status = 500;
      const before = rx.received.length;
      await createPaymentOk(shop.api, integrationId, { amount: 600, currency: 'USD' });
      await shop.s.app.worker.drain();
      assert.equal(rx.received.length, before + 1);
      const rotated = await rotateIntegrationKeys(shop.s.app.deps, shop.merchantId, integrationId, { groups: ['tollgate-webhook'], graceSeconds: 0 }, { kind: 'system', id: null });
      const fresh = rotated.credentials.tollgate.webhookSecret!;
      assert.notEqual(fresh, secret);
      rx.status = 200;
      await advance(shop.s, MIN);
      const retry = rx.received.at(-1)!;
      assert.equal(rx.received.length, before + 2);
      assert.deepEqual(verifyStandardWebhook(fresh, retry, shop.s.clock.now()), { ok: true }, 'the retry is signed with the new secret');
      assert.equal(verifyStandardWebhook(secret, retry, shop.s.clock.now()).ok, false, 'the old secret no longer signs');
      secret = fresh;
    });

    test('the tollgate-webhook group is rotated through the management API', async () => {
      const r = await shop.api.post(`/api/integrations/${integrationId}/rotate-keys`, { groups: ['tollgate-webhook'] });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.rotated, ['tollgate-webhook']);
      rx.status = 200;
      const before = rx.received.length;
      await createPaymentOk(shop.api, integrationId, { amount: 700, currency: 'USD' });
      await shop.s.app.worker.drain();
      assert.equal(rx.received.length, before + 1);
      assert.equal(verifyStandardWebhook(secret, rx.received.at(-1)!, shop.s.clock.now()).ok, false, 'signed with the rotated secret, not the one before');
    });
  });
}
