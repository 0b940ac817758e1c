/**
 * Spec §7.1: the requests each official client sends, built by hand byte for byte (header names and
 * values, body shape, Content-Type), and the answers checked the way each of those clients reads them.
 * The Node SDK itself runs in sdk.test.ts; here are Python, PHP, .NET, Java, WooCommerce and Node's shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { completeTestPayment } from '../../../src/services/sandbox/controls.js';
import { testDatabases } from '../../helpers/dbs.js';
import { assertMap, LIVE, pd, phpJson, pyJson, SANDBOX, type Shop, send, startShop } from './harness.js';

/** What every create answer must be (spec §3.1): token, description, the checkout URL, and no invoice_token (RB). */
function created(s: Shop, body: any): string {
  assert.equal(body.response_code, '00', JSON.stringify(body));
  assert.equal(body.description, 'Checkout Invoice Created');
  assert.match(body.token, /^test_[A-Za-z0-9]{10}$/);
  assert.equal(body.response_text, `${s.url}/sandbox-checkout/invoice/${body.token}`);
  assert.ok(!('invoice_token' in body), 'no invoice_token on create: RB would take it for the invoice URL');
  return body.token as string;
}

/** What every confirm answer must be (spec §3.2): maps are {}, invoice.total_amount always there. */
function confirmed(body: any, token: string, total: number): void {
  assert.equal(body.response_code, '00');
  assert.equal(body.response_text, 'Transaction Found');
  assertMap(body.invoice, 'invoice');
  assert.equal(body.invoice.token, token);
  assert.equal(body.invoice.total_amount, total, 'invoice.total_amount (NODE reads it on every 00)');
  assertMap(body.invoice.items, 'invoice.items');
  assertMap(body.invoice.taxes, 'invoice.taxes');
  assertMap(body.custom_data, 'custom_data');
  assertMap(body.actions, 'actions');
  assertMap(body.customer, 'customer');
  assert.equal(body.mode, 'test');
  assert.ok(['pending', 'completed', 'cancelled', 'failed'].includes(body.status), body.status);
  assert.match(body.hash, /^[0-9a-f]{128}$/);
}

for (const kind of testDatabases()) {
  describe(`each official client's requests, built by hand, on ${kind}`, () => {
    let s: Shop;

    before(async () => {
      s = await startShop(kind);
      await s.customer('Alioune Faye', 'aliounefaye@gmail.com', '774563209', 1_000_000);
    });
    after(() => s?.stop());

    test("Python: list items, tax_0, nulls, a 700000.0 float, store phone_number; confirm by POST with the invoice as body; OPR's 56Y8 fails", async () => {
      const headers = {
        'User-Agent': 'paydunya-python/v1.0.7',
        'PAYDUNYA-MASTER-KEY': s.masterKey,
        'PAYDUNYA-PRIVATE-KEY': s.test.privateKey,
        'PAYDUNYA-TOKEN': s.test.token,
        'Content-Type': 'application/json',
      };
      const invoice = {
        invoice: {
          items: [
            { name: 'Chaussures Croco', quantity: 2, unit_price: '35000', total_price: '70000', description: 'Chaussures en croco' },
            { name: 'Sac Croco', quantity: 1, unit_price: '630000', total_price: '630000', description: null },
          ],
          taxes: { tax_0: { name: 'TVA (18%)', amount: 0 } },
          total_amount: '__FLOAT__',
          description: null,
        },
        store: { name: 'Magasin le Choco', tagline: null, postal_address: null, phone_number: null, logo_url: null, website_url: null },
        custom_data: { categorie: 'Jeu concours', numero_gagnant: 5 },
        actions: { cancel_url: null, return_url: null, callback_url: null },
      };
      const raw = pyJson(invoice).replace('"__FLOAT__"', '700000.0');
      assert.ok(raw.includes('"total_amount": 700000.0') && raw.includes('"description": null'), raw);
      const c = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/create`, { headers, body: raw }));
      assert.equal(Number.parseInt(c.response_code, 10), 0, 'Python: int(response_code) == 0');
      const token = created(s, c);

      // The same Invoice object confirms with a POST carrying the whole invoice again.
      const viaPost = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${token}`, { method: 'POST', headers, body: raw }));
      confirmed(viaPost, token, 700_000);
      assert.equal(viaPost.status, 'pending');
      assert.deepEqual(Object.values(viaPost.invoice.items).map((i: any) => [i.name, i.quantity, i.unit_price, i.total_price]), [
        ['Chaussures Croco', 2, 35000, 70000],
        ['Sac Croco', 1, 630000, 630000],
      ]);
      assert.deepEqual(Object.values(viaPost.invoice.taxes), [{ name: 'TVA (18%)', amount: 0 }]);
      assert.deepEqual(viaPost.custom_data, { categorie: 'Jeu concours', numero_gagnant: 5 });
      // A fresh object confirms with a GET (params empty), still labelled application/json.
      const viaGet = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${token}`, { headers }));
      assert.deepEqual(viaGet, viaPost);
      assert.equal((await s.payment(token)).amountMinor, 700_000);

      // tests/test_opr.py: create for 774563209 succeeds; charging with the confirm token 56Y8 fails.
      const opr = pd(
        await send(`${s.url}${SANDBOX}/opr/create`, {
          headers,
          body: pyJson({ invoice_data: { invoice: { total_amount: '__F__', description: 'Paiement PSR' }, store: { name: 'Magasin le Choco' } }, opr_data: { account_alias: '774563209' } }).replace('"__F__"', '1200.0'),
        }),
      );
      assert.equal(Number.parseInt(opr.response_code, 10), 0, JSON.stringify(opr));
      assert.equal(typeof opr.token, 'string');
      assert.match(opr.invoice_token, /^test_/);
      const charge = pd(await send(`${s.url}${SANDBOX}/opr/charge`, { headers, body: pyJson({ token: opr.token, confirm_token: '56Y8' }) }));
      assert.notEqual(Number.parseInt(charge.response_code, 10), 0, 'a code we did not send fails');
      assert.equal((await s.confirm(opr.invoice_token)).status, 'pending');
    });

    test("PHP: empty PAYDUNYA-PUBLIC-KEY, PAYDUNYA-MODE, JSON labelled application/x-www-form-urlencoded, custom_data [] and taxes [] answered as {}", async () => {
      const headers = {
        Accept: 'application/json',
        'PAYDUNYA-PUBLIC-KEY': '',
        'PAYDUNYA-PRIVATE-KEY': s.test.privateKey,
        'PAYDUNYA-MASTER-KEY': s.masterKey,
        'PAYDUNYA-TOKEN': s.test.token,
        'PAYDUNYA-MODE': 'test',
        'User-Agent': 'PAYDUNYA Checkout API PHP client v1 aka Neptune',
        'Content-Type': 'application/x-www-form-urlencoded',
      };
      const body = {
        invoice: {
          items: { item_0: { name: 'Chaussures Croco', quantity: 3, unit_price: '10000', total_price: '30000', description: 'Chaussures faites en peau de crocodile' } },
          taxes: [],
          channels: ['card', 'orange-money-senegal'],
          total_amount: '__F__',
          description: '',
        },
        store: { name: 'Magasin le Choco', tagline: "L'élégance n'a pas de prix", postal_address: 'Dakar Plateau', phone: '336530583', logo_url: null, website_url: 'http://www.chez-sandra.sn' },
        custom_data: [],
        actions: { cancel_url: 'http://www.chez-sandra.sn/cancel', return_url: 'http://www.chez-sandra.sn/return', callback_url: 'http://www.chez-sandra.sn/ipn' },
      };
      const raw = phpJson(body).replace('"__F__"', '30000.0');
      assert.ok(raw.includes('http:\\/\\/www.chez-sandra.sn') && raw.includes('"custom_data":[]'), raw);
      const token = created(s, pd(await send(`${s.url}${SANDBOX}/checkout-invoice/create`, { headers, body: raw })));

      // Requests::get keeps the same headers; the answer's maps must be objects though PHP sent [].
      const { 'Content-Type': _ct, ...getHeaders } = headers;
      const conf = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${token}`, { headers: getHeaders }));
      confirmed(conf, token, 30_000);
      assert.deepEqual(conf.custom_data, {});
      assert.deepEqual(conf.invoice.taxes, {});
      assert.equal(conf.status, 'pending', 'PHP switches on status');
      assert.deepEqual(conf.actions, body.actions);
      assert.equal((await s.payment(token)).returnUrl, `http://www.chez-sandra.sn/return?token=${token}`);
    });

    test('.NET: items_N and taxes_N keys, a double total, PUBLIC-KEY and MODE; confirm answers objects JObject.Parse accepts', async () => {
      const headers = {
        'PAYDUNYA-MASTER-KEY': s.masterKey,
        'PAYDUNYA-PRIVATE-KEY': s.test.privateKey,
        'PAYDUNYA-PUBLIC-KEY': s.test.publicKey,
        'PAYDUNYA-TOKEN': s.test.token,
        'PAYDUNYA-MODE': 'test',
        'User-Agent': 'Paydunya Checkout API .NET client v1 aka Neptune',
        'Content-Type': 'application/json',
      };
      const raw = JSON.stringify({
        invoice: {
          items: { items_0: { name: 'Clavier', quantity: 1, unit_price: 3000.0, total_price: 3000.0, description: 'AZERTY' }, items_1: { name: 'Souris', quantity: 2, unit_price: 1000.0, total_price: 2000.0, description: '' } },
          taxes: { taxes_0: { name: 'TVA', amount: 0.0 } },
          total_amount: 5000.0,
          description: 'Matériel',
        },
        store: { name: 'Magasin le Choco', tagline: null, postal_address: null, phone_number: '338000000', website_url: null, logo_url: null },
        custom_data: {},
        actions: { cancel_url: 'http://shop.example/cancel', return_url: 'http://shop.example/return', callback_url: 'http://shop.example/ipn' },
      }).replace('"total_amount":5000', '"total_amount":5000.0');
      const token = created(s, pd(await send(`${s.url}${SANDBOX}/checkout-invoice/create`, { headers, body: raw })));
      const pending = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${token}`, { headers }));
      confirmed(pending, token, 5000);
      assert.deepEqual(Object.values(pending.invoice.items).map((i: any) => i.name), ['Clavier', 'Souris']);
      assert.deepEqual(pending.customer, {}, 'customer is {} until paid');
      assert.ok(pending.receipt_url === undefined || pending.receipt_url === '', 'no receipt before completion');
      for (const k of ['taxes', 'store']) if (k in pending) assertMap(pending[k], k);

      await completeTestPayment(s.deps, s.merchantId, (await s.payment(token)).id, 'paid');
      const done = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${token}`, { headers }));
      confirmed(done, token, 5000);
      assert.equal(done.status, 'completed');
      for (const k of ['name', 'email', 'phone']) assert.equal(typeof done.customer[k], 'string', `customer.${k}`);
      assert.equal(typeof done.receipt_url, 'string');
      assert.equal(done.receipt_url, `${s.url}/sandbox-checkout/receipt/pdf/${token}.pdf`);
    });

    test("Node's shape: item_1/tax_1 keys, store phone_number and URLs copied to actions, GET confirm labelled application/json", async () => {
      const headers = { 'PAYDUNYA-MASTER-KEY': s.masterKey, 'PAYDUNYA-PRIVATE-KEY': s.test.privateKey, 'PAYDUNYA-TOKEN': s.test.token, 'Content-Type': 'application/json', 'User-Agent': 'node-superagent/0.18.2' };
      const store = { name: 'Magasin le Choco', tagline: 'Le meilleur', phone_number: '336530583', postal_address: 'Dakar', return_url: 'http://shop.example/back?order=9' };
      const body = {
        invoice: {
          total_amount: 42300,
          description: 'Chaussures',
          items: { item_1: { name: 'Chaussures Croco', quantity: 3, unit_price: 10000, total_price: 30000, description: 'Croco' }, item_2: { name: 'Lacets', quantity: 1, unit_price: 6000, total_price: 6000 } },
          taxes: { tax_1: { name: 'TVA (18%)', amount: 6300 } },
        },
        store,
        actions: { return_url: store.return_url },
        custom_data: { order_id: 'A-17' },
      };
      const token = created(s, pd(await send(`${s.url}${SANDBOX}/checkout-invoice/create`, { headers, body: JSON.stringify(body) })));
      const conf = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${token}`, { headers }));
      confirmed(conf, token, 42300);
      assert.deepEqual(Object.values(conf.invoice.items).map((i: any) => i.name), ['Chaussures Croco', 'Lacets']);
      assert.deepEqual(Object.values(conf.invoice.taxes), [{ name: 'TVA (18%)', amount: 6300 }]);
      assert.deepEqual(conf.custom_data, { order_id: 'A-17' });
      assert.equal((await s.payment(token)).returnUrl, `http://shop.example/back?order=9&token=${token}`);
    });

    test('Java: doubles (1000.0), escaped slashes, custom_data at the top level of opr/create; every field it reads is a non-null string', async () => {
      const headers = {
        'PAYDUNYA-MASTER-KEY': s.masterKey,
        'PAYDUNYA-PRIVATE-KEY': s.test.privateKey,
        'PAYDUNYA-PUBLIC-KEY': s.test.publicKey,
        'PAYDUNYA-TOKEN': s.test.token,
        'PAYDUNYA-MODE': 'test',
        'User-Agent': 'PAYDUNYA Checkout API Java client v1 aka Neptune',
        'Content-Type': 'application/json',
      };
      const invoice = {
        items: { item_0: { name: 'Ticket', quantity: 1, unit_price: '__1000__', total_price: '__1000__', description: '' } },
        taxes: {},
        total_amount: '__1000__',
        description: 'Concert',
      };
      const raw = phpJson({ invoice, store: { name: 'Magasin le Choco', tagline: '', phone: '', postal_address: '', website_url: 'http://shop.example', logo_url: '' }, custom_data: {}, actions: { cancel_url: 'http://shop.example/c', return_url: 'http://shop.example/r', callback_url: 'http://shop.example/i' } }).replaceAll('"__1000__"', '1000.0');
      assert.ok(raw.includes('"total_amount":1000.0'), raw);
      const c = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/create`, { headers, body: raw }));
      created(s, c);
      for (const k of ['response_text', 'description', 'token']) assert.equal(typeof c[k], 'string', `Java calls toString() on ${k}`);

      const oprRaw = phpJson({
        invoice_data: { invoice, store: { name: 'Magasin le Choco' }, actions: { cancel_url: 'http://shop.example/c', return_url: 'http://shop.example/r', callback_url: 'http://shop.example/i' } },
        opr_data: { account_alias: 'aliounefaye@gmail.com' },
        custom_data: { order: 'J-1' },
      }).replaceAll('"__1000__"', '1000.0');
      const opr = pd(await send(`${s.url}${SANDBOX}/opr/create`, { headers, body: oprRaw }), '00');
      for (const k of ['response_text', 'description', 'token', 'invoice_token']) assert.equal(typeof opr[k], 'string', `Java reads ${k}`);
      const code = await s.oneTimeCode('aliounefaye@gmail.com', opr.invoice_token);
      const charge = pd(await send(`${s.url}${SANDBOX}/opr/charge`, { headers, body: phpJson({ token: opr.token, confirm_token: code }) }), '00');
      assertMap(charge.invoice_data, 'invoice_data');
      assert.equal(charge.invoice_data.status, 'completed');
      assertMap(charge.invoice_data.customer, 'invoice_data.customer');
      assert.equal(charge.invoice_data.customer.email, 'aliounefaye@gmail.com');
      assert.equal(typeof charge.invoice_data.receipt_url, 'string');
      assert.notEqual(charge.invoice_data.receipt_url, '');
      assert.deepEqual(charge.invoice_data.custom_data, { order: 'J-1' }, 'top-level custom_data is kept');

      const conf = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${opr.invoice_token}`, { headers }));
      confirmed(conf, opr.invoice_token, 1000);
      assert.equal(conf.status, 'completed');
      assert.equal(typeof conf.receipt_url, 'string', 'Java: receipt_url.toString() on completed');
      assert.equal(conf.customer.name, 'Alioune Faye');
      assert.equal(conf.customer.phone, '774563209');
      assert.deepEqual(conf.custom_data, { order: 'J-1' });
      // Java's "live" identity bug sends PAYDUNYA-MODE: live to the sandbox: ignored.
      const modeLive = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${opr.invoice_token}`, { headers: { ...headers, 'PAYDUNYA-MODE': 'live' } }), '00');
      assert.equal(modeLive.mode, 'test');
    });

    test('WooCommerce: raw cURL, a form Content-Type over JSON, list items, invoice.customer; confirm gives back custom_data.order_id', async () => {
      const headers = { 'PAYDUNYA-MASTER-KEY': s.masterKey, 'PAYDUNYA-PRIVATE-KEY': s.test.privateKey, 'PAYDUNYA-TOKEN': s.test.token, 'Content-Type': 'application/x-www-form-urlencoded', Accept: '*/*' };
      const body = {
        invoice: {
          items: [
            { name: 'T-shirt', quantity: 2, unit_price: '5000', total_price: '10000', description: '' },
            { name: 'Casquette', quantity: 1, unit_price: '5000', total_price: '5000', description: '' },
          ],
          total_amount: 15000,
          description: 'Paiement de 15000 FCFA pour article(s) achetés sur Boutique',
          customer: { name: 'Awa Ndiaye', email: 'awa@example.sn', phone: '771234567' },
        },
        store: { name: 'Boutique', website_url: 'http://boutique.sn' },
        actions: { cancel_url: 'http://boutique.sn/cart', callback_url: 'http://boutique.sn/?wc-api=paydunya', return_url: 'http://boutique.sn/checkout/order-received/42/?key=wc_order_x' },
        custom_data: { order_id: 42, trans_id: 'wc_order_x' },
      };
      const c = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/create`, { headers, body: phpJson(body) }));
      const token = created(s, c);
      const conf = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${token}`, { headers }));
      confirmed(conf, token, 15000);
      assert.equal(conf.custom_data.order_id, 42);
      const p = await s.payment(token);
      assert.deepEqual(p.customer, { name: 'Awa Ndiaye', email: 'awa@example.sn', phone: '771234567' }, 'invoice.customer pre-fills the customer');
      assert.equal(p.returnUrl, `http://boutique.sn/checkout/order-received/42/?key=wc_order_x&token=${token}`);
      // The checkout URL the plugin redirects to leads to the hosted checkout.
      const page = await send(c.response_text);
      assert.equal(page.status, 302);
      assert.match(String(page.headers.location), new RegExp(`^${s.url}/pay/pay_[0-9a-z]{21}\\?t=[0-9a-f]{32}$`));
    });

    test('the same shapes on the live base with test keys are refused with 1001, as HTTP 200 JSON', async () => {
      const r = pd(await send(`${s.url}${LIVE}/checkout-invoice/create`, { headers: s.keys('test', { 'Content-Type': 'application/x-www-form-urlencoded' }), body: phpJson({ invoice: { total_amount: 1000 }, store: { name: 'X' } }) }));
      assert.deepEqual(r, { response_code: '1001', response_text: 'Invalid Masterkey Specified' });
    });
  });
}
