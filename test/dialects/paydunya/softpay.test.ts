/**
 * Spec §3.7: SOFTPAY pushes a checkout invoice to the customer's mobile-money account, per operator,
 * with its own envelope ({"success":…,"message":…}, no response_code). Sandbox (decided, README): the
 * push is accepted and the invoice completed 5 s later, except for a number ending in 0000, which has
 * no account ("Le compte n'existe pas") and changes nothing. An unknown operator is a 404.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../../helpers/dbs.js';
import { refuseWrites } from '../../helpers/refuse-writes.js';
import { SANDBOX, type Shop, type Wire, startShop } from './harness.js';

/** The SOFTPAY envelope: JSON, a boolean success, a message, never a response_code. */
function envelope(r: Wire, status = 200): any {
  assert.equal(r.status, status, r.text);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  assert.equal(typeof r.body, 'object');
  assert.equal(typeof r.body.success, 'boolean', r.text);
  assert.equal(typeof r.body.message, 'string', r.text);
  assert.ok(!('response_code' in r.body), `no response_code in a SOFTPAY answer: ${r.text}`);
  return r.body;
}

const wave = (token: string, phone: string) => ({ wave_senegal_fullName: 'Awa Ndiaye', wave_senegal_email: 'awa@example.sn', wave_senegal_phone: phone, wave_senegal_payment_token: token });

for (const kind of testDatabases()) {
  describe(`PayDunya SOFTPAY on ${kind}`, () => {
    let s: Shop;

    before(async () => {
      s = await startShop(kind);
    });
    after(() => s?.stop());

    test('wave-senegal with the invoice token: {"success":true,…}; the invoice is completed 5 s later', async () => {
      const token = await s.createInvoice({ invoice: { total_amount: 10_000 } });
      const r = envelope(await s.post(`${SANDBOX}/softpay/wave-senegal`, wave(token, '771234567')));
      assert.equal(r.success, true);
      assert.equal(r.currency, 'XOF');
      assert.equal(r.fees, 150, "mobile money's default 1.5 % of 10,000 XOF");
      assert.equal((await s.confirm(token)).status, 'pending', 'the customer has not confirmed on the phone yet');
      await s.advance(4_900);
      assert.equal((await s.confirm(token)).status, 'pending');
      await s.advance(200);
      const done = await s.confirm(token);
      assert.equal(done.status, 'completed');
      assert.equal(typeof done.receipt_url, 'string');

      // A second push for a completed invoice is refused and changes nothing.
      const before = await s.state();
      const again = envelope(await s.post(`${SANDBOX}/softpay/wave-senegal`, wave(token, '771234567')));
      assert.equal(again.success, false);
      assert.equal(await s.state(), before);
    });

    test("the push and the operator it went through commit together: when the operator cannot be kept, nothing changes", async () => {
      const token = await s.createInvoice({ invoice: { total_amount: 2_000 } });
      const before = await s.state();
      const allow = await refuseWrites(s.s.store.db, kind, { name: 'refuse_operator', table: 'payments', event: 'update', when: `new.wire_data like '%"operator"%'` });
      try {
        assert.equal(envelope(await s.post(`${SANDBOX}/softpay/wave-senegal`, wave(token, '771234567'))).success, false);
      } finally {
        await allow();
      }
      assert.equal(await s.state(), before, 'the invoice is not pushed without its operator');
      assert.equal((await s.confirm(token)).status, 'pending');
    });

    test('the completed invoice names who paid and how: customer.phone is the pushed number, payment_method the operator with underscores (wave_senegal)', async () => {
      const token = await s.createInvoice({ invoice: { total_amount: 3_000 } });
      envelope(await s.post(`${SANDBOX}/softpay/wave-senegal`, wave(token, '771234567')));
      await s.advance(5_000);
      const done = await s.confirm(token);
      assert.equal(done.status, 'completed');
      // Spec §3.2: payment_method uses underscores (wave_senegal, orange_money_senegal); integrators turn
      // it back into a withdraw_mode (wave-senegal) to refund by disbursement (§3.9).
      assert.equal(done.customer.phone, '771234567', 'the payer is the phone the push went to');
      assert.equal(done.customer.payment_method, 'wave_senegal');
    });

    test("a phone ending in 0000: {\"success\":false,\"message\":\"Le compte n'existe pas\"}; nothing changes", async () => {
      const token = await s.createInvoice();
      const before = await s.state();
      const r = await s.post(`${SANDBOX}/softpay/wave-senegal`, wave(token, '770000000'));
      envelope(r);
      assert.deepEqual(r.body, { success: false, message: "Le compte n'existe pas" });
      await s.advance(10_000);
      assert.equal(await s.state(), before);
      assert.equal((await s.confirm(token)).status, 'pending');
    });

    test("another operator's field names (orange-money-senegal: phone_number, invoice_token) work the same", async () => {
      const token = await s.createInvoice();
      const r = envelope(await s.post(`${SANDBOX}/softpay/orange-money-senegal`, { customer_name: 'Awa', customer_email: 'awa@example.sn', phone_number: '781234567', authorization_code: '123456', invoice_token: token }));
      assert.equal(r.success, true);
      await s.advance(5_000);
      assert.equal((await s.confirm(token)).status, 'completed');
    });

    test('an unknown operator is a 404; an unknown invoice, a missing phone and bad keys are success:false, all without response_code', async () => {
      const token = await s.createInvoice();
      const before = await s.state();
      const unknown = await s.post(`${SANDBOX}/softpay/paypal-mars`, wave(token, '771234567'));
      assert.equal(unknown.status, 404);
      assert.ok(typeof unknown.body !== 'object' || !('response_code' in unknown.body));
      assert.equal(envelope(await s.post(`${SANDBOX}/softpay/wave-senegal`, wave('test_0123456789', '771234567'))).success, false);
      assert.equal(envelope(await s.post(`${SANDBOX}/softpay/wave-senegal`, { wave_senegal_payment_token: token })).success, false);
      const badKeys = envelope(await s.post(`${SANDBOX}/softpay/wave-senegal`, wave(token, '771234567'), { headers: { ...s.keys('test'), 'PAYDUNYA-TOKEN': 'AAAAAAAAAAAAAAAAAAAA' } }));
      assert.equal(badKeys.success, false);
      assert.equal(await s.state(), before);
      assert.equal((await s.confirm(token)).status, 'pending');
    });
  });
}
