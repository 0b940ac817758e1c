/**
 * Who may call and how it is proved, over HTTP: v3 signatures with parameters in query order or
 * sorted, seed 001's vectors (a), (h), (i) sent as they are, v1/v2 body-only signatures and unsigned
 * GETs; and the two environments: sandbox keys act on test payments only, production keys are refused
 * until the integration is live, and neither environment sees the other's payments.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../../helpers/dbs.js';
import {
  addShop,
  assertError,
  blikBody,
  dbState,
  goLive,
  hmacBase64,
  openShop,
  PlClient,
  PUBLIC_STANDARD,
  PUBLIC_WHITE_LABEL,
  paymentBody,
  rawRequest,
  type Shop,
  storedPayment,
  v3Signature,
} from './harness.js';

const VECTOR_H_BODY = '{\n    "amount": "45671",\n    "externalId": "abc",\n    "description": "Payment description",\n    "buyer": {\n        "email": "jan.kowalski@melements.pl"\n    }\n}';
const notFound = (id: string) => `Could not find status for payment {paymentId=${id}}`;

for (const kind of testDatabases()) {
  describe(`Paynow.pl signatures over HTTP on ${kind}`, () => {
    let shop: Shop;
    let wlShop: Shop;
    before(async () => {
      shop = await openShop(kind, { credentials: { 'paynow_pl.sandbox.api_key': PUBLIC_STANDARD.apiKey, 'paynow_pl.sandbox.signature_key': PUBLIC_STANDARD.signatureKey } });
      wlShop = await addShop(shop.s, { credentials: { 'paynow_pl.sandbox.api_key': PUBLIC_WHITE_LABEL.apiKey, 'paynow_pl.sandbox.signature_key': PUBLIC_WHITE_LABEL.signatureKey } });
    });
    after(() => shop?.s.stop());

    test('query parameters signed in query order and sorted by name are both accepted; any other order is not', async () => {
      const path = '/v3/payments/paymentmethods?currency=PLN&applePayEnabled=1&amount=1000';
      const inOrder = await shop.pl.v3('GET', path, '', { order: 'query' });
      assert.equal(inOrder.status, 200, inOrder.text);
      const sorted = await shop.pl.v3('GET', path, '', { order: 'sorted' });
      assert.equal(sorted.status, 200, sorted.text);
      assert.deepEqual(sorted.json, inOrder.json);
      const idem = 'order-check';
      const shuffled = v3Signature(PUBLIC_STANDARD.signatureKey, PUBLIC_STANDARD.apiKey, idem, [['amount', '1000'], ['currency', 'PLN'], ['applePayEnabled', '1']], '');
      assertError(await shop.pl.v3('GET', path, '', { idem, signature: shuffled }), 401, 'VERIFICATION_FAILED', 'Your signature header is incorrect');
    });

    test('vector (a): the documentation example, Idempotency-Key d243fdb3-…, is accepted as it is', async () => {
      const r = await shop.pl.v3('GET', '/v3/payments/paymentmethods', '', { idem: 'd243fdb3-c287-484a-bb9c-58536f2794c1', signature: 'fXwLZRwo0WiGll90PPl5oULX9VKA0gpFA/3+E+NRp5E=' });
      assert.equal(r.status, 200, r.text);
    });

    test('vector (i): the White Label keys, empty GET', async () => {
      const r = await wlShop.pl.v3('GET', '/v3/payments/paymentmethods', '', { idem: 'd243fdb3-c287-484a-bb9c-58536f2794c1', signature: 'CDFHPwVthNLTtnd+1+UjSgeS4G5JKfdDT2NPnjz2yyA=' });
      assert.equal(r.status, 200, r.text);
      // The same signature under the other integration's Api-Key is someone else's: refused.
      assertError(await shop.pl.v3('GET', '/v3/payments/paymentmethods', '', { idem: 'd243fdb3-c287-484a-bb9c-58536f2794c1', signature: 'CDFHPwVthNLTtnd+1+UjSgeS4G5JKfdDT2NPnjz2yyA=' }), 401, 'VERIFICATION_FAILED', 'Your signature header is incorrect');
    });

    test('vector (h): a Postman pretty-printed body is accepted byte for byte; the same data compacted under that signature is not', async () => {
      assert.equal(v3Signature(PUBLIC_STANDARD.signatureKey, PUBLIC_STANDARD.apiKey, 'test-key', [], VECTOR_H_BODY), 'e8GPPYMyoRWbr7I5oTqYT2X8QPN3+Hbjxh2JDYYAeEE=');
      const compact = JSON.stringify(JSON.parse(VECTOR_H_BODY));
      const before = await dbState(shop.s);
      assertError(await shop.pl.v3('POST', '/v3/payments', compact, { idem: 'test-key', signature: 'e8GPPYMyoRWbr7I5oTqYT2X8QPN3+Hbjxh2JDYYAeEE=' }), 401, 'VERIFICATION_FAILED', 'Your signature header is incorrect');
      assert.equal(await dbState(shop.s), before);
      const r = await shop.pl.v3('POST', '/v3/payments', VECTOR_H_BODY, { idem: 'test-key', signature: 'e8GPPYMyoRWbr7I5oTqYT2X8QPN3+Hbjxh2JDYYAeEE=' });
      assert.equal(r.status, 201, r.text);
      const row = await storedPayment(shop.s, r.json.paymentId);
      assert.equal(Number(row?.amount_minor), 45671);
      assert.equal(row?.reference, 'abc');
      assert.equal(row?.customer_email, 'jan.kowalski@melements.pl');
    });

    test('header names are matched case-insensitively; the signature still uses the canonical names', async () => {
      const idem = 'lower-case-headers';
      const r = await rawRequest(shop.s.url, 'GET', '/v3/payments/paymentmethods', [
        ['api-key', PUBLIC_STANDARD.apiKey],
        ['idempotency-key', idem],
        ['signature', v3Signature(PUBLIC_STANDARD.signatureKey, PUBLIC_STANDARD.apiKey, idem, [], '')],
      ]);
      assert.equal(r.status, 200, r.text);
    });

    test('v1: POST /v1/payments signed with the HMAC of the raw body; v1 status and v2 methods GETs unsigned', async () => {
      const body = JSON.stringify(paymentBody({ description: 'Zamówienie v1' }));
      const created = await shop.pl.v1('POST', '/v1/payments', body);
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(Object.keys(created.json), ['redirectUrl', 'paymentId', 'status']);
      assert.equal(created.json.status, 'NEW');
      assert.equal(created.json.signature, undefined);
      const st = await shop.pl.v1('GET', `/v1/payments/${created.json.paymentId}/status`);
      assert.equal(st.status, 200, st.text);
      assert.deepEqual(st.json, { paymentId: created.json.paymentId, status: 'NEW' });
      const methods = await shop.pl.v1('GET', '/v2/payments/paymentmethods');
      assert.equal(methods.status, 200, methods.text);
      assert.deepEqual(
        methods.json.map((g: { type: string }) => g.type),
        ['BLIK', 'PBL', 'CARD'],
      );
      const filtered = await shop.pl.v1('GET', '/v2/payments/paymentmethods?amount=1000&currency=PLN');
      assert.equal(filtered.status, 200, filtered.text);
      // OMNIPAY also sends a Signature on its v1 GET: ignored.
      const omnipay = await rawRequest(shop.s.url, 'GET', '/v2/payments/paymentmethods', [['Api-Key', PUBLIC_STANDARD.apiKey], ['Signature', hmacBase64(PUBLIC_STANDARD.signatureKey, '[]')]]);
      assert.equal(omnipay.status, 200, omnipay.text);
    });

    test('v1 refuses a body without its signature, with a v3-style one, or with an unknown Api-Key; v3 refuses a body-only signature', async () => {
      const body = JSON.stringify(paymentBody());
      const before = await dbState(shop.s);
      const unsigned = await rawRequest(shop.s.url, 'POST', '/v1/payments', [['Api-Key', PUBLIC_STANDARD.apiKey], ['Content-Type', 'application/json']], body);
      assertError(unsigned, 401, 'VERIFICATION_FAILED', 'Your signature header is incorrect');
      const v3Style = v3Signature(PUBLIC_STANDARD.signatureKey, PUBLIC_STANDARD.apiKey, 'k', [], body);
      assertError(await shop.pl.v1('POST', '/v1/payments', body, { signature: v3Style }), 401, 'VERIFICATION_FAILED', 'Your signature header is incorrect');
      const stranger = new PlClient(shop.s.url, '3c7a3a4e-0000-4000-8000-000000000000', PUBLIC_STANDARD.signatureKey);
      assertError(await stranger.v1('POST', '/v1/payments', body), 401, 'UNAUTHORIZED', 'Unauthorized, invalid or missing credentials');
      assertError(await stranger.v1('GET', '/v2/payments/paymentmethods'), 401, 'UNAUTHORIZED', 'Unauthorized, invalid or missing credentials');
      assertError(await shop.pl.v3('POST', '/v3/payments', body, { signature: hmacBase64(PUBLIC_STANDARD.signatureKey, body) }), 401, 'VERIFICATION_FAILED', 'Your signature header is incorrect');
      assert.equal(await dbState(shop.s), before);
    });
  });

  describe(`Paynow.pl sandbox and production keys on ${kind}`, () => {
    let shop: Shop;
    let other: Shop;
    let live: PlClient;
    let testPaymentId: string;
    let livePaymentId: string;
    const unauthorized = 'Unauthorized, invalid or missing credentials';

    before(async () => {
      shop = await openShop(kind);
      other = await addShop(shop.s);
    });
    after(() => shop?.s.stop());

    test('sandbox keys create test payments only', async () => {
      const p = await shop.pl.create(paymentBody());
      testPaymentId = p.paymentId;
      assert.equal((await storedPayment(shop.s, p.paymentId))?.mode, 'test');
    });

    test('production keys are refused until the integration is live, and change nothing', async () => {
      const prod = new PlClient(shop.s.url, shop.production.apiKey, shop.production.signatureKey);
      const before = await dbState(shop.s);
      assertError(await prod.v3('POST', '/v3/payments', JSON.stringify(paymentBody())), 401, 'UNAUTHORIZED', unauthorized);
      assertError(await prod.v3('GET', `/v3/payments/${testPaymentId}/status`), 401, 'UNAUTHORIZED', unauthorized);
      assertError(await prod.v3('GET', '/v3/payments/paymentmethods'), 401, 'UNAUTHORIZED', unauthorized);
      assertError(await prod.v1('POST', '/v1/payments', JSON.stringify(paymentBody())), 401, 'UNAUTHORIZED', unauthorized);
      assert.equal(await dbState(shop.s), before);
    });

    test('once live (after a paid test payment and an approved request), the new production keys create live payments', async () => {
      const oldProduction = shop.production;
      const keys = await goLive(shop);
      assert.notEqual(keys.apiKey, oldProduction.apiKey);
      live = new PlClient(shop.s.url, keys.apiKey, keys.signatureKey);
      const p = await live.create(paymentBody());
      livePaymentId = p.paymentId;
      assert.equal(p.status, 'NEW');
      assert.equal((await storedPayment(shop.s, p.paymentId))?.mode, 'live');
      assert.equal(await live.status(p.paymentId), 'NEW');
      // The production keys a developer saw in test mode were renewed on going live.
      const stale = new PlClient(shop.s.url, oldProduction.apiKey, oldProduction.signatureKey);
      assertError(await stale.v3('POST', '/v3/payments', JSON.stringify(paymentBody())), 401, 'UNAUTHORIZED', unauthorized);
      // Sandbox keys keep creating test payments.
      const t = await shop.pl.create(paymentBody());
      assert.equal((await storedPayment(shop.s, t.paymentId))?.mode, 'test');
    });

    test('a sandbox key never reads a production payment, nor a production key a sandbox one (404)', async () => {
      assertError(await shop.pl.v3('GET', `/v3/payments/${livePaymentId}/status`), 404, 'NOT_FOUND', notFound(livePaymentId));
      assertError(await live.v3('GET', `/v3/payments/${testPaymentId}/status`), 404, 'NOT_FOUND', notFound(testPaymentId));
      assertError(await shop.pl.v1('GET', `/v1/payments/${livePaymentId}/status`), 404, 'NOT_FOUND', notFound(livePaymentId));
      // Nor another integration's payments.
      assertError(await other.pl.v3('GET', `/v3/payments/${testPaymentId}/status`), 404, 'NOT_FOUND', notFound(testPaymentId));
    });

    test('live White Label BLIK is refused (no live connector) and stores nothing', async () => {
      const before = await dbState(shop.s);
      const r = await live.v3('POST', '/v3/payments', JSON.stringify(blikBody('111111')));
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.errors[0].errorType, 'PAYMENT_METHOD_NOT_AVAILABLE');
      assert.equal(await dbState(shop.s), before);
    });
  });
}
