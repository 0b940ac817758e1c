/**
 * Spec §1.1, §2: test keys act only on /sandbox-api/v1, live keys only on /api/v1 and /api/v2/disburse,
 * and only once the integration is live; any mismatch (wrong, missing, trailing space, other base) is
 * HTTP 200 {"response_code":"1001","response_text":"Invalid Masterkey Specified"}. PAYDUNYA-PUBLIC-KEY
 * and PAYDUNYA-MODE are optional and ignored. Live invoices exist, but no live money moves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registerMerchant } from '../../../src/services/merchants/accounts.js';
import { createIntegration } from '../../../src/services/merchants/integrations.js';
import { testDatabases } from '../../helpers/dbs.js';
import { Visitor } from '../../checkout/world.js';
import { checkoutPath } from '../../../src/services/payments/queries.js';
import { BAD_KEYS, LIVE, pd, SANDBOX, type Shop, send, startShop } from './harness.js';

/** Every JSON route of a base, with a body that would be acceptable. */
const ROUTES: Array<[string, unknown]> = [
  ['/checkout-invoice/create', { invoice: { total_amount: 1000 }, store: { name: 'Magasin' } }],
  ['/checkout-invoice/confirm/test_0123456789', undefined],
  ['/opr/create', { invoice_data: { invoice: { total_amount: 1000 }, store: { name: 'Magasin' } }, opr_data: { account_alias: 'awa@example.sn' } }],
  ['/opr/charge', { token: 'AAAAAAAAAAAAAAAAAAAA', confirm_token: '123456' }],
  ['/direct-pay/credit-account', { account_alias: 'awa@example.sn', amount: 500 }],
  ['/disburse/get-invoice', { account_alias: '771111111', amount: 500, withdraw_mode: 'orange-money-senegal' }],
  ['/disburse/submit-invoice', { disburse_invoice: 'AAAAAAAAAAAAAAAAAAAA' }],
  ['/disburse/check-status', { disburse_invoice: 'AAAAAAAAAAAAAAAAAAAA' }],
];

for (const kind of testDatabases()) {
  describe(`PayDunya keys and bases on ${kind}`, () => {
    let s: Shop;

    before(async () => {
      s = await startShop(kind);
      await s.customer('Awa Ndiaye', 'awa@example.sn', '771234567', 1_000_000);
    });
    after(() => s?.stop());

    /** Calls path with headers; the answer must be exactly the 1001 body. */
    const refused = async (path: string, headers: Record<string, string>, body?: unknown) => {
      const r = await send(`${s.url}${path}`, { headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
      assert.deepEqual(pd(r), BAD_KEYS, `${path}: ${r.text}`);
    };

    test('test keys work on /sandbox-api/v1; PAYDUNYA-PUBLIC-KEY and PAYDUNYA-MODE are optional and ignored; names are case-insensitive', async () => {
      const body = { invoice: { total_amount: 1000 }, store: { name: 'Magasin' } };
      const variants: Array<Record<string, string>> = [
        s.keys('test'),
        s.keys('test', { 'PAYDUNYA-PUBLIC-KEY': s.test.publicKey, 'PAYDUNYA-MODE': 'test' }),
        s.keys('test', { 'PAYDUNYA-PUBLIC-KEY': '', 'PAYDUNYA-MODE': 'live' }),
        s.keys('test', { 'PAYDUNYA-PUBLIC-KEY': 'live_public_not-even-a-key', 'PAYDUNYA-MODE': 'nonsense' }),
        { 'paydunya-master-key': s.masterKey, 'paydunya-private-key': s.test.privateKey, 'paydunya-token': s.test.token },
      ];
      for (const headers of variants) {
        const r = pd(await send(`${s.url}${SANDBOX}/checkout-invoice/create`, { headers, body: JSON.stringify(body) }), '00');
        assert.match(r.token, /^test_/);
      }
    });

    test('test keys on the live base, for every route of /api/v1 and /api/v2/disburse: 1001, nothing stored', async () => {
      const before = await s.state();
      for (const [path, body] of ROUTES) await refused(`${LIVE}${path}`, s.keys('test'), body);
      for (const path of ['/disburse/get-invoice', '/disburse/submit-invoice', '/disburse/check-status']) {
        await refused(`/api/v2${path}`, s.keys('test'), ROUTES.find(([p]) => p === path)?.[1]);
      }
      assert.equal(await s.state(), before);
    });

    test('live keys before the integration is live: 1001 on /api/v1 and on the sandbox', async () => {
      const before = await s.state();
      for (const [path, body] of ROUTES) {
        await refused(`${LIVE}${path}`, s.keys('live'), body);
        await refused(`${SANDBOX}${path}`, s.keys('live'), body);
      }
      await refused('/api/v2/disburse/get-invoice', s.keys('live'), ROUTES[5]?.[1]);
      assert.equal(await s.state(), before);
    });

    test('wrong, missing, swapped and trailing-space keys: 1001 every time', async () => {
      const token = await s.createInvoice();
      const path = `${SANDBOX}/checkout-invoice/confirm/${token}`;
      const k = { master: s.masterKey, priv: s.test.privateKey, tok: s.test.token };
      const h = (master: string | undefined, priv: string | undefined, tok: string | undefined) => {
        const out: Record<string, string> = { 'Content-Type': 'application/json' };
        if (master !== undefined) out['PAYDUNYA-MASTER-KEY'] = master;
        if (priv !== undefined) out['PAYDUNYA-PRIVATE-KEY'] = priv;
        if (tok !== undefined) out['PAYDUNYA-TOKEN'] = tok;
        return out;
      };
      const flip = (v: string) => v.slice(0, -1) + (v.endsWith('A') ? 'B' : 'A');
      const cases: Array<[string, Record<string, string>]> = [
        ['no headers at all', {}],
        ['no master key', h(undefined, k.priv, k.tok)],
        ['no private key', h(k.master, undefined, k.tok)],
        ['no token', h(k.master, k.priv, undefined)],
        ['empty master key', h('', k.priv, k.tok)],
        ['wrong master key', h(flip(k.master), k.priv, k.tok)],
        ['wrong private key', h(k.master, flip(k.priv), k.tok)],
        ['wrong token', h(k.master, k.priv, flip(k.tok))],
        // A plain trailing space or tab is optional whitespace that HTTP removes before any server sees
        // it (RFC 9110 §5.5); what survives the wire from a key pasted out of a web page is a no-break space.
        ['master key with a trailing no-break space', h(`${k.master}\u00a0`, k.priv, k.tok)],
        ['private key with a trailing no-break space', h(k.master, `${k.priv}\u00a0`, k.tok)],
        ['token with a trailing no-break space', h(k.master, k.priv, `${k.tok}\u00a0`)],
        ['master key with a space inside', h(`${k.master.slice(0, 10)} ${k.master.slice(10)}`, k.priv, k.tok)],
        ['token with an extra character', h(k.master, k.priv, `${k.tok}x`)],
        ['the public key in the private key header', h(k.master, s.test.publicKey, k.tok)],
        ['the live private key with the test token', h(k.master, s.live.privateKey, k.tok)],
        ['private key and token swapped', h(k.master, k.tok, k.priv)],
      ];
      for (const [what, headers] of cases) {
        const r = await send(`${s.url}${path}`, { headers });
        assert.deepEqual(pd(r), BAD_KEYS, `${what}: ${r.text}`);
        const post = await send(`${s.url}${SANDBOX}/checkout-invoice/create`, { headers, body: JSON.stringify({ invoice: { total_amount: 1000 }, store: { name: 'M' } }) });
        assert.deepEqual(pd(post), BAD_KEYS, `${what} (create): ${post.text}`);
      }
      // And the right keys still confirm it.
      assert.equal((await s.confirm(token)).status, 'pending');
    });

    test("another shop's keys cannot see this shop's invoice (1002), and one shop's master key never goes with another's private key and token (1001)", async () => {
      const { merchant } = await registerMerchant(s.deps, { email: 'autre@boutique.sn', password: 'another long password 1', companyName: 'Autre boutique' }, { verified: true });
      const { credentials } = await createIntegration(s.deps, merchant.id, { name: 'Autre' }, { kind: 'system', id: null });
      const other = { 'PAYDUNYA-MASTER-KEY': credentials.paydunya.masterKey, 'PAYDUNYA-PRIVATE-KEY': credentials.paydunya.test.privateKey, 'PAYDUNYA-TOKEN': credentials.paydunya.test.token };
      const token = await s.createInvoice();
      assert.deepEqual(pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${token}`, { headers: other })), { response_code: '1002', response_text: 'Invoice Not Found' });
      assert.deepEqual(pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${token}`, { headers: { ...s.keys('test'), 'PAYDUNYA-MASTER-KEY': credentials.paydunya.masterKey } })), BAD_KEYS);
      assert.deepEqual(pd(await send(`${s.url}${SANDBOX}/checkout-invoice/confirm/${token}`, { headers: { ...other, 'PAYDUNYA-MASTER-KEY': s.masterKey } })), BAD_KEYS);
    });

    test('after going live: live keys work on /api/v1 only, create live invoices; their methods refuse (no live money); test keys keep working on the sandbox', async () => {
      const oldLive = { ...s.live };
      const live = await s.goLive();
      assert.notEqual(live.privateKey, oldLive.privateKey, 'going live renews the live keys');
      assert.match(live.privateKey, /^live_private_[A-Za-z0-9]{27}$/);
      await refused(`${LIVE}/checkout-invoice/create`, { ...s.keys('live'), 'PAYDUNYA-PRIVATE-KEY': oldLive.privateKey, 'PAYDUNYA-TOKEN': oldLive.token }, ROUTES[0]?.[1]);

      const body = { invoice: { total_amount: 2500, description: 'Live' }, store: { name: 'Magasin' }, actions: { return_url: 'https://shop.example/r', callback_url: 'https://shop.example/ipn' } };
      const c = pd(await s.post(`${LIVE}/checkout-invoice/create`, body, { mode: 'live' }), '00');
      assert.match(c.token, /^[A-Za-z0-9]{20}$/, 'a live token: 20 alphanumerics, no test_');
      assert.equal(c.response_text, `${s.url}/checkout/invoice/${c.token}`);
      assert.ok(!('invoice_token' in c));
      const conf = await s.confirm(c.token, 'live');
      assert.equal(conf.mode, 'live');
      assert.equal(conf.status, 'pending');
      assert.equal(conf.invoice.total_amount, 2500);

      // Live keys stay refused on the sandbox; test keys stay refused on the live base.
      await refused(`${SANDBOX}/checkout-invoice/create`, s.keys('live'), body);
      await refused(`${LIVE}/checkout-invoice/confirm/${c.token}`, s.keys('test'));
      assert.deepEqual(pd(await s.get(`${SANDBOX}/checkout-invoice/confirm/${c.token}`)), { response_code: '1002', response_text: 'Invoice Not Found' }, 'a live invoice is not a sandbox one');
      assert.equal((await s.confirm(await s.createInvoice())).mode, 'test', 'test keys keep working in test mode');

      // No live money: the hosted checkout refuses the wallet, SOFTPAY refuses the push, opr/direct pay/disburse refuse.
      const before = await s.state();
      const payment = await s.payment(c.token);
      const v = new Visitor(s.url);
      const page = await v.get(checkoutPath(payment));
      assert.equal(page.status, 200);
      const refusedPay = await v.post(checkoutPath(payment, 'pay'), { method: 'wallet', customer: 'awa@example.sn' });
      assert.ok(refusedPay.status >= 400, `the page refuses: ${refusedPay.status}`);
      assert.match(refusedPay.html, /Ce moyen de paiement n.*est pas disponible/);
      const soft = await s.post(`${LIVE}/softpay/wave-senegal`, { wave_senegal_fullName: 'Awa', wave_senegal_email: 'awa@example.sn', wave_senegal_phone: '771234567', wave_senegal_payment_token: c.token }, { mode: 'live' });
      assert.equal(soft.status, 200);
      assert.equal(soft.body.success, false, soft.text);
      const opr = pd(await s.post(`${LIVE}/opr/create`, { invoice_data: { invoice: { total_amount: 1000 }, store: { name: 'M' } }, opr_data: { account_alias: 'awa@example.sn' } }, { mode: 'live' }));
      assert.notEqual(opr.response_code, '00', JSON.stringify(opr));
      const credit = pd(await s.post(`${LIVE}/direct-pay/credit-account`, { account_alias: 'awa@example.sn', amount: 500 }, { mode: 'live' }));
      assert.notEqual(credit.response_code, '00', JSON.stringify(credit));
      assert.equal(await s.state(), before, 'no live payment, payout or customer balance moved');
      assert.equal((await s.confirm(c.token, 'live')).status, 'pending');

      // Disbursement on /api/v2 (and /api/v1): live keys are accepted, but nothing is ever sent.
      for (const base of ['/api/v2', LIVE]) {
        const inv = pd(await s.post(`${base}/disburse/get-invoice`, { account_alias: '771111111', amount: 500, withdraw_mode: 'orange-money-senegal' }, { mode: 'live' }), '00');
        assert.match(inv.disburse_token, /^[A-Za-z0-9]{20}$/);
        const sub = pd(await s.post(`${base}/disburse/submit-invoice`, { disburse_invoice: inv.disburse_token }, { mode: 'live' }));
        assert.notEqual(sub.response_code, '00', JSON.stringify(sub));
        assert.match(sub.response_text, /no live connector/i);
        const st = pd(await s.post(`${base}/disburse/check-status`, { disburse_invoice: inv.disburse_token }, { mode: 'live' }), '00');
        assert.equal(st.status, 'created', 'never sent');
      }
    });
  });
}
