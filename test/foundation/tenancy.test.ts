/**
 * Tenant isolation over real HTTP: merchant B can neither see nor touch merchant A's integrations
 * and tokens. For B, A's id is indistinguishable from an id that does not exist, and trying
 * changes nothing; lists never show A's data; malformed ids are 400s; no route works anonymously.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { listOutbox } from '../../src/services/mail/outbox.js';
import { insertPayment } from '../../src/store/repos/payments.js';
import { ApiClient, type Reply } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { snapshot, startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'correct horse battery staple';
const UNKNOWN_INTEGRATION = 'int_000000000000000000000';
const UNKNOWN_TOKEN = 'tok_000000000000000000000';

function assertProblem(r: Reply, status: number, code: string, label: string): void {
  assert.equal(r.status, status, `${label}: ${r.text}`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/, label);
  assert.equal(r.body.status, status, label);
  assert.equal(r.body.code, code, label);
  assert.equal(typeof r.body.detail, 'string', label);
}

/** The problem without what differs per request: its id, and the id the caller sent (echoed in the detail). */
function comparable(r: Reply, sentId: string): Record<string, unknown> {
  const body = { ...r.body };
  delete body.requestId;
  body.detail = String(body.detail).replaceAll(sentId, '<id>');
  return { status: r.status, contentType: r.headers.get('content-type'), body };
}

interface Account {
  email: string;
  id: string;
  client: ApiClient;
  integration: any;
  token: { id: string; value: string };
}

for (const kind of testDatabases()) {
  describe(`tenant isolation on ${kind}`, () => {
    let s: TestServer;
    const A = { email: 'alpha@alpha.example' } as Account;
    const B = { email: 'beta@beta.example' } as Account;

    async function setUp(acc: Account, company: string, integrationName: string, tokenName: string): Promise<void> {
      const reg = await new ApiClient(s.url).post('/api/merchants', { email: acc.email, password: PASSWORD, companyName: company });
      assert.equal(reg.status, 201, reg.text);
      acc.id = reg.body.merchant.id;
      const mail = (await listOutbox(s.store.db, s.app.deps.keyring, { to: acc.email })).find((x) => x.kind === 'verify_email');
      const token = /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(mail?.body ?? '')?.[1];
      assert.ok(token);
      assert.equal((await new ApiClient(s.url).post('/api/auth/verify-email', { token })).status, 200);
      acc.client = new ApiClient(s.url);
      assert.equal((await acc.client.login(acc.email, PASSWORD)).status, 200);
      const created = await acc.client.post('/api/integrations', { name: integrationName });
      assert.equal(created.status, 201, created.text);
      acc.integration = created.body.integration;
      const tok = await acc.client.post('/api/tokens', { name: tokenName });
      assert.equal(tok.status, 201, tok.text);
      acc.token = { id: tok.body.info.id, value: tok.body.token };
    }

    before(async () => {
      s = await startTestServer(kind);
      await setUp(A, 'Alpha Holdings', 'Alpha Secret Shop', 'alpha-deploy-token');
      await setUp(B, 'Beta Traders', 'Beta Shop', 'beta-deploy-token');
      // A paid test payment makes A's integration eligible to go live: a leak would answer 202.
      const now = s.clock.now();
      await insertPayment(s.store.db, {
        id: `pay_${randomUUID().replaceAll('-', '').slice(0, 21)}`,
        integration_id: A.integration.id,
        merchant_id: A.id,
        mode: 'test',
        state: 'paid',
        amount_minor: 500,
        currency: 'USD',
        version: 1,
        created_at: now,
        updated_at: now,
      });
    });
    after(() => s.stop());

    /** Every merchant route that takes an id; `theirs` is A's id, `unknown` one that exists nowhere. */
    const idRoutes = [
      { method: 'GET', pattern: '/api/integrations/:id', body: undefined, theirs: () => A.integration.id, unknown: UNKNOWN_INTEGRATION },
      { method: 'PATCH', pattern: '/api/integrations/:id', body: { name: 'Taken over', notificationUrl: 'https://evil.example/hook' }, theirs: () => A.integration.id, unknown: UNKNOWN_INTEGRATION },
      { method: 'PATCH', pattern: '/api/integrations/:id', body: { disabled: true }, theirs: () => A.integration.id, unknown: UNKNOWN_INTEGRATION },
      { method: 'POST', pattern: '/api/integrations/:id/rotate-keys', body: {}, theirs: () => A.integration.id, unknown: UNKNOWN_INTEGRATION },
      { method: 'POST', pattern: '/api/integrations/:id/rotate-keys', body: { groups: ['paynow-pl-sandbox'], graceSeconds: 3600 }, theirs: () => A.integration.id, unknown: UNKNOWN_INTEGRATION },
      { method: 'POST', pattern: '/api/integrations/:id/email-keys', body: {}, theirs: () => A.integration.id, unknown: UNKNOWN_INTEGRATION },
      { method: 'POST', pattern: '/api/integrations/:id/go-live', body: {}, theirs: () => A.integration.id, unknown: UNKNOWN_INTEGRATION },
      { method: 'DELETE', pattern: '/api/tokens/:id', body: undefined, theirs: () => A.token.id, unknown: UNKNOWN_TOKEN },
    ] as const;

    for (const route of idRoutes) {
      test(`${route.method} ${route.pattern} ${JSON.stringify(route.body ?? '')}: B gets for A's id exactly the 404 of an unknown id, and nothing changes`, async () => {
        const path = (id: string) => route.pattern.replace(':id', id);
        const before = await snapshot(s.store);
        const theirs = await B.client.request(route.method, path(route.theirs()), route.body);
        const unknown = await B.client.request(route.method, path(route.unknown), route.body);
        assert.equal(await snapshot(s.store), before, 'the database changed');
        assertProblem(theirs, 404, 'not_found', "A's id");
        assertProblem(unknown, 404, 'not_found', 'an unknown id');
        assert.deepEqual(comparable(theirs, route.theirs()), comparable(unknown, route.unknown));
        assert.ok(!theirs.text.includes('Alpha'), theirs.text);
      });
    }

    test('the same requests work for A on its own ids (so the 404s above are about ownership)', async () => {
      const get = await A.client.get(`/api/integrations/${A.integration.id}`);
      assert.equal(get.status, 200, get.text);
      assert.equal(get.body.integration.name, 'Alpha Secret Shop');
      const patch = await A.client.patch(`/api/integrations/${A.integration.id}`, { note: 'still ours' });
      assert.equal(patch.status, 200, patch.text);
      assert.equal((await A.client.post(`/api/integrations/${A.integration.id}/rotate-keys`, { groups: ['paynow-zw'] })).status, 200);
      assert.equal((await A.client.post(`/api/integrations/${A.integration.id}/email-keys`)).status, 202);
      const live = await A.client.post(`/api/integrations/${A.integration.id}/go-live`);
      assert.equal(live.status, 202, live.text);
      assert.equal(live.body.integration.goLive.state, 'requested');

      const bot = new ApiClient(s.url);
      bot.bearer = A.token.value;
      const me = await bot.get('/api/me');
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.merchant.id, A.id);
      assert.equal((await A.client.delete(`/api/tokens/${A.token.id}`)).status, 204);
      assert.equal((await bot.get('/api/me')).status, 401);
    });

    test("list routes never show A's data to B", async () => {
      const integrations = await B.client.get('/api/integrations');
      assert.equal(integrations.status, 200, integrations.text);
      assert.deepEqual(integrations.body.data.map((i: any) => i.id), [B.integration.id]);
      const tokens = await B.client.get('/api/tokens');
      assert.equal(tokens.status, 200, tokens.text);
      assert.deepEqual(tokens.body.data.map((t: any) => t.id), [B.token.id]);
      const audit = await B.client.get('/api/audit');
      assert.equal(audit.status, 200, audit.text);
      assert.ok(audit.body.data.length >= 1);
      for (const e of audit.body.data) assert.equal(e.merchantId, B.id);
      const me = await B.client.get('/api/me');
      assert.equal(me.body.merchant.id, B.id);

      const aAudit = await A.client.get('/api/audit');
      assert.ok(aAudit.body.data.length >= 5, 'A has history B could have seen');
      for (const [label, r] of [['integrations', integrations], ['tokens', tokens], ['audit', audit], ['me', me]] as const) {
        for (const leak of [A.id, A.email, A.integration.id, String(A.integration.paynowZwIntegrationId), 'Alpha', A.token.id, 'alpha-deploy-token']) {
          assert.ok(!r.text.includes(leak), `B's ${label} shows A's ${leak}`);
        }
      }
      // And the other way round.
      const aList = await A.client.get('/api/integrations');
      assert.deepEqual(aList.body.data.map((i: any) => i.id), [A.integration.id]);
      assert.ok(!aList.text.includes(B.integration.id));
    });

    const badIntegrationIds = ['int_', 'int_abc', 'INT_000000000000000000000', `int_${'0'.repeat(22)}`, 'int_00000000000000000000A', 'tok_000000000000000000000', 'mer_000000000000000000000', '..%2F..%2Fme', "int_'%20OR%20'1'%3D'1"];
    const badTokenIds = ['tok_', 'tok_ABCDEFGHIJKLMNOPQRSTU', `tok_${'0'.repeat(22)}`, 'int_000000000000000000000', '%00'];
    for (const route of idRoutes) {
      test(`${route.method} ${route.pattern} ${JSON.stringify(route.body ?? '')} with a malformed id is a 400 naming the id, and nothing changes`, async () => {
        const before = await snapshot(s.store);
        for (const bad of route.pattern.startsWith('/api/tokens') ? badTokenIds : badIntegrationIds) {
          const r = await B.client.request(route.method, route.pattern.replace(':id', bad), route.body);
          assertProblem(r, 400, 'validation', bad);
          assert.match(r.body.detail, /\bid\b/, bad);
        }
        assert.equal(await snapshot(s.store), before, 'the database changed');
      });
    }

    /** Every route behind authentication, with a body it would accept. */
    const protectedRoutes = (): [string, string, unknown][] => [
      ['GET', '/api/me', undefined],
      ['PATCH', '/api/me', { companyName: 'Nobody' }],
      ['POST', '/api/me/resend-verification', {}],
      ['GET', '/api/tokens', undefined],
      ['POST', '/api/tokens', { name: 'anonymous' }],
      ['DELETE', `/api/tokens/${B.token.id}`, undefined],
      ['GET', '/api/integrations', undefined],
      ['POST', '/api/integrations', { name: 'Anonymous shop' }],
      ['GET', `/api/integrations/${B.integration.id}`, undefined],
      ['PATCH', `/api/integrations/${B.integration.id}`, { name: 'Anonymous' }],
      ['POST', `/api/integrations/${B.integration.id}/rotate-keys`, {}],
      ['POST', `/api/integrations/${B.integration.id}/email-keys`, {}],
      ['POST', `/api/integrations/${B.integration.id}/go-live`, {}],
      ['GET', '/api/audit', undefined],
      ['GET', '/api/operator/merchants', undefined],
      ['GET', '/api/operator/golive-requests', undefined],
      ['POST', `/api/operator/integrations/${A.integration.id}/golive/approve`, {}],
      ['POST', `/api/operator/integrations/${A.integration.id}/golive/reject`, { reason: 'anonymous' }],
    ];

    for (const [label, headers] of [
      ['no credentials', {}],
      ['an unknown bearer token', { authorization: `Bearer tg_${'x'.repeat(43)}` }],
      ['a bearer token without the tg_ prefix', { authorization: 'Bearer abcdefabcdefabcdefabcdef' }],
      ['a made-up session cookie', { cookie: 'tollgate_session=forged-session-value', 'x-csrf-token': 'forged' }],
    ] as const) {
      test(`every authenticated route answers 401 to ${label}, changing nothing`, async () => {
        const before = await snapshot(s.store);
        for (const [method, path, body] of protectedRoutes()) {
          const r = await new ApiClient(s.url).request(method, path, body, { ...headers });
          assertProblem(r, 401, 'unauthenticated', `${method} ${path}`);
        }
        assert.equal(await snapshot(s.store), before, 'the database changed');
      });
    }
  });
}
