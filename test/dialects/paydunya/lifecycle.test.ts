/**
 * Spec §3.2, §4, §6: an invoice is pending, then completed (a fictitious customer pays from their
 * balance on the hosted checkout), cancelled (the customer cancels; or 24 h pass), or failed. Once
 * completed, confirm carries customer (with payment_method), receipt_url (a page that answers 200, and
 * 404 before), receipt_identifier, provider_reference and mode. The customer goes back to return_url or
 * cancel_url with the invoice token appended (?token=, or &token= after an existing query).
 * The hosted checkout is driven here as a browser without JavaScript would (form posts); the same
 * flow in Chromium is invoice.browser.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { completeTestPayment } from '../../../src/services/sandbox/controls.js';
import type { FictitiousCustomer } from '../../../src/store/repos/sandbox.js';
import { Visitor } from '../../checkout/world.js';
import { checkoutPath } from '../../../src/services/payments/queries.js';
import { testDatabases } from '../../helpers/dbs.js';
import { assertMap, SANDBOX, type Shop, send, startShop } from './harness.js';

const RETURN = 'http://shop.example/return';
const CANCEL = 'http://shop.example/cancel';
const DAY = 24 * 60 * 60_000;

for (const kind of testDatabases()) {
  describe(`the life of a PayDunya invoice on ${kind}`, () => {
    let s: Shop;
    let moussa: FictitiousCustomer;
    let poor: FictitiousCustomer;

    before(async () => {
      s = await startShop(kind);
      moussa = await s.customer('Moussa Diop', 'moussa@example.sn', '776543210', 50_000);
      poor = await s.customer('Fatou Sarr', 'fatou@example.sn', '770000011', 1_000);
    });
    after(() => s?.stop());

    /** Opens the invoice's checkout URL as a visitor: 302 from /sandbox-checkout/invoice/… to the hosted page. */
    const openCheckout = async (token: string): Promise<{ v: Visitor; payPath: string }> => {
      const conf = await s.confirm(token);
      assert.equal(conf.status, 'pending');
      const link = await send(`${s.url}/sandbox-checkout/invoice/${token}`);
      assert.equal(link.status, 302);
      const location = String(link.headers.location);
      assert.match(location, new RegExp(`^${s.url}/pay/pay_[0-9a-z]{21}\\?t=[0-9a-f]{32}$`));
      const payPath = location.slice(s.url.length);
      const v = new Visitor(s.url);
      const page = await v.get(payPath);
      assert.equal(page.status, 200);
      assert.match(page.html, /Compte portefeuille/);
      return { v, payPath };
    };

    const receiptOf = (token: string) => `${s.url}/sandbox-checkout/receipt/pdf/${token}.pdf`;

    test('pending → completed: the customer logs in to the wallet with their email and pays; confirm carries customer, receipt and references; the balance is debited', async () => {
      const token = await s.createInvoice({ invoice: { total_amount: 12_000, description: 'Panier' }, actions: { return_url: RETURN, cancel_url: CANCEL }, custom_data: { order_id: 'C-1' } });
      const pending = await s.confirm(token);
      assert.equal(pending.status, 'pending');
      assert.deepEqual(pending.customer, {});
      assert.ok(!pending.receipt_url, 'no receipt_url while pending');
      assert.equal(pending.fail_reason, '');
      assert.equal((await send(receiptOf(token))).status, 404, 'no receipt before completion');

      const { v, payPath } = await openCheckout(token);
      const paid = await v.post(payPath.replace('?', '/pay?'), { method: 'wallet', customer: 'Moussa@Example.sn ' });
      assert.equal(paid.status, 303);
      assert.equal(paid.location, `${RETURN}?token=${token}`, 'back to return_url with ?token=');

      const done = await s.confirm(token);
      assert.equal(done.response_code, '00');
      assert.equal(done.status, 'completed');
      assert.equal(done.mode, 'test');
      assert.equal(done.fail_reason, '');
      assertMap(done.customer, 'customer');
      const { payment_method: method, ...who } = done.customer;
      assert.deepEqual(who, { name: 'Moussa Diop', phone: '776543210', email: 'moussa@example.sn' });
      assert.match(method, /^[a-z][a-z_]*$/, 'payment_method, with underscores');
      assert.equal(done.receipt_url, receiptOf(token));
      assert.equal(typeof done.receipt_identifier, 'string');
      assert.notEqual(done.receipt_identifier, '');
      assert.equal(typeof done.provider_reference, 'string');
      assert.notEqual(done.provider_reference, '');
      assert.deepEqual(done.custom_data, { order_id: 'C-1' });
      assert.equal(done.invoice.total_amount, 12_000);

      const receipt = await send(done.receipt_url);
      assert.equal(receipt.status, 200);
      assert.equal(String(receipt.headers['content-type']), 'application/pdf');
      assert.ok(receipt.text.startsWith('%PDF-'), 'a PDF (its contents: test/checkout/receipt.test.ts)');
      assert.equal(await s.balanceOf(moussa), 38_000, 'the invoice amount left the fictitious balance');
    });

    test('a customer whose balance is too low is refused with a clear message; nothing changes; an unknown wallet too', async () => {
      const token = await s.createInvoice({ invoice: { total_amount: 5_000 }, actions: { return_url: RETURN, cancel_url: CANCEL } });
      const { v, payPath } = await openCheckout(token);
      const before = await s.state();
      const low = await v.post(payPath.replace('?', '/pay?'), { method: 'wallet', customer: 'fatou@example.sn' });
      assert.ok(low.status >= 400 && low.status < 500, `refused: ${low.status}`);
      assert.match(low.html, /insufficient balance/i);
      assert.match(low.html, /Fatou Sarr/);
      const nobody = await v.post(payPath.replace('?', '/pay?'), { method: 'wallet', customer: 'nobody@example.sn' });
      assert.ok(nobody.status >= 400 && nobody.status < 500);
      assert.match(nobody.html, /no fictitious customer/i);
      assert.equal(await s.state(), before, 'a refusal changes nothing');
      assert.equal(await s.balanceOf(poor), 1_000);
      assert.equal((await s.confirm(token)).status, 'pending');
      // Reloaded elsewhere, the same invoice can still be paid by someone who can afford it.
      const ok = await v.post(payPath.replace('?', '/pay?'), { method: 'wallet', customer: '776543210' });
      assert.equal(ok.location, `${RETURN}?token=${token}`);
      assert.equal((await s.confirm(token)).status, 'completed');
    });

    test('a return_url that already has a query gets &token=', async () => {
      const ret = 'http://shop.example/commande/retour?order=7&lang=fr';
      const token = await s.createInvoice({ invoice: { total_amount: 1_000 }, actions: { return_url: ret, cancel_url: `${CANCEL}?order=7` } });
      assert.equal((await s.payment(token)).cancelUrl, `${CANCEL}?order=7&token=${token}`);
      const { v, payPath } = await openCheckout(token);
      const paid = await v.post(payPath.replace('?', '/pay?'), { method: 'wallet', customer: 'moussa@example.sn' });
      assert.equal(paid.location, `${ret}&token=${token}`);
    });

    test('pending → cancelled: the customer cancels on the page and lands on cancel_url?token=; no receipt', async () => {
      const token = await s.createInvoice({ invoice: { total_amount: 2_000 }, actions: { return_url: RETURN, cancel_url: CANCEL } });
      const { v, payPath } = await openCheckout(token);
      const r = await v.post(payPath.replace('?', '/cancel?'), {});
      assert.equal(r.status, 303);
      assert.equal(r.location, `${CANCEL}?token=${token}`);
      const conf = await s.confirm(token);
      assert.equal(conf.status, 'cancelled');
      assert.deepEqual(conf.customer, {});
      assert.ok(!conf.receipt_url);
      assert.equal((await send(receiptOf(token))).status, 404);
      // A cancelled invoice cannot be paid afterwards.
      const late = await v.post(payPath.replace('?', '/pay?'), { method: 'wallet', customer: 'moussa@example.sn' });
      assert.notEqual(late.status, 303);
      assert.equal((await s.confirm(token)).status, 'cancelled');
    });

    test('pending → failed: status failed with a fail_reason; no receipt, no customer', async () => {
      const token = await s.createInvoice({ invoice: { total_amount: 3_000 } });
      await completeTestPayment(s.deps, s.merchantId, (await s.payment(token)).id, 'failed');
      const conf = await s.confirm(token);
      assert.equal(conf.status, 'failed');
      assert.equal(typeof conf.fail_reason, 'string');
      assert.notEqual(conf.fail_reason, '');
      assert.deepEqual(conf.customer, {});
      assert.ok(!conf.receipt_url);
      assert.equal((await send(receiptOf(token))).status, 404);
      assert.equal(conf.invoice.total_amount, 3_000);
    });

    test('an unpaid invoice is cancelled after 24 hours, not before; it can no longer be paid', async () => {
      const token = await s.createInvoice({ invoice: { total_amount: 4_000 }, actions: { return_url: RETURN, cancel_url: CANCEL } });
      await s.advance(DAY - 60_000);
      assert.equal((await s.confirm(token)).status, 'pending', 'still pending a minute before the day is over');
      await s.advance(2 * 60_000);
      const conf = await s.confirm(token);
      assert.equal(conf.status, 'cancelled');
      assert.equal(conf.invoice.total_amount, 4_000);
      const p = await s.payment(token);
      const v = new Visitor(s.url);
      await v.get(checkoutPath(p));
      const late = await v.post(checkoutPath(p, 'pay'), { method: 'wallet', customer: 'moussa@example.sn' });
      assert.notEqual(late.status, 303);
      assert.equal((await s.confirm(token)).status, 'cancelled');
      assert.equal(await s.balanceOf(moussa), 50_000 - 12_000 - 5_000 - 1_000);
    });

    test('confirm answers the same by GET and by POST (any body ignored)', async () => {
      const token = await s.createInvoice();
      const viaGet = await s.confirm(token);
      const viaPost = await s.post(`${SANDBOX}/checkout-invoice/confirm/${token}`, { ignored: true });
      assert.deepEqual(viaPost.body, viaGet);
    });
  });
}
