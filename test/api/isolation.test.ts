/**
 * Every merchant route is scoped to the caller: merchant B gets 404 for each of merchant A's resources
 * (as for an id that does not exist) and changes nothing; every operator route refuses a merchant (403);
 * a disabled merchant can neither log in nor use an API token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOperator } from '../../src/services/merchants/accounts.js';
import { ApiClient, assertProblem } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { createPaymentOk, dataSnapshot, newIntegration, newMerchant, openShop, type Shop } from '../payments/fixture.js';

for (const kind of testDatabases()) {
  describe(`merchant isolation and operator routes on ${kind}`, () => {
    let A: Shop;
    let B: ApiClient;
    let paymentId: string;
    let refundId: string;
    let deliveryId: string;
    let customerId: string;
    let tokenId: string;

    before(async () => {
      A = await openShop(kind, { notificationUrl: 'http://127.0.0.1:9/hook' });
      const p = await createPaymentOk(A.api, A.integrationId, { amount: 1_000, currency: 'USD' });
      paymentId = p.id;
      assert.equal((await A.api.post(`/api/payments/${paymentId}/sandbox/complete`, { outcome: 'paid' })).status, 200);
      const r = await A.api.post(`/api/payments/${paymentId}/refunds`, { amount: 100 });
      assert.equal(r.status, 201, r.text);
      refundId = r.body.refund.id;
      const d = await A.api.get(`/api/payments/${paymentId}/deliveries`);
      deliveryId = d.body.data[0].id;
      const c = await A.api.post(`/api/integrations/${A.integrationId}/customers`, { name: 'Awa', email: 'awa@example.test', phone: '+221770000001', balance: 100, currency: 'XOF' });
      customerId = c.body.customer.id;
      tokenId = (await A.api.get('/api/tokens')).body.data[0].id;
      const b = await newMerchant(A.s.app.deps, A.s.url, 'other');
      await newIntegration(A.s.app.deps, b.merchantId);
      B = b.api;
    });
    after(() => A.s.stop());

    test("B gets 404 for each of A's resources, on reads and writes, and nothing changes", async () => {
      const i = A.integrationId;
      const calls: Array<[string, string, unknown?]> = [
        ['GET', `/api/integrations/${i}`],
        ['PATCH', `/api/integrations/${i}`, { name: 'x' }],
        ['POST', `/api/integrations/${i}/rotate-keys`, {}],
        ['POST', `/api/integrations/${i}/email-keys`, {}],
        ['POST', `/api/integrations/${i}/go-live`, {}],
        ['GET', `/api/integrations/${i}/payments`],
        ['POST', `/api/integrations/${i}/payments`, { amount: 100, currency: 'USD' }],
        ['GET', `/api/payments?integrationId=${i}`],
        ['GET', `/api/payments.csv?integrationId=${i}`],
        ['GET', `/api/integrations/${i}/events`],
        ['GET', `/api/integrations/${i}/deliveries`],
        ['GET', `/api/integrations/${i}/endpoints`],
        ['GET', `/api/integrations/${i}/request-log`],
        ['GET', `/api/integrations/${i}/customers`],
        ['POST', `/api/integrations/${i}/customers`, { name: 'B', email: 'b@example.test', phone: '+221770000002', balance: 1, currency: 'XOF' }],
        ['POST', `/api/integrations/${i}/customers/${customerId}/reload`, { amount: 5 }],
        ['POST', `/api/integrations/${i}/sandbox/advance`, { seconds: 60 }],
        ['POST', `/api/integrations/${i}/sandbox/payout`, { currency: 'USD' }],
        ['GET', `/api/payments/${paymentId}`],
        ['POST', `/api/payments/${paymentId}/pay`, { method: 'ecocash', phone: '0771111111' }],
        ['POST', `/api/payments/${paymentId}/refunds`, { amount: 1 }],
        ['POST', `/api/payments/${paymentId}/sandbox/complete`, { outcome: 'failed' }],
        ['GET', `/api/payments/${paymentId}/deliveries`],
        ['POST', `/api/refunds/${refundId}/cancel`, {}],
        ['POST', `/api/deliveries/${deliveryId}/redeliver`, {}],
        ['DELETE', `/api/tokens/${tokenId}`],
      ];
      const before = await dataSnapshot(A.s.store);
      for (const [method, path, body] of calls) {
        const r = await B.request(method, path, body);
        assertProblem(r, 404, 'not_found');
        assert.doesNotMatch(r.text, /awa@example|Web shop/, `${method} ${path} leaks A's data`);
      }
      assert.equal(await dataSnapshot(A.s.store), before, "B's attempts changed nothing");
      // B's own lists never show A's data.
      for (const path of ['/api/payments', '/api/integrations', '/api/tokens', '/api/audit', '/api/stats/home']) {
        const r = await B.get(path);
        assert.equal(r.status, 200, `${path}: ${r.text}`);
        for (const id of [A.integrationId, paymentId, refundId, deliveryId, tokenId]) assert.ok(!r.text.includes(id), `${path} shows A's ${id}`);
      }
    });

    test('every operator route refuses a merchant with 403 and changes nothing', async () => {
      const doc = (await (await fetch(`${A.s.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      const operatorOps = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([path, ops]) =>
        path.startsWith('/api/operator/') ? Object.keys(ops).map((m) => [m.toUpperCase(), path] as const) : [],
      );
      assert.ok(operatorOps.length >= 12, `found ${operatorOps.length} operator operations`);
      const before = await dataSnapshot(A.s.store);
      const fill = (path: string) =>
        path
          .replace('/integrations/{id}', `/integrations/${A.integrationId}`)
          .replace('/merchants/{id}', `/merchants/${A.merchantId}`)
          .replace('/payouts/{id}', '/payouts/po_000000000000000000000')
          .replace('{method}', 'card')
          .replace('{currency}', 'USD');
      for (const [method, path] of operatorOps) {
        const body = method === 'GET' ? undefined : path.endsWith('/fees/{method}/{currency}') ? { percentBps: 0, fixed: 0 } : path.endsWith('/reject') ? { reason: 'no' } : path.endsWith('/mark') ? { status: 'paid' } : {};
        const r = await A.api.request(method, fill(path), body);
        assertProblem(r, 403, 'forbidden');
      }
      assert.equal(await dataSnapshot(A.s.store), before);
    });

    test('a disabled merchant cannot log in or use its API token; enabled again, both work', async () => {
      const deps = A.s.app.deps;
      const email = 'disable-me@example.test';
      const password = 'a long password 1';
      const { merchantId, api } = await newMerchant(deps, A.s.url, 'disabled');
      const who = await api.get('/api/me');
      assert.equal(who.status, 200);
      await deps.store.db.updateTable('merchants').set({ email, email_key: email }).where('id', '=', merchantId).execute();
      const { setMerchantPassword } = await import('../../src/store/repos/merchants.js');
      const { hashPassword } = await import('../../src/services/merchants/passwords.js');
      await setMerchantPassword(deps.store.db, merchantId, await hashPassword(password), Date.now());
      const session = new ApiClient(A.s.url);
      assert.equal((await session.login(email, password)).status, 200);

      await createOperator(deps, 'ops@tollgate.example', 'an operator password 1');
      const op = new ApiClient(A.s.url);
      assert.equal((await op.login('ops@tollgate.example', 'an operator password 1', 'operator')).status, 200);
      const found = await op.get(`/api/operator/merchants?q=DISABLE-ME`);
      assert.deepEqual(found.body.data.map((m: { id: string }) => m.id), [merchantId]);
      const d = await op.post(`/api/operator/merchants/${merchantId}/disable`);
      assert.equal(d.status, 200, d.text);
      assert.equal(d.body.merchant.disabled, true);

      assertProblem(await api.get('/api/me'), 401, 'unauthenticated');
      assertProblem(await session.get('/api/me'), 401, 'unauthenticated');
      assertProblem(await new ApiClient(A.s.url).login(email, password), 403, 'forbidden', /disabled/);
      assert.deepEqual((await op.get('/api/operator/merchants?disabled=true')).body.data.map((m: { id: string }) => m.id), [merchantId]);
      const view = await op.get(`/api/operator/merchants/${merchantId}`);
      assert.equal(view.status, 200, view.text);

      assert.equal((await op.post(`/api/operator/merchants/${merchantId}/enable`)).status, 200);
      assert.equal((await api.get('/api/me')).status, 200);
      assert.equal((await new ApiClient(A.s.url).login(email, password)).status, 200);
    });
  });
}
