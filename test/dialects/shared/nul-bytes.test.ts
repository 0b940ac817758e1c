/**
 * A NUL character in any text field (issue 17, item 2): PostgreSQL refuses it where SQLite stores it,
 * so both refuse it first, as a validation error naming the field in each surface's own format, and
 * store nothing (the test-mode request log aside).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiClient } from '../../helpers/client.js';
import { testDatabases } from '../../helpers/dbs.js';
import { snapshot } from '../../helpers/server.js';
import { type AnyShop, merchantApi, openAnyShop, pdHeaders, plHeaders, zwInitiate, zwParse } from './shop.js';

for (const kind of testDatabases()) {
  describe(`NUL characters on ${kind}`, () => {
    let shop: AnyShop;
    let api: ApiClient;
    before(async () => {
      shop = await openAnyShop(kind);
      api = await merchantApi(shop);
    });
    after(() => shop?.stop());
    const state = () => snapshot(shop.s.store, ['request_log_batches']);

    const zwPost = async (path: string, body: string) =>
      zwParse(await (await fetch(`${shop.s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).text());

    for (const name of ['reference', 'additionalinfo', 'authemail', 'returnurl']) {
      test(`Paynow Zimbabwe: a NUL in ${name} is "Invalid ${name} field"`, async () => {
        const before = await state();
        const value = name === 'authemail' ? `${shop.email}\u0000` : name === 'returnurl' ? 'http://127.0.0.1:9/r\u0000' : 'a\u0000b';
        const m = await zwPost('/interface/initiatetransaction', zwInitiate(shop, { [name]: value }));
        assert.equal(m.get('status'), 'Error', JSON.stringify([...m]));
        assert.equal(m.get('error'), `Invalid ${name} field`);
        assert.equal(await state(), before);
      });
    }

    test('Paynow Zimbabwe: a NUL in the poll guid is "Invalid guid field"', async () => {
      const m = zwParse(await (await fetch(`${shop.s.url}/interface/checkpayment?guid=ab%00cd`)).text());
      assert.equal(m.get('status'), 'Error');
      assert.equal(m.get('error'), 'Invalid guid field');
    });

    for (const [field, body] of [
      ['description', { amount: 1000, externalId: 'nul-1', description: 'a\u0000b', buyer: { email: 'jan@example.pl' } }],
      ['externalId', { amount: 1000, externalId: 'nul\u00002', description: 'x', buyer: { email: 'jan@example.pl' } }],
      ['buyer.firstName', { amount: 1000, externalId: 'nul-3', description: 'x', buyer: { email: 'jan@example.pl', firstName: 'J\u0000' } }],
    ] as const) {
      test(`Paynow.pl: a NUL in ${field} is 400 VALIDATION_ERROR naming it`, async () => {
        const before = await state();
        const text = JSON.stringify(body);
        const r = await fetch(`${shop.s.url}/v3/payments`, { method: 'POST', headers: plHeaders(shop, '/v3/payments', text), body: text });
        const json = (await r.json()) as { statusCode: number; errors: Array<{ errorType: string; message: string }> };
        assert.equal(r.status, 400, JSON.stringify(json));
        assert.equal(json.statusCode, 400);
        assert.equal(json.errors[0]?.errorType, 'VALIDATION_ERROR', JSON.stringify(json));
        assert.ok(json.errors[0]?.message.startsWith(field), JSON.stringify(json));
        assert.equal(await state(), before);
      });
    }

    test('Paynow.pl: a NUL in a query parameter is 400 VALIDATION_ERROR naming it', async () => {
      const path = '/v3/payments/paymentmethods?currency=PL%00N';
      const r = await fetch(`${shop.s.url}${path}`, { headers: plHeaders(shop, path, '') });
      const json = (await r.json()) as { statusCode: number; errors: Array<{ errorType: string; message: string }> };
      assert.equal(r.status, 400, JSON.stringify(json));
      assert.equal(json.errors[0]?.errorType, 'VALIDATION_ERROR');
      assert.ok(json.errors[0]?.message.startsWith('currency'), JSON.stringify(json));
    });

    for (const [field, body] of [
      ['invoice.description', { invoice: { total_amount: 5000, description: 'a\u0000b' }, store: { name: 'Shop' } }],
      ['store.name', { invoice: { total_amount: 5000, description: 'x' }, store: { name: 'Sh\u0000op' } }],
      ['custom_data.note', { invoice: { total_amount: 5000, description: 'x' }, store: { name: 'Shop' }, custom_data: { note: '\u0000' } }],
    ] as const) {
      test(`PayDunya: a NUL in ${field} is response_code 4000 naming it`, async () => {
        const before = await state();
        const r = await fetch(`${shop.s.url}/sandbox-api/v1/checkout-invoice/create`, { method: 'POST', headers: pdHeaders(shop), body: JSON.stringify(body) });
        const json = (await r.json()) as { response_code: string; response_text: string };
        assert.equal(r.status, 200);
        assert.equal(json.response_code, '4000', JSON.stringify(json));
        assert.ok(json.response_text.startsWith(field), JSON.stringify(json));
        assert.equal(await state(), before);
      });
    }

    test('PayDunya: a NUL in a confirm token is response_code 4000 naming the token', async () => {
      const r = await fetch(`${shop.s.url}/sandbox-api/v1/checkout-invoice/confirm/test_ab%00cd`, { headers: pdHeaders(shop) });
      const json = (await r.json()) as { response_code: string; response_text: string };
      assert.equal(json.response_code, '4000', JSON.stringify(json));
      assert.ok(json.response_text.startsWith('token'), JSON.stringify(json));
    });

    test('management API: a NUL in a body field is 400 problem+json naming the field', async () => {
      const before = await state();
      const r = await api.post('/api/integrations', { name: 'Shop\u0000' });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.code, 'validation');
      assert.deepEqual(
        r.body.issues?.map((i: { path: string }) => i.path),
        ['name'],
      );
      assert.equal(await state(), before);
    });

    test('management API: a NUL in a path parameter is 400 problem+json naming it', async () => {
      const r = await api.get('/api/integrations/int_%00x');
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.code, 'validation');
    });
  });
}
