import { asId } from '../../../src/core/ids.js';
/**
 * Our own re-creation, from the spec (§9, conformance harness 1), of the checks in the official
 * Postman v3 collection, run in the collection's order against the real server with the public
 * sandbox keys. The requests carry what Postman sends: pretty-printed raw bodies with amounts as
 * strings, a UUID Idempotency-Key per request, and a signature from the collection's own signer
 * (`utils.signature`: headers sorted by name, query parameters sorted by name as one-value arrays,
 * the raw body), written here independently of the suites' shared signer.
 */
import assert from 'node:assert/strict';
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { completeTestPayment } from '../../../src/services/sandbox/controls.js';
import { testDatabases } from '../../helpers/dbs.js';
import { addShop, advance, openShop, PUBLIC_STANDARD, PUBLIC_WHITE_LABEL, rawRequest, type Shop, storedPayment, type WireReply } from './harness.js';

interface KeyValue {
  key: string;
  value: string;
}

/** The collection's utils.signature(body, headers, queryParams, sigKey). */
function postmanSignature(body: string | null, headers: KeyValue[], queryParams: KeyValue[], sigKey: string): string {
  const sortedHeaders = [...headers].sort((a, b) => a.key.localeCompare(b.key));
  const sortedQuery = [...queryParams].sort((a, b) => a.key.localeCompare(b.key));
  const keyValueHeaders: Record<string, string> = {};
  for (const h of sortedHeaders) keyValueHeaders[h.key] = h.value;
  const keyValueQuery: Record<string, string[]> = {};
  for (const q of sortedQuery) keyValueQuery[q.key] = [q.value];
  const payload = JSON.stringify({ headers: keyValueHeaders, parameters: keyValueQuery, body: body ?? {} });
  return createHmac('sha256', sigKey).update(payload).digest('base64');
}

/** One collection request: the Api-Key header it defines, an Idempotency-Key added by the pre-request script, then the signature. */
async function postmanRequest(base: string, method: string, path: string, apiKey: string, sigKey: string, body?: string): Promise<WireReply> {
  const defined: KeyValue[] = [
    { key: 'Api-Key', value: apiKey },
    { key: 'Idempotency-Key', value: randomUUID() },
  ];
  const query = [...new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '')].map(([key, value]) => ({ key, value }));
  const signature = postmanSignature(body ?? '', defined, query, sigKey);
  const headers: Array<[string, string]> = [...defined.map((h) => [h.key, h.value] as [string, string]), ['Signature', signature]];
  if (body !== undefined) headers.push(['Content-Type', 'application/json']);
  headers.push(['User-Agent', 'PostmanRuntime/7.39.0'], ['Accept', '*/*'], ['Cache-Control', 'no-cache'], ['Postman-Token', randomUUID()], ['Accept-Encoding', 'gzip, deflate, br']);
  return rawRequest(base, method, path, headers, body);
}

/** pm.response.to.have.status(n); .to.be.withBody; .to.be.json */
function correctResponse(r: WireReply, status: number): void {
  assert.equal(r.status, status, r.text);
  assert.ok(r.text.length > 0, 'withBody');
  assert.match(String(r.headers['content-type']), /json/);
  assert.doesNotThrow(() => JSON.parse(r.text));
}

test("the collection's signer agrees with seed 001's vector (a)", () => {
  const headers = [
    { key: 'Idempotency-Key', value: 'd243fdb3-c287-484a-bb9c-58536f2794c1' },
    { key: 'Api-Key', value: PUBLIC_STANDARD.apiKey },
  ];
  assert.equal(postmanSignature('', headers, [], PUBLIC_STANDARD.signatureKey), 'fXwLZRwo0WiGll90PPl5oULX9VKA0gpFA/3+E+NRp5E=');
});

for (const kind of testDatabases()) {
  describe(`Paynow.pl: the Postman v3 collection's checks on ${kind}`, () => {
    let standard: Shop;
    let whiteLabel: Shop;
    let base: string;
    const v: { paymentId?: string; redirectUrl?: string; accessToken?: string; whiteLabelPaymentId?: string; refundId?: string } = {};
    const std = (method: string, path: string, body?: string) => postmanRequest(base, method, path, PUBLIC_STANDARD.apiKey, PUBLIC_STANDARD.signatureKey, body);
    const wl = (method: string, path: string, body?: string) => postmanRequest(base, method, path, PUBLIC_WHITE_LABEL.apiKey, PUBLIC_WHITE_LABEL.signatureKey, body);
    const paymentBody = () => `{\n    "amount": "${randomInt(200, 500_001)}",\n    "externalId": "${randomUUID()}",\n    "description": "Payment description",\n    "buyer": {\n        "email": "jan.kowalski@melements.pl"\n    }\n}`;

    before(async () => {
      // The environment file's two key pairs: the standard integration and the White Label one.
      standard = await openShop(kind, { credentials: { 'paynow_pl.sandbox.api_key': PUBLIC_STANDARD.apiKey, 'paynow_pl.sandbox.signature_key': PUBLIC_STANDARD.signatureKey } });
      whiteLabel = await addShop(standard.s, { credentials: { 'paynow_pl.sandbox.api_key': PUBLIC_WHITE_LABEL.apiKey, 'paynow_pl.sandbox.signature_key': PUBLIC_WHITE_LABEL.signatureKey } });
      base = standard.s.url;
    });
    after(() => standard?.s.stop());

    test('Payment request: 201 with redirectUrl, paymentId and status', async () => {
      const r = await std('POST', '/v3/payments', paymentBody());
      correctResponse(r, 201);
      assert.notEqual(r.json.redirectUrl ?? null, null);
      assert.notEqual(r.json.paymentId ?? null, null);
      assert.notEqual(r.json.status ?? null, null);
      v.redirectUrl = r.json.redirectUrl;
      v.paymentId = r.json.paymentId;
      v.accessToken = r.json.redirectUrl.split('?token=')[1];
      assert.ok(v.accessToken && v.accessToken.length > 0);
    });

    test('Payment status: 200 NEW', async () => {
      const r = await std('GET', `/v3/payments/${v.paymentId}/status`);
      correctResponse(r, 200);
      assert.notEqual(r.json.paymentId ?? null, null);
      assert.deepEqual(r.json.status, 'NEW');
    });

    test('Payment methods: 200, BLIK, PBL, CARD at 0, 1, 2 and mTransfer (1000, ENABLED) first among PBL', async () => {
      const r = await std('GET', '/v3/payments/paymentmethods');
      correctResponse(r, 200);
      assert.deepEqual(r.json[0].type, 'BLIK');
      assert.deepEqual(r.json[1].type, 'PBL');
      assert.deepEqual(r.json[2].type, 'CARD');
      assert.deepEqual(r.json[1].paymentMethods[0].id, 1000);
      assert.deepEqual(r.json[1].paymentMethods[0].status, 'ENABLED');
    });

    test('Payment request [WHITELABEL]: paymentMethodId "2007" and amount as strings, 201 with redirectUrl strictly null, PENDING', async () => {
      const body = `{\n    "amount": "${randomInt(200, 500_001)}",\n    "externalId": "${randomUUID()}",\n    "paymentMethodId": "2007",\n    "authorizationCode": "111111",\n    "description": "Payment description",\n    "buyer": {\n        "email": "jan.kowalski@melements.pl"\n    }\n}`;
      const r = await wl('POST', '/v3/payments', body);
      correctResponse(r, 201);
      assert.ok('redirectUrl' in r.json, 'redirectUrl is present');
      assert.equal(r.json.redirectUrl, null);
      assert.notEqual(r.json.paymentId ?? null, null);
      assert.equal(r.json.status, 'PENDING');
      v.whiteLabelPaymentId = r.json.paymentId;
      const row = await storedPayment(standard.s, r.json.paymentId);
      assert.equal(row?.integration_id, whiteLabel.integrationId);
    });

    test('Payment status [WHITELABEL]: CONFIRMED on a following request', async () => {
      await advance(standard.s, 600);
      const r = await wl('GET', `/v3/payments/${v.whiteLabelPaymentId}/status`);
      correctResponse(r, 200);
      assert.notEqual(r.json.paymentId ?? null, null);
      assert.deepEqual(r.json.status, 'CONFIRMED');
    });

    test('Data processing notices [WHITELABEL]: 200', async () => {
      const r = await wl('GET', '/v3/payments/dataprocessing/notices?locale=pl-PL');
      correctResponse(r, 200);
      assert.equal(r.json[0].locale, 'pl-PL');
    });

    test('Refund request (once the payment is CONFIRMED): 201 with refundId and status', async () => {
      // The collection refunds its still-NEW payment; a refund needs a CONFIRMED one, so the sandbox controls confirm it first.
      const row = await storedPayment(standard.s, v.paymentId ?? '');
      await completeTestPayment(standard.s.app.deps, standard.merchantId, asId('payment', row?.id ?? ''), 'paid');
      const r = await std('POST', `/v3/payments/${v.paymentId}/refunds`, '{\n    "amount": 100\n}');
      correctResponse(r, 201);
      assert.notEqual(r.json.refundId ?? null, null);
      assert.notEqual(r.json.status ?? null, null);
      v.refundId = r.json.refundId;
    });

    test('Refund status: 200 PENDING after a second', async () => {
      await advance(standard.s, 1_000);
      const r = await std('GET', `/v3/refunds/${v.refundId}/status`);
      correctResponse(r, 200);
      assert.notEqual(r.json.refundId ?? null, null);
      assert.deepEqual(r.json.status, 'PENDING');
    });

    test('Cancel refund (a NEW one): 200 with a JSON body', async () => {
      const made = await std('POST', `/v3/payments/${v.paymentId}/refunds`, '{\n    "amount": 100\n}');
      correctResponse(made, 201);
      assert.equal(made.json.status, 'NEW');
      const r = await std('POST', `/v3/refunds/${made.json.refundId}/cancel`);
      correctResponse(r, 200);
      assert.deepEqual(r.json, { refundId: made.json.refundId, status: 'CANCELLED' });
      const st = await std('GET', `/v3/refunds/${made.json.refundId}/status`);
      assert.equal(st.json.status, 'CANCELLED');
    });

    test('Shop URLs: 204 with no body', async () => {
      const r = await std('PATCH', '/v3/configuration/shop/urls', '{\n    "notificationUrl": "https://shop.example/notify",\n    "continueUrl": "https://shop.example/return"\n}');
      assert.equal(r.status, 204);
      assert.equal(r.text, '');
    });
  });
}
