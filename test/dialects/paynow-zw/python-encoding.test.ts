/**
 * The official Python SDK's README example (issue 17, item 6), built as the SDK builds it (spec §9.2):
 * every value but the two URLs goes through quote_plus before hashing, and `requests` form-encodes the
 * dict again. After one form decode `authemail` is `you%40shop.test`: accepted (the hash is over the
 * values as received), and the pre-encoded reference, additionalinfo and email are stored decoded.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../../helpers/dbs.js';
import type { TestServer } from '../../helpers/server.js';
import { type AnyShop, openAnyShop } from '../shared/shop.js';

/** Python's urllib.parse.quote_plus: only letters, digits and `_.-~` kept, space as `+`, upper-case hex. */
const quotePlus = (s: string): string =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

/** paynow/model.py's web payment: the dict in its order, values quote_plus'd but the URLs, SHA-512 + key. */
function pythonWebBody(id: string, key: string, email: string): string {
  const values: Array<[string, string]> = [
    ['resulturl', 'http://127.0.0.1:9/result'],
    ['returnurl', 'http://127.0.0.1:9/return'],
    ['reference', quotePlus('Order #100')],
    ['amount', quotePlus(String(2.5 + 3.4))],
    ['id', quotePlus(id)],
    ['additionalinfo', quotePlus('Bananas, Apples, ')],
    ['authemail', quotePlus(email)],
    ['status', quotePlus('Message')],
  ];
  const hash = createHash('sha512').update(values.map(([, v]) => v).join('') + key.toLowerCase(), 'utf8').digest('hex').toUpperCase();
  // requests' urlencode: quote_plus once more over every key and value.
  return [...values, ['hash', hash] as [string, string]].map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&');
}

for (const kind of testDatabases()) {
  describe(`Paynow Zimbabwe, the Python SDK's pre-encoded values on ${kind}`, () => {
    let shop: AnyShop;
    let s: TestServer;
    let id: string;
    let key: string;
    const email = 'you@shop.test';
    before(async () => {
      shop = await openAnyShop(kind, { email });
      ({ s } = shop);
      ({ id, key } = shop.zw);
    });
    after(() => shop?.stop());

    test('the README example is Ok; reference, additionalinfo and authemail are stored decoded', async () => {
      const body = pythonWebBody(id, key, email);
      assert.match(body, /&authemail=you%2540shop\.test&status=Message&hash=[0-9A-F]{128}$/, 'the exact bytes the SDK sends');
      assert.match(body, /&reference=Order%2B%2523100&/);
      const r = await fetch(`${s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      const text = await r.text();
      const answer = new URLSearchParams(text);
      assert.equal(answer.get('status'), 'Ok', text);
      const ref = answer.get('paynowreference') ?? '';
      const row = await s.store.db.selectFrom('payments').selectAll().where('display_ref', '=', ref).executeTakeFirstOrThrow();
      assert.equal(row.reference, 'Order #100');
      assert.equal(row.description, 'Bananas, Apples,', 'decoded, then trimmed as every value is');
      assert.equal(row.customer_email, email);
      assert.equal(row.amount_minor, 590);
    });

    test('a hash over the values decoded twice is refused: the hash covers the values as received', async () => {
      const body = pythonWebBody(id, key, email).replace(/&hash=[0-9A-F]+$/, '');
      const decodedTwice = [...new URLSearchParams(body)].map(([, v]) => decodeURIComponent(v.replace(/\+/g, ' '))).join('');
      const wrong = createHash('sha512').update(decodedTwice + key, 'utf8').digest('hex').toUpperCase();
      const r = await fetch(`${s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${body}&hash=${wrong}` });
      assert.match(new URLSearchParams(await r.text()).get('error') ?? '', /^Invalid Hash/);
    });
  });
}
