/**
 * The official `paynow` npm package (2.2.2) against the real server: its URL constants pointed at
 * Tollgate, nothing else changed. Its own hashing, parsing and hash checks are the oracle.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { registerMerchant } from '../../../src/services/merchants/accounts.js';
import { createIntegration } from '../../../src/services/merchants/integrations.js';
import { testDatabases } from '../../helpers/dbs.js';
import { type Receiver, startReceiver } from '../../helpers/receiver.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const require = createRequire(import.meta.url);
const constants = require('paynow/dist/constants');
const { Paynow } = require('paynow');

interface Sdk {
  createPayment(ref: string, email?: string): { add(title: string, amount: number): void };
  send(p: unknown): Promise<{ success: boolean; hasRedirect: boolean; redirectUrl: string; pollUrl: string; error?: string; status: string }>;
  sendMobile(p: unknown, phone: string, method: string): Promise<{ success: boolean; pollUrl: string; instructions?: string; error?: string; isInnbucks: boolean; innbucks_info?: Array<{ authorizationcode: string }> } | undefined>;
  pollTransaction(url: string): Promise<{ status: string; success: boolean }>;
  parseStatusUpdate(raw: string): { reference: string; amount: string; paynowReference: string; pollUrl: string; status: string };
}

for (const kind of testDatabases()) {
  describe(`the official paynow SDK against Tollgate on ${kind}`, () => {
    let s: TestServer;
    let rx: Receiver;
    let sdk: Sdk;
    const email = 'merchant@shop.com';

    before(async () => {
      s = await startTestServer(kind);
      rx = await startReceiver('/paynow/result');
      constants.URL_INITIATE_TRANSACTION = `${s.url}/interface/initiatetransaction`;
      constants.URL_INITIATE_MOBILE_TRANSACTION = `${s.url}/interface/remotetransaction`;
      const { merchant } = await registerMerchant(s.app.deps, { email, password: 'a long password 1', companyName: 'Shop' }, { verified: true });
      const { credentials } = await createIntegration(s.app.deps, merchant.id, { name: 'ZW' }, { kind: 'system', id: null });
      sdk = new Paynow(String(credentials.paynowZw.integrationId), credentials.paynowZw.integrationKey, rx.url, 'http://127.0.0.1:9/return') as Sdk;
    });
    after(async () => {
      await s.stop();
      await rx.close();
    });

    test('send: a web payment answers Ok with a browser URL and a poll URL whose hash the SDK accepts', async () => {
      const payment = sdk.createPayment('Invoice 35', email);
      payment.add('Bananas', 2.5);
      payment.add('Apples', 3.4);
      const res = await sdk.send(payment);
      assert.equal(res.success, true, JSON.stringify(res));
      assert.equal(res.hasRedirect, true);
      assert.match(res.redirectUrl, new RegExp(`^${s.url}/Payment/ConfirmPayment/\\d+/[0-9a-f]{32}$`));
      assert.match(res.pollUrl, new RegExp(`^${s.url}/Interface/CheckPayment/\\?guid=[0-9a-f-]{36}$`));
      const polled = await sdk.pollTransaction(res.pollUrl);
      assert.equal(polled.status, 'created');
    });

    for (const [phone, afterMs, final] of [
      ['0771111111', 5_000, 'paid'],
      ['0772222222', 30_000, 'paid'],
      ['0773333333', 30_000, 'failed'],
    ] as const) {
      test(`sendMobile ${phone}: Sent at once, ${final} after ${afterMs / 1000} s, polled until final, status update parsed`, async () => {
        const payment = sdk.createPayment(`M-${phone}`, email);
        payment.add('Airtime', 1);
        const res = await sdk.sendMobile(payment, phone, 'ecocash');
        assert.ok(res?.success, JSON.stringify(res));
        assert.match(res.instructions ?? '', /Dial/);
        assert.equal((await sdk.pollTransaction(res.pollUrl)).status, 'sent');
        s.clock.advance(afterMs - 100);
        await s.app.worker.drain();
        assert.equal((await sdk.pollTransaction(res.pollUrl)).status, 'sent', 'not before its time');
        s.clock.advance(200);
        await s.app.worker.drain();
        assert.equal((await sdk.pollTransaction(res.pollUrl)).status, final);
        const update = rx.received.find((r) => r.body.includes(`reference=M-${phone}`) && r.body.includes(final === 'paid' ? 'status=Paid' : 'status=Failed'));
        assert.ok(update, 'a status update reached the result URL');
        assert.equal(update.headers['content-type'], 'application/x-www-form-urlencoded');
        const parsed = sdk.parseStatusUpdate(update.body);
        assert.equal(parsed.status, final === 'paid' ? 'Paid' : 'Failed');
        assert.equal(parsed.amount, '1.00');
        assert.equal(parsed.pollUrl, res.pollUrl);
      });
    }

    test('sendMobile 0774444444: refused at once with Insufficient balance', async () => {
      const payment = sdk.createPayment('M-0774444444', email);
      payment.add('Airtime', 1);
      const res = await sdk.sendMobile(payment, '0774444444', 'ecocash');
      assert.equal(res?.success, false);
      assert.equal(res?.error, 'Insufficient balance');
    });

    test('sendMobile with InnBucks: the SDK sees the authorization code', async () => {
      const payment = sdk.createPayment('M-innbucks', email);
      payment.add('Bread', 1.25);
      const res = await sdk.sendMobile(payment, '0771111111', 'innbucks');
      assert.ok(res?.success, JSON.stringify(res));
      assert.equal(res.isInnbucks, true);
      assert.match(res.innbucks_info?.[0]?.authorizationcode ?? '', /^\d{9}$/);
    });
  });
}
