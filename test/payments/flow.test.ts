import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { registerMerchant } from '../../src/services/merchants/accounts.js';
import { createIntegration } from '../../src/services/merchants/integrations.js';
import { ApiClient } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

for (const kind of testDatabases()) {
  describe(`payments through the management API on ${kind}`, () => {
    let s: TestServer;
    let api: ApiClient;
    let integrationId: string;
    let webhookSecret: string;
    let rx: Receiver;

    before(async () => {
      s = await startTestServer(kind);
      rx = await startReceiver();
      const deps = s.app.deps;
      const { merchant } = await registerMerchant(deps, { email: 'shop@example.test', password: 'a long password 1', companyName: 'Shop' }, { verified: true });
      const created = await createIntegration(deps, merchant.id, { name: 'Web', notificationUrl: rx.url }, { kind: 'system', id: null });
      integrationId = created.integration.id;
      webhookSecret = created.credentials.tollgate.webhookSecret!;
      api = new ApiClient(s.url);
      await api.login('shop@example.test', 'a long password 1');
    });
    after(async () => {
      await s.stop();
      await rx.close();
    });

    test('a test phone that pays after 5 s: pending at once, paid when its timer falls due, notified each time', async () => {
      const c = await api.post(`/api/integrations/${integrationId}/payments`, { amount: 590, currency: 'USD', reference: 'Invoice 35' });
      assert.equal(c.status, 201, c.text);
      const id = c.body.payment.id as string;
      assert.equal(c.body.payment.state, 'created');
      assert.deepEqual([c.body.payment.amount, c.body.payment.currency], [590, 'USD'], 'amounts are integer minor units beside their currency');
      const p = await api.post(`/api/payments/${id}/pay`, { method: 'ecocash', phone: '0771111111' });
      assert.equal(p.status, 200, p.text);
      assert.equal(p.body.payment.state, 'pending');
      await s.app.worker.drain();
      assert.equal((await api.get(`/api/payments/${id}`)).body.payment.state, 'pending', 'not before 5 s');
      s.clock.advance(5_001);
      await s.app.worker.drain();
      const d = await api.get(`/api/payments/${id}`);
      assert.equal(d.body.payment.state, 'paid');
      assert.deepEqual(d.body.events.map((e: { to: string; version: number }) => `${e.version}:${e.to}`), ['1:created', '2:pending', '3:paid']);
      const got = await rx.waitFor(3);
      const bodies = got.map((r) => JSON.parse(r.body));
      assert.deepEqual(bodies.map((b) => b.type), ['payment.created', 'payment.pending', 'payment.paid']);
      for (const r of got) {
        const expected = createHmac('sha256', Buffer.from(webhookSecret.slice('whsec_'.length), 'base64')).update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`).digest('base64');
        assert.equal(r.headers['webhook-signature'], `v1,${expected}`);
      }
      const deliveries = (await api.get(`/api/payments/${id}/deliveries`)).body.data;
      assert.equal(deliveries.length, 3);
      for (const dl of deliveries) {
        assert.equal(dl.status, 'delivered');
        assert.equal(dl.attemptLog.length, 1);
        assert.equal(dl.attemptLog[0].statusCode, 200);
        assert.equal(dl.attemptLog[0].responseHead, 'ok');
      }
    });

    test('0774444444 is refused at once with Insufficient balance and changes nothing', async () => {
      const c = await api.post(`/api/integrations/${integrationId}/payments`, { amount: 100, currency: 'USD' });
      const id = c.body.payment.id as string;
      const p = await api.post(`/api/payments/${id}/pay`, { method: 'ecocash', phone: '0774444444' });
      assert.equal(p.status, 422);
      assert.equal(p.body.detail, 'Insufficient balance');
      const d = await api.get(`/api/payments/${id}`);
      assert.equal(d.body.payment.state, 'created');
      assert.equal(d.body.events.length, 1);
    });

    test('the request log keeps what a test request carried and what we answered, secrets masked', async () => {
      const tok = await api.post('/api/tokens', { name: 'ci' });
      const script = new ApiClient(s.url);
      script.bearer = tok.body.token;
      const c = await script.post(`/api/integrations/${integrationId}/payments`, { amount: 250, currency: 'USD', reference: 'logged <b>' });
      assert.equal(c.status, 201);
      // Written before the answer left: the very next read finds it, with no waiting.
      const log = await api.get(`/api/integrations/${integrationId}/request-log?limit=5`);
      assert.equal(log.status, 200);
      const entry = log.body.data.find((r: { body: string }) => r.body.includes('logged <b>'));
      assert.ok(entry, 'the request is in the log');
      assert.equal(entry.method, 'POST');
      assert.equal(entry.path, `/api/integrations/${integrationId}/payments`);
      assert.equal(entry.responseStatus, 201);
      assert.equal(JSON.parse(entry.responseBody).payment.id, c.body.payment.id);
      assert.match(entry.headers.authorization, /^\*\*\*\*.{4}$/);
      assert.ok(!JSON.stringify(log.body).includes(tok.body.token), 'the token never appears');
    });

    test('requests answered together are all in the log when their answers arrive', async () => {
      const refs = Array.from({ length: 20 }, (_, i) => `together-${i}`);
      const answers = await Promise.all(refs.map((reference) => api.post(`/api/integrations/${integrationId}/payments`, { amount: 100, currency: 'USD', reference })));
      for (const a of answers) assert.equal(a.status, 201, a.text);
      const log = await api.get(`/api/integrations/${integrationId}/request-log?limit=100`);
      const logged = new Set(log.body.data.map((r: { body: string }) => JSON.parse(r.body).reference));
      for (const ref of refs) assert.ok(logged.has(ref), `${ref} is in the log`);
    });
  });
}
