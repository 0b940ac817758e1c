/**
 * Spec §2.3, §3.0–§3.2, §3.10 and errors.ts (the codes decided where the spec is silent): every bad
 * request is answered HTTP 200 application/json with its documented response_code (a string) and a
 * response_text, and leaves the database exactly as it was (the request log, which records test-mode
 * requests on purpose, aside).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../../helpers/dbs.js';
import { BAD_KEYS, LIVE, pd, SANDBOX, type Shop, send, startShop } from './harness.js';

const CREATE = `${SANDBOX}/checkout-invoice/create`;
const valid = { invoice: { total_amount: 5000, description: 'Deux tickets' }, store: { name: 'Magasin le Choco' } };

for (const kind of testDatabases()) {
  describe(`bad PayDunya requests on ${kind}`, () => {
    let s: Shop;
    let existing: string;

    before(async () => {
      s = await startShop(kind);
      existing = await s.createInvoice();
    });
    after(() => s?.stop());

    /** Sends, checks the envelope and the code, and that nothing but the request log changed. */
    const unchanged = async (what: string, code: string, call: () => Promise<Parameters<typeof pd>[0]>): Promise<any> => {
      const before = await s.state();
      const body = pd(await call(), undefined);
      assert.equal(body.response_code, code, `${what}: ${JSON.stringify(body)}`);
      assert.ok(body.response_text.length > 0, what);
      assert.equal(await s.state(), before, `${what} changed the database`);
      return body;
    };

    test('wrong or missing keys: 1001 "Invalid Masterkey Specified", for a valid body too', async () => {
      const flip = (v: string) => v.slice(0, -1) + (v.endsWith('A') ? 'B' : 'A');
      const cases: Array<[string, Record<string, string>]> = [
        ['no keys', { 'Content-Type': 'application/json' }],
        ['wrong master key', s.keys('test', { 'PAYDUNYA-MASTER-KEY': flip(s.masterKey) })],
        ['wrong private key', s.keys('test', { 'PAYDUNYA-PRIVATE-KEY': flip(s.test.privateKey) })],
        ['wrong token', s.keys('test', { 'PAYDUNYA-TOKEN': flip(s.test.token) })],
        ['an empty token', s.keys('test', { 'PAYDUNYA-TOKEN': '' })],
      ];
      for (const [what, headers] of cases) {
        const b = await unchanged(what, '1001', () => send(`${s.url}${CREATE}`, { headers, body: JSON.stringify(valid) }));
        assert.deepEqual(b, BAD_KEYS);
      }
      // Bad keys win over a bad body: the keys are checked first.
      assert.deepEqual(await unchanged('bad keys and bad JSON', '1001', () => send(`${s.url}${CREATE}`, { headers: { 'Content-Type': 'application/json' }, body: '{"invoice":' })), BAD_KEYS);
    });

    test('test keys on the live base: 1001', async () => {
      assert.deepEqual(await unchanged('create on /api/v1', '1001', () => s.post(`${LIVE}/checkout-invoice/create`, valid)), BAD_KEYS);
      assert.deepEqual(await unchanged('confirm on /api/v1', '1001', () => s.get(`${LIVE}/checkout-invoice/confirm/${existing}`)), BAD_KEYS);
    });

    test('an unknown invoice token on confirm: 1002 "Invoice Not Found", by GET and by POST', async () => {
      for (const token of ['test_0000000000', 'test_doesnotexist', 'x'.repeat(90), '%20', 'test_449a6fef1a']) {
        const b = await unchanged(`confirm ${token}`, '1002', () => s.get(`${SANDBOX}/checkout-invoice/confirm/${token}`));
        assert.deepEqual(b, { response_code: '1002', response_text: 'Invoice Not Found' });
      }
      const post = await unchanged('confirm by POST', '1002', () => s.post(`${SANDBOX}/checkout-invoice/confirm/test_0000000000`, valid));
      assert.deepEqual(post, { response_code: '1002', response_text: 'Invoice Not Found' });
    });

    test('an absurdly long invoice token (200 characters) is still an unknown invoice: HTTP 200, 1002', async () => {
      const b = await unchanged('confirm with a 200-character token', '1002', () => s.get(`${SANDBOX}/checkout-invoice/confirm/${'x'.repeat(200)}`));
      assert.deepEqual(b, { response_code: '1002', response_text: 'Invoice Not Found' });
    });

    test('malformed JSON: 4001, whatever the Content-Type', async () => {
      for (const [raw, contentType] of [
        ['{"invoice":', 'application/json'],
        ['{"invoice": {"total_amount": 5000,}}', 'application/json'],
        ['invoice[total_amount]=5000&store[name]=Magasin', 'application/x-www-form-urlencoded'],
        ["{'invoice': {}}", 'text/plain'],
      ] as const) {
        await unchanged(`body ${raw}`, '4001', () => s.post(CREATE, raw, { headers: s.keys('test', { 'Content-Type': contentType }) }));
      }
    });

    test('total_amount negative, zero, non-numeric or absurd (> 100,000,000): 4000', async () => {
      for (const total of [-5000, -1, 0, '0', 'abc', '12abc', '', true, {}, [5000], 100_000_001, 1e12, '999999999999']) {
        await unchanged(`total_amount ${JSON.stringify(total)}`, '4000', () => s.post(CREATE, { ...valid, invoice: { ...valid.invoice, total_amount: total } }));
      }
    });

    test('no invoice, no total_amount, no store.name: 4000', async () => {
      const cases: Array<[string, unknown]> = [
        ['no invoice', { store: valid.store }],
        ['invoice is a string', { invoice: 'x', store: valid.store }],
        ['no total_amount', { invoice: { description: 'x' }, store: valid.store }],
        ['total_amount null', { invoice: { total_amount: null }, store: valid.store }],
        ['no store', { invoice: valid.invoice }],
        ['no store.name', { invoice: valid.invoice, store: { tagline: 'x' } }],
        ['empty store.name', { invoice: valid.invoice, store: { name: '' } }],
        ['store.name null', { invoice: valid.invoice, store: { name: null } }],
        ['an empty object', {}],
      ];
      for (const [what, body] of cases) await unchanged(what, '4000', () => s.post(CREATE, body));
      await unchanged('an empty body', '4000', () => s.post(CREATE, ''));
    });

    test('an array body: 4000', async () => {
      await unchanged('[]', '4000', () => s.post(CREATE, '[]'));
      await unchanged('[valid]', '4000', () => s.post(CREATE, JSON.stringify([valid])));
      await unchanged('[] as a form', '4000', () => s.post(CREATE, '[]', { headers: s.keys('test', { 'Content-Type': 'application/x-www-form-urlencoded' }) }));
    });

    test('a bad action URL is 4000 too, and the valid body still works afterwards', async () => {
      await unchanged('callback_url javascript:', '4000', () => s.post(CREATE, { ...valid, actions: { callback_url: 'javascript:alert(1)' } }));
      await unchanged('return_url not a URL', '4000', () => s.post(CREATE, { ...valid, actions: { return_url: 'chez moi' } }));
      pd(await s.post(CREATE, valid), '00');
    });
  });
}
