/**
 * Wire input never reaches a plain object's prototype (issue 17, item 4): a name looked up in a table
 * (a Paynow.pl notice locale, a PayDunya SOFTPAY operator, a Paynow Zimbabwe express method, a field's
 * length limit) that is `__proto__`, `constructor` or `toString` is an unknown name in each wire's words.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../../helpers/dbs.js';
import { type AnyShop, openAnyShop, pdHeaders, plHeaders, zwParse, zwSign, zwForm } from './shop.js';

const NAMES = ['__proto__', 'constructor', 'toString'];

for (const kind of testDatabases()) {
  describe(`wire input as a table key on ${kind}`, () => {
    let shop: AnyShop;
    before(async () => {
      shop = await openAnyShop(kind);
    });
    after(() => shop?.stop());

    for (const name of NAMES) {
      test(`Paynow.pl notices ?locale=${name}: the en-GB notice`, async () => {
        const path = `/v3/payments/dataprocessing/notices?locale=${name}`;
        const r = await fetch(`${shop.s.url}${path}`, { headers: plHeaders(shop, path, '') });
        const body = (await r.json()) as Array<{ title: string; locale: string }>;
        assert.equal(r.status, 200, JSON.stringify(body));
        assert.equal(body[0]?.locale, 'en-GB', JSON.stringify(body));
        assert.ok((body[0]?.title ?? '').length > 0, JSON.stringify(body));
      });

      test(`PayDunya POST /sandbox-api/v1/softpay/${name}: an unknown operator`, async () => {
        const r = await fetch(`${shop.s.url}/sandbox-api/v1/softpay/${name}`, { method: 'POST', headers: pdHeaders(shop), body: JSON.stringify({ phone_number: '771234567', invoice_token: 'x' }) });
        const text = await r.text();
        assert.equal(r.status, 404, text);
        assert.deepEqual(JSON.parse(text), { success: false, message: 'Opérateur inconnu' });
      });

      test(`Paynow Zimbabwe express method=${name}: Invalid method field`, async () => {
        const pairs = zwSign(
          [
            ['resulturl', 'http://127.0.0.1:9/result'],
            ['returnurl', 'http://127.0.0.1:9/return'],
            ['reference', `K-${name}`],
            ['amount', '5.00'],
            ['id', shop.zw.id],
            ['additionalinfo', ''],
            ['authemail', shop.email],
            ['phone', '0771111111'],
            ['method', name],
            ['status', 'Message'],
          ],
          shop.zw.key,
        );
        const r = await fetch(`${shop.s.url}/interface/remotetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: zwForm(pairs) });
        const m = zwParse(await r.text());
        assert.equal(m.get('status'), 'Error');
        assert.equal(m.get('error'), 'Invalid method field');
      });

      test(`Paynow Zimbabwe field named ${name}: ignored like any unknown field`, async () => {
        const pairs = zwSign(
          [
            ['resulturl', 'http://127.0.0.1:9/result'],
            ['returnurl', 'http://127.0.0.1:9/return'],
            ['reference', `F-${name}`],
            ['amount', '5.00'],
            ['id', shop.zw.id],
            [name, 'x'.repeat(30)],
            ['authemail', shop.email],
            ['status', 'Message'],
          ],
          shop.zw.key,
        );
        const r = await fetch(`${shop.s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: zwForm(pairs) });
        const m = zwParse(await r.text());
        assert.equal(m.get('status'), 'Ok', JSON.stringify([...m]));
      });
    }
  });
}
