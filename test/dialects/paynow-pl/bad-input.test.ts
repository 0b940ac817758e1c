/**
 * Bad input: each refusal is exactly `{"statusCode":N,"errors":[{"errorType","message"}]}` with the
 * HTTP status N and changes nothing in the database (the test-mode request log aside). And the
 * leniency spec §2 asks for: nulls are absent, quantities may be fractional, integers may be strings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../../helpers/dbs.js';
import { assertError, dbState, openShop, PlClient, paymentBody, rawRequest, type Shop, storedPayment, v3Signature, type WireReply } from './harness.js';

const UNAUTHORIZED = ['UNAUTHORIZED', 'Unauthorized, invalid or missing credentials'] as const;
const BAD_SIGNATURE = ['VERIFICATION_FAILED', 'Your signature header is incorrect'] as const;

for (const kind of testDatabases()) {
  describe(`Paynow.pl bad input on ${kind}`, () => {
    let shop: Shop;
    let known: string;

    before(async () => {
      shop = await openShop(kind);
      known = (await shop.pl.create(paymentBody())).paymentId;
    });
    after(() => shop?.s.stop());

    /** The request is refused with exactly this body, and the database is as it was. */
    const refused = async (send: () => Promise<WireReply>, statusCode: number, errorType: string, message: string) => {
      const before = await dbState(shop.s);
      const r = await send();
      assertError(r, statusCode, errorType, message);
      assert.equal(await dbState(shop.s), before);
    };
    const create = (body: string) => () => shop.pl.v3('POST', '/v3/payments', body);
    const createWith = (extra: Record<string, unknown>, drop: string[] = []) => {
      const body = paymentBody(extra);
      for (const k of drop) delete body[k];
      return create(JSON.stringify(body));
    };
    const invalid = (field: string) => [400, 'VALIDATION_ERROR', `${field}: invalid field value`] as const;

    test('no Api-Key, or an unknown one: 401 UNAUTHORIZED', async () => {
      const body = JSON.stringify(paymentBody());
      await refused(() => shop.pl.v3('POST', '/v3/payments', body, { omit: ['Api-Key'] }), 401, ...UNAUTHORIZED);
      await refused(() => shop.pl.v3('GET', `/v3/payments/${known}/status`, '', { omit: ['Api-Key'] }), 401, ...UNAUTHORIZED);
      await refused(() => shop.pl.v3('POST', '/v3/payments', body, { apiKey: '' }), 401, ...UNAUTHORIZED);
      const stranger = new PlClient(shop.s.url, '0b6f1f9e-5f0c-4b8e-9c55-3d1e2a7a0c11', shop.sandbox.signatureKey);
      await refused(() => stranger.v3('POST', '/v3/payments', body), 401, ...UNAUTHORIZED);
      await refused(() => stranger.v3('GET', `/v3/payments/${known}/status`), 401, ...UNAUTHORIZED);
      // The Signature-Key is not an Api-Key.
      await refused(() => shop.pl.v3('GET', '/v3/payments/paymentmethods', '', { apiKey: shop.sandbox.signatureKey }), 401, ...UNAUTHORIZED);
    });

    test('no Signature, or a wrong one: 401 VERIFICATION_FAILED', async () => {
      const body = JSON.stringify(paymentBody());
      await refused(() => shop.pl.v3('POST', '/v3/payments', body, { omit: ['Signature'] }), 401, ...BAD_SIGNATURE);
      await refused(() => shop.pl.v3('POST', '/v3/payments', body, { signature: 'fXwLZRwo0WiGll90PPl5oULX9VKA0gpFA/3+E+NRp5E=' }), 401, ...BAD_SIGNATURE);
      await refused(() => shop.pl.v3('POST', '/v3/payments', body, { signatureKey: shop.production.signatureKey }), 401, ...BAD_SIGNATURE);
      await refused(() => shop.pl.v3('GET', `/v3/payments/${known}/status`, '', { omit: ['Signature'] }), 401, ...BAD_SIGNATURE);
      await refused(() => shop.pl.v3('GET', '/v3/payments/paymentmethods?amount=1000', '', { signature: 'not base64 at all' }), 401, ...BAD_SIGNATURE);
      // Signed for one Idempotency-Key, sent with another.
      const sig = v3Signature(shop.sandbox.signatureKey, shop.sandbox.apiKey, 'signed-key', [], body);
      await refused(() => shop.pl.v3('POST', '/v3/payments', body, { idem: 'sent-key', signature: sig }), 401, ...BAD_SIGNATURE);
    });

    test('no Idempotency-Key on v3: 400 VALIDATION_ERROR', async () => {
      const body = JSON.stringify(paymentBody());
      await refused(() => shop.pl.v3('POST', '/v3/payments', body, { omit: ['Idempotency-Key'] }), ...invalid('Idempotency-Key'));
      await refused(() => shop.pl.v3('GET', `/v3/payments/${known}/status`, '', { omit: ['Idempotency-Key'] }), ...invalid('Idempotency-Key'));
      await refused(() => shop.pl.v3('POST', '/v3/payments', body, { idem: '' }), ...invalid('Idempotency-Key'));
    });

    test('a reused Idempotency-Key with a different body', async () => {
      assert.equal((await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ externalId: 'first' })), { idem: 'reused' })).status, 201);
      await refused(() => shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ externalId: 'second' })), { idem: 'reused' }), 400, 'VALIDATION_ERROR', 'Idempotency-Key: already used for a different request');
    });

    test('a malformed paymentId is a VALIDATION_ERROR; an unknown well-formed one NOT_FOUND', async () => {
      await refused(() => shop.pl.v3('GET', '/v3/payments/abc/status'), ...invalid('paymentId'));
      await refused(() => shop.pl.v3('GET', '/v3/payments/NOLV-8F9-08K-WGDX/status'), ...invalid('paymentId'));
      await refused(() => shop.pl.v3('POST', '/v3/payments/abc/refunds', '{"amount":100}'), ...invalid('paymentId'));
      await refused(() => shop.pl.v3('GET', '/v3/payments/NOLV-8F9-08K-WGD/status'), 404, 'NOT_FOUND', 'Could not find status for payment {paymentId=NOLV-8F9-08K-WGD}');
      await refused(() => shop.pl.v3('POST', '/v3/payments/NOLV-8F9-08K-WGD/refunds', '{"amount":100}'), 404, 'NOT_FOUND', 'Could not find status for payment {paymentId=NOLV-8F9-08K-WGD}');
      await refused(() => shop.pl.v3('GET', '/v3/refunds/abc/status'), ...invalid('refundId'));
      await refused(() => shop.pl.v3('GET', '/v3/refunds/REFX-123-435-213/status'), 404, 'NOT_FOUND', 'Could not find status for refund {refundId=REFX-123-435-213}');
      await refused(() => shop.pl.v3('POST', '/v3/refunds/REFX-123-435-213/cancel'), 404, 'NOT_FOUND', 'Could not find status for refund {refundId=REFX-123-435-213}');
    });

    test('required fields missing, with dotted paths', async () => {
      await refused(createWith({}, ['externalId']), ...invalid('externalId'));
      await refused(createWith({}, ['description']), ...invalid('description'));
      await refused(createWith({}, ['buyer']), ...invalid('buyer'));
      await refused(createWith({ buyer: { firstName: 'Jan' } }), ...invalid('buyer.email'));
      await refused(createWith({}, ['amount']), ...invalid('amount'));
      await refused(createWith({ externalId: '' }), ...invalid('externalId'));
      // PHP's json_encode of an empty array: "buyer":[]
      await refused(create('{"amount":1000,"externalId":"x","description":"d","buyer":[]}'), ...invalid('buyer'));
    });

    test('bad values: e-mail, currency, lengths, amount, orderItems', async () => {
      await refused(createWith({ buyer: { email: 'not-an-email' } }), ...invalid('buyer.email'));
      await refused(createWith({ buyer: { email: `${'a'.repeat(46)}@x.pl` } }), ...invalid('buyer.email'));
      await refused(createWith({ currency: 'XYZ' }), 400, 'VALIDATION_ERROR', 'currency: invalid field value (XYZ)');
      await refused(createWith({ currency: 'USD', paymentMethodId: 2007, authorizationCode: '111111' }), 400, 'PAYMENT_METHOD_NOT_AVAILABLE', 'Chosen payment method is not available');
      await refused(createWith({ description: 'd'.repeat(256) }), ...invalid('description'));
      await refused(createWith({ externalId: 'e'.repeat(101) }), ...invalid('externalId'));
      await refused(createWith({ amount: 10.5 }), ...invalid('amount'));
      await refused(createWith({ amount: '12a' }), ...invalid('amount'));
      await refused(createWith({ continueUrl: 'not a url' }), ...invalid('continueUrl'));
      await refused(createWith({ buyer: { email: 'jan@sklep.pl', phone: { prefix: '+48', number: '1'.repeat(16) } } }), ...invalid('buyer.phone.number'));
      await refused(createWith({ orderItems: [{ name: 'Kubek', category: 'Dom', quantity: 0, price: 1000 }] }), ...invalid('orderItems.0.quantity'));
      await refused(createWith({ orderItems: [{ name: 'Kubek', category: 'Dom', quantity: 1 }] }), ...invalid('orderItems.0.price'));
      // At the limits: fine.
      assert.equal((await create(JSON.stringify(paymentBody({ description: 'd'.repeat(255), externalId: 'e'.repeat(100) })))()).status, 201);
    });

    test('invalid JSON, and a body that is not an object', async () => {
      await refused(create('{"amount":1000,'), 400, 'VALIDATION_ERROR', 'body: invalid field value (not valid JSON)');
      await refused(create('amount=1000&externalId=x'), 400, 'VALIDATION_ERROR', 'body: invalid field value (not valid JSON)');
      await refused(create('[1,2]'), ...invalid('body'));
      await refused(() => shop.pl.v3('POST', `/v3/payments/${known}/refunds`, '{amount:1}'), 400, 'VALIDATION_ERROR', 'body: invalid field value (not valid JSON)');
      await refused(() => shop.pl.v3('PATCH', '/v3/configuration/shop/urls', '{"continueUrl":"nope"}'), 400, 'VALIDATION_ERROR', 'continue_url: invalid field value');
    });

    test('bad requests on the other endpoints', async () => {
      await refused(() => shop.pl.v3('GET', '/v3/payments/paymentmethods?currency=XYZ'), 400, 'VALIDATION_ERROR', 'currency: invalid field value (XYZ)');
      await refused(() => shop.pl.v3('GET', '/v3/payments/paymentmethods?amount=ten'), ...invalid('amount'));
      await refused(() => shop.pl.v3('POST', `/v3/payments/${known}/refunds`, '{"amount":100,"reason":"BECAUSE"}'), ...invalid('reason'));
      await refused(() => shop.pl.v3('POST', '/v3/configuration/shop/plugin/status', '[{"status":"BROKEN","timestamp":"2025-05-14T10:00:00.000Z"}]'), ...invalid('0.status'));
      await refused(() => shop.pl.v3('DELETE', '/v3/payments/paymentmethods/saved?externalBuyerId=abc'), ...invalid('token'));
    });

    test('nulls are absent, quantities may be fractional, integers may be strings', async () => {
      const withNulls = await shop.pl.v3(
        'POST',
        '/v3/payments',
        JSON.stringify({ amount: '1000', currency: null, externalId: 'nulls', description: 'Nulls', continueUrl: null, validityTime: null, paymentMethodId: null, buyer: { email: 'jan@sklep.pl', firstName: null, lastName: null, phone: null, locale: null } }),
      );
      assert.equal(withNulls.status, 201, withNulls.text);
      const row = await storedPayment(shop.s, withNulls.json.paymentId);
      assert.equal(row?.currency, 'PLN');
      assert.equal(row?.customer_name, null);
      const fractional = await shop.pl.v3(
        'POST',
        '/v3/payments',
        '{"amount":4500,"externalId":"mag2-1","description":"Magento","buyer":{"email":"jan@sklep.pl","firstName":"Jan"},"orderItems":[{"name":"Kubek","category":"Dom","quantity":1.0,"price":"1000"},{"name":"Herbata","category":"Spozywcze","quantity":2.5,"price":1400}]}',
      );
      assert.equal(fractional.status, 201, fractional.text);
      const items = JSON.parse(String((await storedPayment(shop.s, fractional.json.paymentId))?.items));
      assert.equal(items.length, 2);
      // Unknown fields are ignored.
      const extra = await shop.pl.v3('POST', '/v3/payments', JSON.stringify(paymentBody({ somethingNew: { a: 1 }, buyer: { email: 'jan@sklep.pl', address: { billing: { street: '', city: 'Warszawa', country: 'PL' } } } })));
      assert.equal(extra.status, 201, extra.text);
    });

    test('v1 endpoints refuse in the same shape', async () => {
      await refused(() => rawRequest(shop.s.url, 'GET', `/v1/payments/${known}/status`, []), 401, ...UNAUTHORIZED);
      await refused(() => shop.pl.v1('GET', '/v1/payments/abc/status'), ...invalid('paymentId'));
      await refused(() => shop.pl.v1('POST', '/v1/payments', '{"amount":1000}'), ...invalid('externalId'));
      await refused(() => shop.pl.v1('POST', '/v1/payments', JSON.stringify(paymentBody({ amount: 50 }))), 400, 'PAYMENT_AMOUNT_TOO_SMALL', 'amount: should be greater than 100');
    });
  });
}
