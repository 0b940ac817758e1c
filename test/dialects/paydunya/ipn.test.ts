/**
 * Spec §5: the IPN is the confirm payload, form-encoded as PHP's http_build_query writes it (data[...]
 * keys, brackets percent-encoded), POSTed to actions.callback_url when the invoice ends — completed,
 * cancelled or failed, never while pending — with data[hash] = hex SHA-512 of the master key, checked
 * here the way the plugins do it. Any 2xx delivers it; a 500 is retried a minute later.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { completeTestPayment } from '../../../src/services/sandbox/controls.js';
import { testDatabases } from '../../helpers/dbs.js';
import { type Received, type Receiver, startReceiver } from '../../helpers/receiver.js';
import { type Shop, sha512Hex, startShop } from './harness.js';

for (const kind of testDatabases()) {
  describe(`PayDunya IPNs on ${kind}`, () => {
    let s: Shop;
    let rx: Receiver;
    let n = 0;

    before(async () => {
      [s, rx] = await Promise.all([startShop(kind), startReceiver('/ipn')]);
      await s.customer('Alioune Faye', 'aliounefaye@gmail.com', '774563209', 1_000_000);
    });
    after(async () => {
      await s?.stop();
      await rx?.close();
    });

    /** A callback URL of its own for each invoice, so each test reads only its IPNs. */
    const invoiceWithCallback = async (extra: { total?: number; custom?: Record<string, string> } = {}) => {
      const callback = `${rx.url}?case=${++n}`;
      const token = await s.createInvoice({
        invoice: { total_amount: extra.total ?? 7_500, description: 'IPN', items: { item_0: { name: 'Croco', quantity: 1, unit_price: extra.total ?? 7_500, total_price: extra.total ?? 7_500 } } },
        actions: { callback_url: callback, return_url: 'http://shop.example/r', cancel_url: 'http://shop.example/c' },
        ...(extra.custom && { custom_data: extra.custom }),
      });
      return { token, callback, received: (): Received[] => rx.received.filter((r) => `${rx.url.replace(/\/ipn$/, '')}${r.url}` === callback) };
    };

    const form = (r: Received | undefined): URLSearchParams => {
      assert.ok(r, 'an IPN arrived');
      assert.equal(r.method, 'POST');
      assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.ok(r.body.includes('data%5Bhash%5D='), 'brackets percent-encoded, as PHP sends them');
      const f = new URLSearchParams(r.body);
      // What every official plugin does: compare data[hash] with hash('sha512', MASTER_KEY).
      assert.equal(f.get('data[hash]'), sha512Hex(s.masterKey), 'data[hash] = hex SHA-512 of the master key');
      assert.match(f.get('data[hash]') ?? '', /^[0-9a-f]{128}$/);
      return f;
    };

    test('none while pending; on completion one IPN with the confirm payload, the customer and the receipt, hash verified with node:crypto', async () => {
      const inv = await invoiceWithCallback({ custom: { order_id: '123' } });
      await s.s.app.worker.drain();
      assert.equal(inv.received().length, 0, 'no IPN for a pending invoice');
      await s.advance(60_000);
      assert.equal(inv.received().length, 0);

      const code = (
        await s.post('/sandbox-api/v1/opr/create', {
          invoice_data: { invoice: { total_amount: 7_500 }, store: { name: 'Magasin' }, actions: { callback_url: inv.callback } },
          opr_data: { account_alias: 'aliounefaye@gmail.com' },
        })
      ).body;
      // The checkout invoice is paid by the sandbox controls; the OPR one by its code.
      await completeTestPayment(s.deps, s.merchantId, (await s.payment(inv.token)).id, 'paid');
      await s.s.app.worker.drain();
      const ipns = inv.received().filter((r) => r.body.includes(inv.token));
      assert.equal(ipns.length, 1);
      const f = form(ipns[0]);
      const confirm = await s.confirm(inv.token);
      assert.equal(f.get('data[hash]'), confirm.hash, 'the same hash as confirm');
      assert.equal(f.get('data[response_code]'), '00');
      assert.equal(f.get('data[response_text]'), 'Transaction Found');
      assert.equal(f.get('data[status]'), 'completed');
      assert.equal(f.get('data[mode]'), 'test');
      assert.equal(f.get('data[invoice][token]'), inv.token);
      assert.equal(f.get('data[invoice][total_amount]'), '7500');
      assert.equal(f.get('data[invoice][items][item_0][name]'), 'Croco');
      assert.equal(f.get('data[custom_data][order_id]'), '123');
      assert.equal(f.get('data[actions][callback_url]'), inv.callback);
      assert.equal(f.get('data[receipt_url]'), confirm.receipt_url);
      assert.equal(f.get('data[fail_reason]'), '');
      assert.ok(f.has('data[customer][name]') && f.has('data[customer][email]') && f.has('data[customer][phone]'));

      // The on-site invoice, paid with the code, notifies the same callback with the customer filled in.
      const otp = await s.oneTimeCode('aliounefaye@gmail.com', code.invoice_token);
      assert.equal((await s.post('/sandbox-api/v1/opr/charge', { token: code.token, confirm_token: otp })).body.response_code, '00');
      await s.s.app.worker.drain();
      const opr = inv.received().filter((r) => r.body.includes(code.invoice_token));
      assert.equal(opr.length, 1);
      const g = form(opr[0]);
      assert.equal(g.get('data[status]'), 'completed');
      assert.equal(g.get('data[customer][name]'), 'Alioune Faye');
      assert.equal(g.get('data[customer][email]'), 'aliounefaye@gmail.com');
      assert.equal(g.get('data[customer][phone]'), '774563209');
      assert.equal(g.get('data[customer][payment_method]'), (await s.confirm(code.invoice_token)).customer.payment_method);
      // Nothing more: a delivered IPN is not sent again.
      await s.advance(10 * 60_000);
      assert.equal(inv.received().length, 2);
    });

    test('cancelled and failed invoices notify too, with their status (and the reason of a failure)', async () => {
      const cancelled = await invoiceWithCallback();
      const failed = await invoiceWithCallback();
      await completeTestPayment(s.deps, s.merchantId, (await s.payment(cancelled.token)).id, 'cancelled');
      await completeTestPayment(s.deps, s.merchantId, (await s.payment(failed.token)).id, 'failed');
      await s.s.app.worker.drain();
      assert.equal(cancelled.received().length, 1);
      assert.equal(failed.received().length, 1);
      const c = form(cancelled.received()[0]);
      assert.equal(c.get('data[status]'), 'cancelled');
      assert.equal(c.get('data[invoice][token]'), cancelled.token);
      assert.equal(c.get('data[receipt_url]'), null, 'no receipt for a cancelled invoice');
      const f = form(failed.received()[0]);
      assert.equal(f.get('data[status]'), 'failed');
      assert.notEqual(f.get('data[fail_reason]') ?? '', '');
    });

    test('an invoice left unpaid for 24 h is cancelled and notified', async () => {
      const inv = await invoiceWithCallback();
      await s.advance(24 * 60 * 60_000 + 1_000);
      assert.equal(inv.received().length, 1);
      assert.equal(form(inv.received()[0]).get('data[status]'), 'cancelled');
    });

    test('a 500 is retried a minute later; the 2xx that follows delivers it, and nothing more is sent', async () => {
      const inv = await invoiceWithCallback();
      rx.status = 500;
      try {
        await completeTestPayment(s.deps, s.merchantId, (await s.payment(inv.token)).id, 'paid');
        await s.s.app.worker.drain();
        assert.equal(inv.received().length, 1, 'first attempt at once');
        await s.s.app.worker.drain();
        await s.advance(59_000);
        assert.equal(inv.received().length, 1, 'no second attempt before a minute');
        rx.status = 200;
        await s.advance(1_000);
        assert.equal(inv.received().length, 2, 'second attempt a minute later');
        assert.equal(inv.received()[1]?.body, inv.received()[0]?.body, 'the same body');
        form(inv.received()[1]);
        await s.advance(60 * 60_000);
        assert.equal(inv.received().length, 2, 'delivered: no third attempt');
        const d = await s.s.store.db.selectFrom('deliveries').selectAll().where('url', '=', inv.callback).execute();
        assert.equal(d.length, 1);
        assert.equal(d[0]?.status, 'delivered');
        assert.equal(d[0]?.attempts, 2);
      } finally {
        rx.status = 200;
      }
    });

    test('any 2xx delivers (204 here); an invoice without callback_url notifies nobody', async () => {
      const inv = await invoiceWithCallback();
      rx.status = 204;
      try {
        await completeTestPayment(s.deps, s.merchantId, (await s.payment(inv.token)).id, 'paid');
        await s.s.app.worker.drain();
        await s.advance(5 * 60_000);
        assert.equal(inv.received().length, 1);
      } finally {
        rx.status = 200;
      }
      const total = rx.received.length;
      const silent = await s.createInvoice();
      await completeTestPayment(s.deps, s.merchantId, (await s.payment(silent)).id, 'paid');
      await s.advance(60_000);
      assert.equal(rx.received.length, total);
      assert.equal((await s.s.store.db.selectFrom('deliveries').select('id').where('payment_id', '=', (await s.payment(silent)).id).execute()).length, 0);
    });
  });
}
