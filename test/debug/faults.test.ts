/**
 * Adversarial notifications (issue 21): switched on per test integration through the management API
 * and the CLI, each fault at 100 % observably happens at a real receiver and is named in the attempt
 * it changed; at 0 % nothing changes; a live integration is refused.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/program.js';
import { createIntegration } from '../../src/services/merchants/integrations.js';
import { assertProblem } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { advance, createPaymentOk, makeLive, newIntegration, newMerchant, pay, type Shop } from '../payments/fixture.js';
import { startTestServer } from '../helpers/server.js';
import { withWrongSignature } from '../../src/services/notify/faults.js';

const OFF = { duplicate: 0, reorder: 0, delay: 0, wrongSignature: 0, truncatedBody: 0 };

for (const kind of testDatabases()) {
  describe(`adversarial notifications on ${kind}`, () => {
    let shop: Shop;
    let rx: Receiver;
    let secret: string;
    before(async () => {
      rx = await startReceiver();
      const s = await startTestServer(kind);
      const { merchantId, api } = await newMerchant(s.app.deps, s.url);
      const { integration, credentials } = await createIntegration(s.app.deps, merchantId, { name: 'Faults', notificationUrl: rx.url }, { kind: 'system', id: null });
      secret = credentials.tollgate.webhookSecret ?? '';
      shop = { s, api, merchantId, integrationId: integration.id, signatureKey: credentials.paynowPl.sandbox.signatureKey };
    });
    after(async () => {
      await shop?.s.stop();
      await rx?.close();
    });

    /** Standard Webhooks, from its specification: v1 HMAC of "id.timestamp.body" under the secret's bytes. */
    function verifies(r: Receiver['received'][number]): boolean {
      const id = String(r.headers['webhook-id']);
      const ts = String(r.headers['webhook-timestamp']);
      const mac = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${ts}.${r.body}`).digest('base64');
      return r.headers['webhook-signature'] === `v1,${mac}`;
    }

    async function setFaults(body: Record<string, unknown>) {
      const r = await shop.api.request('PUT', `/api/integrations/${shop.integrationId}/notification-faults`, body);
      assert.equal(r.status, 200, r.text);
      return r.body;
    }

    /** A new payment's first notification, sent by the worker; the requests it caused and its attempts. */
    async function oneNotification() {
      const from = rx.received.length;
      const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 700, currency: 'USD' });
      await shop.s.app.worker.drain();
      const d = await shop.api.get(`/api/payments/${p.id}/deliveries`);
      assert.equal(d.status, 200, d.text);
      const [delivery] = d.body.data as Array<{ attemptLog: Array<{ fault: string | null }> }>;
      return { paymentId: p.id as string, requests: rx.received.slice(from), faults: delivery?.attemptLog.map((a) => a.fault) ?? [] };
    }

    test('all faults off (the default, or 0 %): one correctly signed request, nothing marked', async () => {
      const shown = await shop.api.get(`/api/integrations/${shop.integrationId}/notification-faults`);
      assert.equal(shown.status, 200, shown.text);
      assert.deepEqual(shown.body.rates, OFF);
      await setFaults({ rates: OFF });
      const { requests, faults } = await oneNotification();
      assert.equal(requests.length, 1);
      assert.ok(verifies(requests[0]!), 'the signature verifies');
      assert.deepEqual(faults, [null]);
    });

    test('duplicate at 100 %: the receiver gets the same request twice, marked duplicate', async () => {
      await setFaults({ rates: { ...OFF, duplicate: 100 } });
      const { requests, faults } = await oneNotification();
      assert.equal(requests.length, 2);
      assert.equal(requests[0]!.body, requests[1]!.body);
      assert.equal(requests[0]!.headers['webhook-id'], requests[1]!.headers['webhook-id']);
      assert.deepEqual(faults, ['duplicate']);
    });

    test('wrong signature at 100 %: the signature does not verify, marked wrongSignature', async () => {
      await setFaults({ rates: { ...OFF, wrongSignature: 100 } });
      const { requests, faults } = await oneNotification();
      assert.equal(requests.length, 1);
      assert.ok(!verifies(requests[0]!), 'the signature is wrong');
      assert.match(String(requests[0]!.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]{43}=$/, 'it keeps its form');
      assert.deepEqual(faults.slice(0, 1), ['wrongSignature']);
    });

    test('truncated body at 100 %: half a body arrives, marked truncatedBody', async () => {
      await setFaults({ rates: { ...OFF, truncatedBody: 100 } });
      const { requests, faults } = await oneNotification();
      assert.equal(requests.length, 1);
      assert.throws(() => JSON.parse(requests[0]!.body), 'the body is cut');
      assert.ok(requests[0]!.body.startsWith('{"type":"payment.created"'));
      assert.deepEqual(faults.slice(0, 1), ['truncatedBody']);
    });

    test('delay at 100 %: the request leaves delayMs later, marked delay', async () => {
      await setFaults({ rates: { ...OFF, delay: 100 }, delayMs: 300 });
      const started = Date.now();
      const { requests, faults } = await oneNotification();
      assert.equal(requests.length, 1);
      assert.ok(requests[0]!.at - started >= 300, `arrived ${requests[0]!.at - started} ms after the change`);
      assert.deepEqual(faults, ['delay']);
    });

    test("reorder at 100 %: the payment's previous notification arrives again after the newer one, marked reorder", async () => {
      await setFaults({ rates: { ...OFF, reorder: 100 } });
      const from = rx.received.length;
      const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 800, currency: 'USD' });
      await shop.s.app.worker.drain();
      assert.equal((await pay(shop.api, p.id, { method: 'ecocash', phone: '0771111111' })).status, 200);
      await advance(shop.s, 5_000);
      const versions = rx.received.slice(from).map((r) => JSON.parse(r.body).payment.version as number);
      // v1 alone (nothing before it), then v2 and v1 again, then v3 and v2 again.
      assert.deepEqual(versions, [1, 2, 1, 3, 2]);
      const d = await shop.api.get(`/api/payments/${p.id}/deliveries`);
      const marks = (d.body.data as Array<{ eventVersion: number; attemptLog: Array<{ fault: string | null }> }>).sort((a, b) => a.eventVersion - b.eventVersion).map((x) => x.attemptLog[0]?.fault);
      assert.deepEqual(marks, [null, 'reorder', 'reorder']);
    });

    test('the CLI shows and sets the rates through the management API over HTTP; rates are 0 to 100', async () => {
      await setFaults({ rates: OFF });
      const out: string[] = [];
      const err: string[] = [];
      // No database options: the gateway is named by URL and token only.
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), readStdin: async () => '', env: { TOLLGATE_URL: shop.s.url, TOLLGATE_TOKEN: String(shop.api.bearer) } };
      assert.equal(await runCli(['faults', 'set', '--integration', shop.integrationId, '--duplicate', '25', '--wrong-signature', '100', '--delay-ms', '40', '--json'], io), 0, err.join('\n'));
      assert.deepEqual(JSON.parse(out.join('\n')).rates, { ...OFF, duplicate: 25, wrongSignature: 100 });
      const shown = await shop.api.get(`/api/integrations/${shop.integrationId}/notification-faults`);
      assert.deepEqual(shown.body.rates, { ...OFF, duplicate: 25, wrongSignature: 100 });
      assert.equal(shown.body.delayMs, 40);
      out.length = 0;
      // The merchant's only integration is the default; --json is what the API answers.
      assert.equal(await runCli(['faults', 'show', '--json'], io), 0, err.join('\n'));
      assert.deepEqual(JSON.parse(out.join('\n')), shown.body);
      out.length = 0;
      assert.equal(await runCli(['faults', 'show', '--url', shop.s.url, '--token', String(shop.api.bearer)], { ...io, env: {} }), 0, err.join('\n'));
      assert.ok(out.includes('wrong-signature  100 %'), out.join('\n'));
      assert.ok(out.includes('delay-ms         40'), out.join('\n'));
      err.length = 0;
      assert.equal(await runCli(['faults', 'set', '--delay', '101'], io), 1);
      assert.deepEqual(err, ['tollgate: --delay must be a whole percentage from 0 to 100']);
      err.length = 0;
      assert.equal(await runCli(['faults', 'show', '--integration', 'int_000000000000000000000'], io), 1);
      assert.match(err.join('\n'), /^tollgate: integration int_0+ not found$/);
      err.length = 0;
      assert.equal(await runCli(['faults', 'show'], { ...io, env: {} }), 1);
      assert.match(err.join('\n'), /^tollgate: say which gateway: --url and --token/);
      assertProblem(await shop.api.request('PUT', `/api/integrations/${shop.integrationId}/notification-faults`, { rates: { duplicate: 101 } }), 400, 'validation');
      await setFaults({ rates: OFF });
    });

    test('a live integration is refused (403 forbidden)', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId, { notificationUrl: rx.url });
      await makeLive(shop, integrationId);
      assertProblem(await shop.api.request('PUT', `/api/integrations/${integrationId}/notification-faults`, { rates: { duplicate: 100 } }), 403, 'forbidden');
      const err: string[] = [];
      const io = { out: () => {}, err: (l: string) => err.push(l), readStdin: async () => '', env: { TOLLGATE_URL: shop.s.url, TOLLGATE_TOKEN: String(shop.api.bearer) } };
      assert.equal(await runCli(['faults', 'set', '--integration', integrationId, '--duplicate', '100'], io), 1);
      assert.equal(err.length, 1);
      assert.match(err[0]!, /^tollgate: .*live/);
    });
  });
}

describe('a wrong signature on the wires that sign inside the body', () => {
  test('Paynow Zimbabwe: the hash field changes by one character, everything else stays', () => {
    const body = 'reference=R1&amount=1.00&status=Paid&hash=ABCDEF0123';
    const wrong = withWrongSignature({ headers: {}, body });
    assert.equal(wrong.body, 'reference=R1&amount=1.00&status=Paid&hash=BBCDEF0123');
  });
  test("PayDunya: the IPN's data[hash] changes", () => {
    const body = 'data%5Bresponse_code%5D=00&data%5Bhash%5D=0f1e&data%5Bstatus%5D=completed';
    assert.equal(withWrongSignature({ headers: {}, body }).body, 'data%5Bresponse_code%5D=00&data%5Bhash%5D=1f1e&data%5Bstatus%5D=completed');
  });
  test('Paynow.pl: the Signature header changes', () => {
    assert.deepEqual(withWrongSignature({ headers: { Signature: 'Abc=' }, body: '{}' }), { headers: { Signature: 'Bbc=' }, body: '{}' });
  });
});
