import type { IntegrationId, MerchantId } from '../../../src/core/ids.js';
/**
 * The official `paydunya` npm package (1.0.12) against the real server, its baseURL pointed at
 * Tollgate: create → pay → confirm, the IPN received by a local callback and checked as PayDunya's
 * own docs say (data[hash] = sha512 of the master key), on-site payment with a one-time code, direct pay.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { listOutbox } from '../../../src/services/mail/outbox.js';
import { registerMerchant } from '../../../src/services/merchants/accounts.js';
import { createIntegration } from '../../../src/services/merchants/integrations.js';
import { paymentByPublicId } from '../../../src/services/payments/queries.js';
import { completeTestPayment, createFictitiousCustomer } from '../../../src/services/sandbox/controls.js';
import { testDatabases } from '../../helpers/dbs.js';
import { type Receiver, startReceiver } from '../../helpers/receiver.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const require = createRequire(import.meta.url);
const paydunya = require('paydunya');

for (const kind of testDatabases()) {
  describe(`the official paydunya SDK against Tollgate on ${kind}`, () => {
    let s: TestServer;
    let rx: Receiver;
    let setup: { baseURL: string };
    let masterKey: string;
    let merchantId: MerchantId;
    let integrationId: IntegrationId;

    before(async () => {
      s = await startTestServer(kind);
      rx = await startReceiver('/ipn');
      const { merchant } = await registerMerchant(s.app.deps, { email: 'boutique@shop.com', password: 'a long password 1', companyName: 'Boutique' }, { verified: true });
      merchantId = merchant.id;
      const { integration, credentials } = await createIntegration(s.app.deps, merchant.id, { name: 'PD' }, { kind: 'system', id: null });
      integrationId = integration.id;
      masterKey = credentials.paydunya.masterKey;
      setup = new paydunya.Setup({ masterKey, privateKey: credentials.paydunya.test.privateKey, publicKey: credentials.paydunya.test.publicKey, token: credentials.paydunya.test.token, mode: 'test' });
      setup.baseURL = `${s.url}/sandbox-api/v1`;
    });
    after(async () => {
      await s.stop();
      await rx.close();
    });

    test('create → pay (sandbox controls) → confirm → IPN with data[hash] = sha512(master key)', async () => {
      const store = new paydunya.Store({ name: 'Magasin le Choco', callbackURL: rx.url, returnURL: 'http://127.0.0.1:9/return' });
      const invoice = new paydunya.CheckoutInvoice(setup, store);
      invoice.addItem('Chaussures Croco', 3, 10000, 30000, 'Chaussures');
      invoice.addTax('TVA (18%)', 6300);
      invoice.totalAmount = 42300;
      invoice.addCustomData('order_id', 'A-17');
      await invoice.create();
      assert.match(invoice.token, /^test_[A-Za-z0-9]{10}$/);
      assert.equal(invoice.url, `${s.url}/sandbox-checkout/invoice/${invoice.token}`);
      assert.equal(invoice.status, 'pending');
      assert.equal(invoice.totalAmount, 42300);

      const p = await paymentByPublicId(s.app.deps, invoice.token);
      assert.ok(p);
      assert.equal(p.returnUrl, `http://127.0.0.1:9/return?token=${invoice.token}`);
      await completeTestPayment(s.app.deps, merchantId, p.id, 'paid');
      await invoice.confirm();
      assert.equal(invoice.status, 'completed');
      assert.equal(invoice.receiptURL, `${s.url}/sandbox-checkout/receipt/pdf/${invoice.token}.pdf`);
      assert.deepEqual(invoice.customData, { order_id: 'A-17' });
      assert.equal((await fetch(invoice.receiptURL)).status, 200);

      await s.app.worker.drain();
      const [ipn] = await rx.waitFor(1);
      assert.ok(ipn);
      assert.equal(ipn.headers['content-type'], 'application/x-www-form-urlencoded');
      const form = new URLSearchParams(ipn.body);
      assert.equal(form.get('data[hash]'), createHash('sha512').update(masterKey).digest('hex'));
      assert.equal(form.get('data[status]'), 'completed');
      assert.equal(form.get('data[invoice][token]'), invoice.token);
      assert.equal(form.get('data[invoice][total_amount]'), '42300');
      assert.equal(form.get('data[custom_data][order_id]'), 'A-17');
      assert.equal(form.get('data[mode]'), 'test');
      assert.ok(ipn.body.includes('data%5Binvoice%5D%5Btoken%5D='), 'brackets percent-encoded, as PHP sends them');
    });

    test('on-site payment: the fictitious customer receives a code; a wrong code fails, the right one pays from the balance', async () => {
      await createFictitiousCustomer(s.app.deps, merchantId, integrationId, { name: 'Fabrice', email: 'fabrice@gmail.com', phone: '774563209', balanceMinor: 100_000, currency: 'XOF' });
      const store = new paydunya.Store({ name: 'Magasin' });
      const opr = new paydunya.OnsiteInvoice(setup, store);
      opr.addItem('Jeu', 1, 8000, 8000);
      opr.totalAmount = 8000;
      await opr.create('fabrice@gmail.com');
      assert.match(opr.oprToken, /^[A-Za-z0-9]{20}$/);
      assert.match(opr.token, /^test_/);
      await assert.rejects(opr.charge(opr.oprToken, '56Y8'));
      const mail = (await listOutbox(s.store.db, s.app.deps.keyring, { to: 'fabrice@gmail.com' })).find((m) => m.kind === 'one_time_code');
      const code = /code for invoice \S+ is (\d{6})/.exec(mail?.body ?? '')?.[1];
      assert.ok(code, 'the code is in the outbox');
      await opr.charge(opr.oprToken, code);
      assert.equal(opr.status, 'completed');
      assert.equal(opr.customer.email, 'fabrice@gmail.com');
    });

    test('direct pay credits the account from the test balance', async () => {
      const pay = new paydunya.DirectPay(setup);
      await pay.creditAccount('fabrice@gmail.com', 5000);
      assert.match(pay.transactionID, /^TFA-TX-[A-Za-z0-9]{20}$/);
      assert.match(pay.description, /5000 FCFA/);
    });
  });
}
