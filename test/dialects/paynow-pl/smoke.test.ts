import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { registerMerchant } from '../../../src/services/merchants/accounts.js';
import { createIntegration } from '../../../src/services/merchants/integrations.js';
import { testDatabases } from '../../helpers/dbs.js';
import { type Receiver, startReceiver } from '../../helpers/receiver.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/** Signs as seed 001 says: HMAC-SHA256 over compact {"headers","parameters","body"}, base64. */
function sign(sigKey: string, apiKey: string, idem: string, params: Record<string, string[]>, body: string): string {
  return createHmac('sha256', sigKey).update(JSON.stringify({ headers: { 'Api-Key': apiKey, 'Idempotency-Key': idem }, parameters: params, body })).digest('base64');
}

for (const kind of testDatabases()) {
  describe(`Paynow.pl v3 smoke on ${kind}`, () => {
    let s: TestServer;
    let rx: Receiver;
    let apiKey: string;
    let sigKey: string;
    const call = async (method: string, path: string, body = '', idem = `k-${Math.random()}`) => {
      const q = path.includes('?') ? Object.fromEntries([...new URLSearchParams(path.split('?')[1])].map(([k, v]) => [k, [v]])) : {};
      const headers: Record<string, string> = { 'Api-Key': apiKey, 'Idempotency-Key': idem, Signature: sign(sigKey, apiKey, idem, q, body), Accept: 'application/json' };
      if (body) headers['Content-Type'] = 'application/json';
      const r = await fetch(`${s.url}${path}`, { method, headers, body: body || undefined });
      const text = await r.text();
      return { status: r.status, text, json: text ? JSON.parse(text) : undefined };
    };
    before(async () => {
      s = await startTestServer(kind);
      rx = await startReceiver('/notify');
      const { merchant } = await registerMerchant(s.app.deps, { email: 'pl@shop.com', password: 'a long password 1', companyName: 'Sklep' }, { verified: true });
      const { credentials } = await createIntegration(s.app.deps, merchant.id, { name: 'PL', notificationUrl: rx.url }, { kind: 'system', id: null });
      apiKey = credentials.paynowPl.sandbox.apiKey;
      sigKey = credentials.paynowPl.sandbox.signatureKey;
    });
    after(async () => {
      await s.stop();
      await rx.close();
    });

    test('create, status, methods, White Label BLIK, refund, notifications signed with the Signature-Key', async () => {
      const created = await call('POST', '/v3/payments', JSON.stringify({ amount: '45671', externalId: 'ord-1', description: 'Zamówienie', buyer: { email: 'jan@example.pl' } }));
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(Object.keys(created.json), ['redirectUrl', 'paymentId', 'status']);
      assert.match(created.json.paymentId, /^[A-Z0-9]{4}(-[A-Z0-9]{3}){3}$/);
      assert.equal(created.json.status, 'NEW');
      const st = await call('GET', `/v3/payments/${created.json.paymentId}/status`);
      assert.deepEqual(st.json, { paymentId: created.json.paymentId, status: 'NEW' });
      const methods = await call('GET', '/v3/payments/paymentmethods?amount=1000&applePayEnabled=1&currency=PLN');
      assert.deepEqual(methods.json.map((g: { type: string }) => g.type), ['BLIK', 'PBL', 'CARD']);
      assert.equal(methods.json[1].paymentMethods[0].id, 1000);
      const wl = await call('POST', '/v3/payments', JSON.stringify({ amount: 1000, externalId: 'ord-2', description: 'BLIK', buyer: { email: 'jan@example.pl' }, paymentMethodId: '2007', authorizationCode: '111111' }));
      assert.equal(wl.status, 201, wl.text);
      assert.equal(wl.text.includes('"redirectUrl":null'), true);
      assert.equal(wl.json.status, 'PENDING');
      s.clock.advance(600);
      await s.app.worker.drain();
      assert.equal((await call('GET', `/v3/payments/${wl.json.paymentId}/status`)).json.status, 'CONFIRMED');
      const refund = await call('POST', `/v3/payments/${wl.json.paymentId}/refunds`, JSON.stringify({ amount: 500, reason: null }));
      assert.equal(refund.status, 201, refund.text);
      assert.equal(refund.json.status, 'NEW');
      const bad = await call('POST', '/v3/payments', JSON.stringify({ amount: 1000, externalId: 'ord-3', description: 'BLIK', buyer: { email: 'jan@example.pl' }, paymentMethodId: 2007, authorizationCode: '333335' }));
      assert.deepEqual(bad.json, { statusCode: 400, errors: [{ errorType: 'AUTHORIZATION_CODE_USED', message: 'Already used BLIK code' }] });
      const got = await rx.waitFor(4);
      for (const r of got) assert.equal(r.headers.signature, createHmac('sha256', sigKey).update(r.body).digest('base64'));
      const statuses = got.map((r) => JSON.parse(r.body)).filter((b) => b.paymentId === wl.json.paymentId).map((b) => b.status);
      assert.deepEqual(statuses, ['NEW', 'PENDING', 'CONFIRMED']);
    });
  });
}
