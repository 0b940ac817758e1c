/**
 * The first start's demo merchant as a developer meets it: the login and the Paynow Zimbabwe keys the
 * banner prints work with the official `paynow` SDK's express checkout, whose own e-mail check
 * (a top-level domain of 2–3 letters) runs before anything is sent, and whose authEmail must be the
 * merchant's login in test mode.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { ApiClient } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const require = createRequire(import.meta.url);
const constants = require('paynow/dist/constants');
const { Paynow } = require('paynow');

for (const kind of testDatabases()) {
  describe(`the demo merchant on ${kind}`, () => {
    let s: TestServer;
    let rx: Receiver;
    let login: { email: string; password: string };
    let zw: { id: string; key: string };

    before(async () => {
      rx = await startReceiver('/paynow/result');
      s = await startTestServer(kind, { demo: true });
      const banner = s.lines.join('\n');
      const l = /^ {2}Login +(\S+) \/ (\S+)$/m.exec(banner);
      const k = /^ {2}Paynow Zimbabwe +integration ID (\d+), integration key (\S+)$/m.exec(banner);
      assert.ok(l && k, banner);
      login = { email: l[1] as string, password: l[2] as string };
      zw = { id: k[1] as string, key: k[2] as string };
    });
    after(async () => {
      await s?.stop();
      await rx?.close();
    });

    test('the printed login opens a session', async () => {
      const r = await new ApiClient(s.url).login(login.email, login.password);
      assert.equal(r.status, 200, r.text);
    });

    test("the official paynow SDK's express checkout accepts the demo login as authEmail and the payment is paid", async () => {
      constants.URL_INITIATE_MOBILE_TRANSACTION = `${s.url}/interface/remotetransaction`;
      const sdk = new Paynow(zw.id, zw.key, rx.url, 'http://127.0.0.1:9/return');
      assert.equal(sdk.isValidEmail(login.email), true, `the SDK's own check refuses ${login.email}`);
      const payment = sdk.createPayment('Demo-1', login.email);
      payment.add('Airtime', 1.5);
      const res = await sdk.sendMobile(payment, '0771111111', 'ecocash');
      assert.equal(res?.success, true, JSON.stringify(res));
      assert.equal((await sdk.pollTransaction(res.pollUrl)).status, 'sent');
      s.clock.advance(5_000);
      await s.app.worker.drain();
      assert.equal((await sdk.pollTransaction(res.pollUrl)).status, 'paid');
    });
  });
}
