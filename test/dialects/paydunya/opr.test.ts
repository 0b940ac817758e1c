/**
 * Spec §3.3–§3.5, §6: on-site payment (opr/create sends a one-time code to the fictitious customer —
 * in test mode a mail in the outbox, kind one_time_code — and opr/charge pays with it from their
 * balance) and direct pay (direct-pay/credit-account sends test money from the integration's test
 * balance to a fictitious customer). Every refusal is a non-00 code and moves nothing.
 * Codes (errors.ts, decided where the spec is silent): 4003 wrong code, 4002 funds, 4000 invalid.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FictitiousCustomer } from '../../../src/store/repos/sandbox.js';
import { testDatabases } from '../../helpers/dbs.js';
import { refuseWrites } from '../../helpers/refuse-writes.js';
import { BAD_KEYS, LIVE, pd, SANDBOX, type Shop, startShop } from './harness.js';

const oprBody = (alias: string, total = 8_000, extra: Record<string, unknown> = {}) => ({
  invoice_data: {
    invoice: { items: { item_0: { name: 'Jeu', quantity: 1, unit_price: total, total_price: total } }, total_amount: total, description: 'Jeu concours' },
    store: { name: 'Magasin le Choco' },
    custom_data: { ref: 'OPR-1' },
    actions: { return_url: 'http://shop.example/r' },
  },
  opr_data: { account_alias: alias },
  ...extra,
});

for (const kind of testDatabases()) {
  describe(`PayDunya on-site payment (OPR) and direct pay on ${kind}`, () => {
    let s: Shop;
    let fabrice: FictitiousCustomer;
    let poor: FictitiousCustomer;

    before(async () => {
      s = await startShop(kind);
      fabrice = await s.customer('Fabrice', 'fabrice@gmail.com', '774563209', 100_000);
      poor = await s.customer('Modou Fall', 'modou@example.sn', '771112233', 2_000);
    });
    after(() => s?.stop());

    test('opr/create: the code goes to the customer by mail; a wrong code fails (4003) and pays nothing; the right one pays from the balance', async () => {
      const c = pd(await s.post(`${SANDBOX}/opr/create`, oprBody('fabrice@gmail.com')), '00');
      assert.match(c.token, /^[A-Za-z0-9]{20}$/, 'the OPR token');
      assert.match(c.invoice_token, /^test_[A-Za-z0-9]{10}$/, 'the invoice token');
      assert.equal(typeof c.description, 'string');
      assert.equal((await s.confirm(c.invoice_token)).status, 'pending');
      const code = await s.oneTimeCode('fabrice@gmail.com', c.invoice_token);
      assert.match(code, /^\d{4,8}$/);

      const before = await s.state();
      for (const wrong of ['56Y8', '', String((Number(code) + 1) % 1_000_000).padStart(code.length, '0')]) {
        const r = pd(await s.post(`${SANDBOX}/opr/charge`, { token: c.token, confirm_token: wrong }));
        assert.equal(r.response_code, '4003', `wrong code ${wrong}: ${JSON.stringify(r)}`);
        assert.ok(!('invoice_data' in r));
      }
      assert.equal(await s.state(), before, 'a wrong code changes nothing');
      assert.equal(await s.balanceOf(fabrice), 100_000);

      const paid = pd(await s.post(`${SANDBOX}/opr/charge`, { token: c.token, confirm_token: code }), '00');
      assert.equal(paid.invoice_data.status, 'completed');
      assert.equal(paid.invoice_data.invoice.token, c.invoice_token);
      assert.equal(paid.invoice_data.invoice.total_amount, 8_000);
      assert.deepEqual(paid.invoice_data.custom_data, { ref: 'OPR-1' });
      assert.equal(paid.invoice_data.customer.email, 'fabrice@gmail.com');
      assert.equal(paid.invoice_data.customer.name, 'Fabrice');
      assert.equal(paid.invoice_data.receipt_url, `${s.url}/sandbox-checkout/receipt/pdf/${c.invoice_token}.pdf`);
      assert.equal(await s.balanceOf(fabrice), 92_000);
      const conf = await s.confirm(c.invoice_token);
      assert.equal(conf.status, 'completed');
      assert.match(conf.customer.payment_method, /^[a-z][a-z_]*$/);

      // Charging it again: the invoice is already completed; nothing is paid twice.
      const again = pd(await s.post(`${SANDBOX}/opr/charge`, { token: c.token, confirm_token: code }));
      assert.notEqual(again.response_code, '00', JSON.stringify(again));
      assert.equal(await s.balanceOf(fabrice), 92_000);
    });

    test('opr/create stores the invoice and queues its code in one transaction: when the mail cannot be queued, nothing remains', async () => {
      const before = await s.state();
      const allow = await refuseWrites(s.s.store.db, kind, { name: 'refuse_code_mail', table: 'mail_outbox', event: 'insert', when: "new.kind = 'one_time_code'" });
      try {
        const r = pd(await s.post(`${SANDBOX}/opr/create`, oprBody('fabrice@gmail.com')));
        assert.notEqual(r.response_code, '00', JSON.stringify(r));
      } finally {
        await allow();
      }
      assert.equal(await s.state(), before, 'no invoice without its code');
    });

    test('the NODE shape (numbers as strings) and an alias given by phone number work the same', async () => {
      const c = pd(await s.post(`${SANDBOX}/opr/create`, oprBody(' 774563209 ', 1_500)), '00');
      const code = await s.oneTimeCode('fabrice@gmail.com', c.invoice_token);
      pd(await s.post(`${SANDBOX}/opr/charge`, { token: String(c.token), confirm_token: String(code) }), '00');
      assert.equal(await s.balanceOf(fabrice), 90_500);
    });

    test('an unknown account_alias is refused and nothing is stored (no invoice, no mail)', async () => {
      const before = await s.state();
      for (const alias of ['nobody@example.sn', '779999999', '']) {
        const r = pd(await s.post(`${SANDBOX}/opr/create`, oprBody(alias)));
        assert.notEqual(r.response_code, '00', `${alias}: ${JSON.stringify(r)}`);
        assert.ok(!('token' in r) && !('invoice_token' in r));
      }
      const noOpr = pd(await s.post(`${SANDBOX}/opr/create`, { invoice_data: oprBody('x').invoice_data }));
      assert.notEqual(noOpr.response_code, '00');
      assert.equal(await s.state(), before);
    });

    test('an unknown OPR token is refused', async () => {
      const before = await s.state();
      const r = pd(await s.post(`${SANDBOX}/opr/charge`, { token: 'AAAAAAAAAAAAAAAAAAAA', confirm_token: '123456' }));
      assert.notEqual(r.response_code, '00');
      assert.equal(await s.state(), before);
    });

    test('insufficient balance: the right code is refused with the funds code (4002) and nothing is paid', async () => {
      const c = pd(await s.post(`${SANDBOX}/opr/create`, oprBody('modou@example.sn', 5_000)), '00');
      const code = await s.oneTimeCode('modou@example.sn', c.invoice_token);
      const before = await s.state();
      const r = pd(await s.post(`${SANDBOX}/opr/charge`, { token: c.token, confirm_token: code }));
      assert.equal(r.response_code, '4002', `the funds code: ${JSON.stringify(r)}`);
      assert.equal(await s.state(), before);
      assert.equal(await s.balanceOf(poor), 2_000);
      assert.equal((await s.confirm(c.invoice_token)).status, 'pending');
    });

    test('direct pay credits the customer and debits the test balance (a payout); more than the balance is 4002; a decimal amount is 4000', async () => {
      const balance = await s.testBalance();
      assert.equal(balance, 8_000 + 1_500, 'what the OPR invoices brought in');
      const r = pd(await s.post(`${SANDBOX}/direct-pay/credit-account`, { account_alias: 'modou@example.sn', amount: 5_000 }), '00');
      assert.match(r.transaction_id, /^TFA-TX-[A-Za-z0-9]{20}$/);
      assert.equal(typeof r.description, 'string');
      assert.match(r.description, /5000/);
      assert.equal(await s.balanceOf(poor), 7_000, 'credited');
      assert.equal(await s.testBalance(), balance - 5_000, 'debited from the test balance');
      const moved = await s.s.store.db.selectFrom('ledger_transactions').selectAll().where('integration_id', '=', s.integrationId).where('kind', '=', 'direct_pay').execute();
      assert.deepEqual(moved.map((t) => [t.mode, t.ref_id, t.currency]), [['test', r.transaction_id, 'XOF']], 'a direct pay is a transfer to the wallet in the ledger');

      const before = await s.state();
      const tooMuch = pd(await s.post(`${SANDBOX}/direct-pay/credit-account`, { account_alias: 'fabrice@gmail.com', amount: balance }));
      assert.equal(tooMuch.response_code, '4002', JSON.stringify(tooMuch));
      for (const amount of [100.5, '100.5', 0, -5, 'abc', null]) {
        const bad = pd(await s.post(`${SANDBOX}/direct-pay/credit-account`, { account_alias: 'fabrice@gmail.com', amount }));
        assert.equal(bad.response_code, '4000', `amount ${JSON.stringify(amount)}: ${JSON.stringify(bad)}`);
      }
      const unknown = pd(await s.post(`${SANDBOX}/direct-pay/credit-account`, { account_alias: 'nobody@example.sn', amount: 100 }));
      assert.notEqual(unknown.response_code, '00');
      assert.equal(await s.state(), before, 'refusals move nothing');
    });

    test('the live base: test keys are 1001; once live, live keys are refused (no live connector) and nothing is stored', async () => {
      assert.deepEqual(pd(await s.post(`${LIVE}/opr/create`, oprBody('fabrice@gmail.com'))), BAD_KEYS);
      assert.deepEqual(pd(await s.post(`${LIVE}/direct-pay/credit-account`, { account_alias: 'fabrice@gmail.com', amount: 100 })), BAD_KEYS);
      await s.goLive();
      const before = await s.state();
      const opr = pd(await s.post(`${LIVE}/opr/create`, oprBody('fabrice@gmail.com'), { mode: 'live' }));
      assert.notEqual(opr.response_code, '00', JSON.stringify(opr));
      assert.match(opr.response_text, /live/i);
      const credit = pd(await s.post(`${LIVE}/direct-pay/credit-account`, { account_alias: 'fabrice@gmail.com', amount: 100 }, { mode: 'live' }));
      assert.notEqual(credit.response_code, '00', JSON.stringify(credit));
      assert.equal(await s.state(), before);
    });
  });
}
