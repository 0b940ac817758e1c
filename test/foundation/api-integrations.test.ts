import { asId, type MerchantId } from '../../src/core/ids.js';
/**
 * Integrations over real HTTP: their credentials (shown once, mailed, never listed, never stored in
 * clear), settings, key rotation with and without a grace period, the audit log, going live, and the
 * operator's review, checked down to what the dialects' credential checks accept.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { CREDENTIAL_SLOTS, type CredentialSet } from '../../src/core/credentials.js';
import { listOutbox, type MailView } from '../../src/services/mail/outbox.js';
import { createOperator } from '../../src/services/merchants/accounts.js';
import { authenticateApiKeyPair, authenticateKeyTriple } from '../../src/services/merchants/credentials.js';
import { revealCredentials } from '../../src/services/merchants/integrations.js';
import { insertPayment } from '../../src/store/repos/payments.js';
import { ApiClient, assertProblem } from '../helpers/client.js';
import { secretsOf } from '../helpers/credentials.js';
import { testDatabases } from '../helpers/dbs.js';
import { snapshot, startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'correct horse battery staple';
const LOGIN_EMAIL = 'owner@shop.example';
const COMPANY_EMAIL = 'Billing@Shop.example';
const BILLING = 'billing@shop.example';
const OPERATOR_EMAIL = 'reviewer@tollgate.example';
const HOUR = 3_600_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MASTER_KEY = /^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$/;
const TOKEN = /^[A-Za-z0-9]{20}$/;

function assertNoSecret(text: string, secrets: Iterable<string>, where: string): void {
  for (const v of secrets) assert.ok(!text.includes(v), `${where} contains the secret ${v}`);
}

interface BadCase {
  name: string;
  body: unknown;
  fields: string[];
}

for (const kind of testDatabases()) {
  describe(`integrations, keys, go-live and operator review on ${kind}`, () => {
    let s: TestServer;
    let m: ApiClient;
    let op: ApiClient;
    let merchantId: MerchantId;
    let operatorId = '';
    /** Every secret the gateway has issued in this suite, current or not. */
    const issued = new Set<string>();
    let int1: any;
    let creds1: CredentialSet;
    let int2: any;

    const anon = () => new ApiClient(s.url);
    const reveal = async (id: string): Promise<CredentialSet> => {
      const c = await revealCredentials(s.app.deps, merchantId, asId('integration', id));
      for (const v of secretsOf(c)) issued.add(v);
      return c;
    };
    const apiKeyAuth = (apiKey: string) => authenticateApiKeyPair(s.app.deps, apiKey, s.clock.now());
    const tripleAuth = (masterKey: string, keys: { privateKey: string; token: string }, mode: 'test' | 'live') =>
      authenticateKeyTriple(s.app.deps, { masterKey, privateKey: keys.privateKey, token: keys.token }, mode, s.clock.now());
    const mailIds = async (): Promise<Set<string>> => new Set((await listOutbox(s.store.db, s.app.deps.keyring, { limit: 1000 })).map((x) => x.id));
    /** The mails queued since `before` was taken, to any address. */
    const mailsSince = async (before: Set<string>): Promise<MailView[]> =>
      (await listOutbox(s.store.db, s.app.deps.keyring, { limit: 1000 })).filter((x) => !before.has(x.id));
    const addPayment = async (integrationId: string, mode: 'test' | 'live', state: string) => {
      const now = s.clock.now();
      await insertPayment(s.store.db, {
        id: `pay_${randomUUID().replaceAll('-', '').slice(0, 21)}`,
        integration_id: integrationId,
        merchant_id: merchantId,
        mode,
        state,
        amount_minor: 1250,
        currency: 'USD',
        version: 1,
        created_at: now,
        updated_at: now,
      });
    };

    /** One test per bad request: a problem naming the field, and nothing changed. */
    function rejects(method: string, label: string, path: () => string, cases: BadCase[]): void {
      for (const c of cases) {
        test(`${method} ${label} with ${c.name} is a 400 naming the field and changes nothing`, async () => {
          const before = await snapshot(s.store);
          const r = await m.request(method, path(), c.body);
          assertProblem(r, 400, 'validation');
          for (const f of c.fields) assert.ok(r.body.detail.includes(f), `the detail "${r.body.detail}" does not name ${f}`);
          assert.equal(await snapshot(s.store), before, 'the database changed');
        });
      }
    }

    before(async () => {
      s = await startTestServer(kind);
      const reg = await anon().post('/api/merchants', { email: LOGIN_EMAIL, password: PASSWORD, companyName: 'Shop Ltd', companyEmail: COMPANY_EMAIL });
      assert.equal(reg.status, 201, reg.text);
      merchantId = asId('merchant', reg.body.merchant.id);
      m = anon();
      assert.equal((await m.login(LOGIN_EMAIL, PASSWORD)).status, 200);
      operatorId = (await createOperator(s.app.deps, OPERATOR_EMAIL, PASSWORD)).id;
      op = anon();
      const r = await op.login(OPERATOR_EMAIL, PASSWORD, 'operator');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.kind, 'operator');
      assert.equal(r.body.operator.id, operatorId);
    });
    after(() => s.stop());

    test('creating an integration answers 201 with its credentials, once, in the documented shape', async () => {
      const r = await m.post('/api/integrations', { name: 'Web shop', notificationUrl: 'https://shop.example/paynow', enabledMethods: ['ecocash', 'card'] });
      assert.equal(r.status, 201, r.text);
      int1 = r.body.integration;
      assert.match(int1.id, /^int_[0-9a-z]{21}$/);
      assert.equal(int1.name, 'Web shop');
      assert.equal(int1.mode, 'test');
      assert.equal(int1.disabled, false);
      assert.equal(int1.goLive.state, 'none');
      assert.equal(int1.notificationUrl, 'https://shop.example/paynow');
      assert.deepEqual(int1.enabledMethods, ['ecocash', 'card']);

      const c: CredentialSet = r.body.credentials;
      creds1 = c;
      assert.deepEqual(Object.keys(c).sort(), ['paydunya', 'paynowPl', 'paynowZw', 'tollgate']);
      assert.match(c.tollgate.webhookSecret ?? '', /^whsec_[A-Za-z0-9+/]{32}$/, 'Tollgate\u2019s own webhook has its own Standard Webhooks secret');
      assert.deepEqual(Object.keys(c.paynowZw).sort(), ['integrationId', 'integrationKey']);
      assert.equal(typeof c.paynowZw.integrationId, 'number');
      assert.ok(Number.isInteger(c.paynowZw.integrationId) && c.paynowZw.integrationId > 0);
      assert.equal(c.paynowZw.integrationId, int1.paynowZwIntegrationId);
      assert.match(c.paynowZw.integrationKey, UUID);
      for (const env of ['sandbox', 'production'] as const) {
        assert.deepEqual(Object.keys(c.paynowPl[env]).sort(), ['apiKey', 'signatureKey']);
        assert.match(c.paynowPl[env].apiKey, UUID);
        assert.match(c.paynowPl[env].signatureKey, UUID);
      }
      assert.deepEqual(Object.keys(c.paydunya).sort(), ['live', 'masterKey', 'test']);
      assert.match(c.paydunya.masterKey, MASTER_KEY);
      for (const mode of ['test', 'live'] as const) {
        assert.deepEqual(Object.keys(c.paydunya[mode]).sort(), ['privateKey', 'publicKey', 'token']);
        assert.match(c.paydunya[mode].privateKey, new RegExp(`^${mode}_private_[A-Za-z0-9]{27}$`));
        assert.match(c.paydunya[mode].publicKey, new RegExp(`^${mode}_public_[A-Za-z0-9-]{27,43}$`));
        assert.match(c.paydunya[mode].token, TOKEN);
      }
      const secrets = secretsOf(c);
      assert.equal(new Set(secrets).size, secrets.length, 'two credentials share a value');
      for (const v of secrets) issued.add(v);
      assert.deepEqual(await reveal(int1.id), c);
    });

    test('reading or listing integrations never shows a secret', async () => {
      const one = await m.get(`/api/integrations/${int1.id}`);
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.integration.id, int1.id);
      assert.equal(one.body.integration.paynowZwIntegrationId, creds1.paynowZw.integrationId);
      assertNoSecret(one.text, secretsOf(creds1), 'GET /api/integrations/:id');
      const list = await m.get('/api/integrations');
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body.data.map((i: any) => i.id), [int1.id]);
      assertNoSecret(list.text, secretsOf(creds1), 'GET /api/integrations');
    });

    test('the keys are mailed to the company address, not the login address', async () => {
      const mails = (await listOutbox(s.store.db, s.app.deps.keyring, { to: BILLING })).filter((x) => x.kind === 'keys');
      assert.equal(mails.length, 1);
      const mail = mails[0]!;
      assert.equal(mail.to, BILLING);
      assert.match(mail.subject, /Web shop/);
      for (const v of secretsOf(creds1)) assert.ok(mail.body.includes(v), `the keys mail lacks ${v}`);
      assert.ok(mail.body.includes(String(creds1.paynowZw.integrationId)));
      const toLogin = await listOutbox(s.store.db, s.app.deps.keyring, { to: LOGIN_EMAIL });
      assert.deepEqual(toLogin.map((x) => x.kind), ['verify_email']);
    });

    test('no secret is stored in clear: not in credentials, not in the mail outbox, nowhere', async () => {
      const creds = await s.store.db.selectFrom('credentials').selectAll().where('integration_id', '=', int1.id).execute();
      assert.deepEqual(creds.map((r) => r.slot).sort(), [...CREDENTIAL_SLOTS].sort());
      for (const row of creds) {
        assert.equal(row.expires_at, null);
        assert.match(row.ciphertext, /^v1\./);
      }
      assertNoSecret(JSON.stringify(creds), secretsOf(creds1), 'the credentials table');
      const outbox = await s.store.db.selectFrom('mail_outbox').selectAll().execute();
      assert.ok(outbox.length >= 2);
      assertNoSecret(JSON.stringify(outbox), secretsOf(creds1), 'the mail outbox');
      assertNoSecret(await snapshot(s.store), secretsOf(creds1), 'the database');
    });

    test('PATCH changes the settings', async () => {
      const r = await m.patch(`/api/integrations/${int1.id}`, { name: 'Web shop (main)', enabledMethods: ['ecocash', 'onemoney', 'card'], notificationUrl: 'http://shop.example/notify', note: 'checkout v2' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.integration.name, 'Web shop (main)');
      assert.deepEqual(r.body.integration.enabledMethods, ['ecocash', 'onemoney', 'card']);
      assert.equal(r.body.integration.notificationUrl, 'http://shop.example/notify');
      assert.equal(r.body.integration.note, 'checkout v2');
      const again = await m.get(`/api/integrations/${int1.id}`);
      assert.deepEqual(again.body.integration, r.body.integration);
      const cleared = await m.patch(`/api/integrations/${int1.id}`, { notificationUrl: null });
      assert.equal(cleared.status, 200, cleared.text);
      assert.equal(cleared.body.integration.notificationUrl, null);
      assert.equal(cleared.body.integration.name, 'Web shop (main)');
    });

    rejects('PATCH', '/api/integrations/:id', () => `/api/integrations/${int1.id}`, [
      { name: 'an unknown payment method', body: { enabledMethods: ['ecocash', 'bitcoin'] }, fields: ['enabledMethods'] },
      { name: 'a repeated payment method', body: { enabledMethods: ['card', 'card'] }, fields: ['enabledMethods'] },
      { name: 'an ftp notification URL', body: { notificationUrl: 'ftp://shop.example/notify' }, fields: ['notificationUrl'] },
      { name: 'a javascript: notification URL', body: { notificationUrl: 'javascript:alert(1)' }, fields: ['notificationUrl'] },
      { name: 'a notification URL that is not a URL', body: { notificationUrl: 'shop.example' }, fields: ['notificationUrl'] },
      { name: 'an empty name', body: { name: '' }, fields: ['name'] },
      { name: 'a 101-character name', body: { name: 'n'.repeat(101) }, fields: ['name'] },
      { name: 'disabled as a string', body: { disabled: 'yes' }, fields: ['disabled'] },
      { name: 'a bad notification email', body: { notificationEmail: 'not-mail' }, fields: ['notificationEmail'] },
      { name: 'a field that does not exist', body: { mode: 'live' }, fields: ['mode'] },
    ]);

    rejects('POST', '/api/integrations', () => '/api/integrations', [
      { name: 'no name', body: {}, fields: ['name'] },
      { name: 'an unknown payment method', body: { name: 'X', enabledMethods: ['bitcoin'] }, fields: ['enabledMethods'] },
      { name: 'a non-http notification URL', body: { name: 'X', notificationUrl: 'file:///etc/passwd' }, fields: ['notificationUrl'] },
      { name: 'a numeric name', body: { name: 12 }, fields: ['name'] },
    ]);

    test('{"disabled": true} disables the integration: its keys stop authenticating until it is enabled again', async () => {
      const off = await m.patch(`/api/integrations/${int1.id}`, { disabled: true });
      assert.equal(off.status, 200, off.text);
      assert.equal(off.body.integration.disabled, true);
      assert.deepEqual(await apiKeyAuth(creds1.paynowPl.sandbox.apiKey), { ok: false, reason: 'disabled' });
      assert.deepEqual(await tripleAuth(creds1.paydunya.masterKey, creds1.paydunya.test, 'test'), { ok: false, reason: 'disabled' });
      const on = await m.patch(`/api/integrations/${int1.id}`, { disabled: false });
      assert.equal(on.status, 200, on.text);
      assert.equal(on.body.integration.disabled, false);
      const auth = await apiKeyAuth(creds1.paynowPl.sandbox.apiKey);
      assert.equal(auth.ok, true);
    });

    test('a flood of invented Api-Keys (none of them cached) lets none in and still knows the real key', async () => {
      const real = await reveal(int1.id);
      assert.equal((await apiKeyAuth(real.paynowPl.sandbox.apiKey)).ok, true);
      for (let i = 0; i < 1500; i++) {
        const invented = await apiKeyAuth(`${real.paynowPl.sandbox.apiKey.slice(0, -6)}${String(i).padStart(6, '0')}`);
        assert.deepEqual(invented, { ok: false, reason: 'unknown_credentials' });
      }
      const again = await apiKeyAuth(real.paynowPl.sandbox.apiKey);
      assert.ok(again.ok && again.integration.id === int1.id && again.mode === 'test');
    });

    test('rotate-keys replaces every key at once: the response has no key, a mail has the new ones, the old ones stop', async () => {
      const old = await reveal(int1.id);
      const auth0 = await apiKeyAuth(old.paynowPl.sandbox.apiKey);
      assert.ok(auth0.ok && auth0.mode === 'test' && auth0.integration.id === int1.id);

      const mailsBefore = await mailIds();
      const r = await m.post(`/api/integrations/${int1.id}/rotate-keys`, {});
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([...r.body.rotated].sort(), ['paydunya-live', 'paydunya-master', 'paydunya-test', 'paynow-pl-production', 'paynow-pl-sandbox', 'paynow-zw', 'tollgate-webhook']);
      assert.equal(r.body.emailed, true);
      assert.equal(r.body.integration.id, int1.id);
      assert.equal(r.body.credentials, undefined);

      const fresh = await reveal(int1.id);
      for (const [a, b] of secretsOf(old).map((v, i) => [v, secretsOf(fresh)[i]])) assert.notEqual(a, b, 'a key was not renewed');
      assert.equal(fresh.paynowZw.integrationId, old.paynowZw.integrationId);
      assertNoSecret(r.text, [...secretsOf(old), ...secretsOf(fresh)], 'the rotate-keys response');

      const mails = await mailsSince(mailsBefore);
      assert.equal(mails.length, 1);
      assert.equal(mails[0]?.to, BILLING);
      assert.equal(mails[0]?.kind, 'keys');
      for (const v of secretsOf(fresh)) assert.ok(mails[0]?.body.includes(v), `the new keys mail lacks ${v}`);
      assertNoSecret(mails[0]?.body ?? '', secretsOf(old), 'the new keys mail');

      assert.deepEqual(await apiKeyAuth(old.paynowPl.sandbox.apiKey), { ok: false, reason: 'unknown_credentials' });
      const auth = await apiKeyAuth(fresh.paynowPl.sandbox.apiKey);
      assert.ok(auth.ok, JSON.stringify(auth));
      assert.equal(auth.mode, 'test');
      assert.equal(auth.integration.id, int1.id);
      assert.deepEqual(auth.signatureKeys, [fresh.paynowPl.sandbox.signatureKey]);
      assert.deepEqual(await tripleAuth(old.paydunya.masterKey, old.paydunya.test, 'test'), { ok: false, reason: 'unknown_credentials' });
      assert.equal((await tripleAuth(fresh.paydunya.masterKey, fresh.paydunya.test, 'test')).ok, true);
    });

    test('rotate-keys with graceSeconds 3600 keeps the old key working for exactly an hour', async () => {
      const old = await reveal(int1.id);
      const r = await m.post(`/api/integrations/${int1.id}/rotate-keys`, { groups: ['paynow-pl-sandbox'], graceSeconds: 3600 });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.rotated, ['paynow-pl-sandbox']);
      const fresh = await reveal(int1.id);
      assertNoSecret(r.text, [...secretsOf(old), ...secretsOf(fresh)], 'the rotate-keys response');
      assert.notEqual(fresh.paynowPl.sandbox.apiKey, old.paynowPl.sandbox.apiKey);
      assert.notEqual(fresh.paynowPl.sandbox.signatureKey, old.paynowPl.sandbox.signatureKey);
      // Only the named group changed.
      assert.deepEqual({ ...fresh, paynowPl: { ...fresh.paynowPl, sandbox: old.paynowPl.sandbox } }, old);

      const during = await apiKeyAuth(old.paynowPl.sandbox.apiKey);
      assert.ok(during.ok, JSON.stringify(during));
      assert.deepEqual([...during.signatureKeys].sort(), [old.paynowPl.sandbox.signatureKey, fresh.paynowPl.sandbox.signatureKey].sort());
      assert.equal((await apiKeyAuth(fresh.paynowPl.sandbox.apiKey)).ok, true);

      s.clock.advance(HOUR - 1);
      assert.equal((await apiKeyAuth(old.paynowPl.sandbox.apiKey)).ok, true, 'the old key stopped before the grace period ended');
      s.clock.advance(2);
      assert.deepEqual(await apiKeyAuth(old.paynowPl.sandbox.apiKey), { ok: false, reason: 'unknown_credentials' });
      const after = await apiKeyAuth(fresh.paynowPl.sandbox.apiKey);
      assert.ok(after.ok, JSON.stringify(after));
      assert.deepEqual(after.signatureKeys, [fresh.paynowPl.sandbox.signatureKey]);
    });

    rejects('POST', '/api/integrations/:id/rotate-keys', () => `/api/integrations/${int1.id}/rotate-keys`, [
      { name: 'graceSeconds 700000 (over seven days)', body: { graceSeconds: 700_000 }, fields: ['graceSeconds'] },
      { name: 'a negative graceSeconds', body: { graceSeconds: -1 }, fields: ['graceSeconds'] },
      { name: 'a fractional graceSeconds', body: { graceSeconds: 1.5 }, fields: ['graceSeconds'] },
      { name: 'graceSeconds as a string', body: { graceSeconds: '3600' }, fields: ['graceSeconds'] },
      { name: 'an unknown group', body: { groups: ['paynow-zw', 'stripe'] }, fields: ['groups'] },
    ]);

    test('rotate-keys without any body rotates every group', async () => {
      const old = await reveal(int1.id);
      const r = await m.request('POST', `/api/integrations/${int1.id}/rotate-keys`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.rotated.length, 7);
      const fresh = await reveal(int1.id);
      assert.notEqual(fresh.paynowPl.sandbox.apiKey, old.paynowPl.sandbox.apiKey);
      assert.notEqual(fresh.paydunya.masterKey, old.paydunya.masterKey);
    });

    test('email-keys answers 202 and mails the current keys to the company address', async () => {
      const current = await reveal(int1.id);
      const before = await mailIds();
      const r = await m.post(`/api/integrations/${int1.id}/email-keys`);
      assert.equal(r.status, 202, r.text);
      assert.equal(r.body.to, 'Billing@Shop.example');
      assertNoSecret(r.text, secretsOf(current), 'the email-keys response');
      const mails = await mailsSince(before);
      assert.equal(mails.length, 1);
      assert.equal(mails[0]?.to, BILLING);
      assert.equal(mails[0]?.kind, 'keys');
      for (const v of secretsOf(current)) assert.ok(mails[0]?.body.includes(v), `the keys mail lacks ${v}`);
    });

    test('the audit log records creation, changes and rotations, and holds no key material', async () => {
      const r = await m.get('/api/audit');
      assert.equal(r.status, 200, r.text);
      const entries: any[] = r.body.data;
      const actions = entries.map((e) => e.action);
      for (const a of ['integration.created', 'integration.updated', 'integration.disabled', 'integration.enabled', 'integration.keys_rotated', 'integration.keys_emailed']) {
        assert.ok(actions.includes(a), `no ${a} in ${actions.join(', ')}`);
      }
      // Two rotations above, three when the bodiless one went through.
      assert.ok(actions.filter((a) => a === 'integration.keys_rotated').length >= 2);
      assert.equal(actions[0], 'integration.keys_emailed', 'the newest entry comes first');
      for (const e of entries) {
        assert.equal(e.merchantId, merchantId);
        assert.equal(e.integrationId, int1.id);
        assert.equal(e.actorKind, 'merchant');
        assert.equal(e.actorId, merchantId);
      }
      const graced = entries.find((e) => e.action === 'integration.keys_rotated' && e.detail.graceSeconds === 3600);
      assert.deepEqual(graced?.detail, { groups: ['paynow-pl-sandbox'], graceSeconds: 3600 });
      assert.ok(issued.size >= 26);
      assertNoSecret(r.text, issued, 'GET /api/audit');
      assertNoSecret(JSON.stringify(await s.store.db.selectFrom('audit_log').selectAll().execute()), issued, 'the audit_log table');
      const limited = await m.get('/api/audit?limit=2');
      assert.deepEqual(limited.body.data, entries.slice(0, 2));
    });

    test('go-live for an unverified email is a 403 not_verified, even with a paid test payment', async () => {
      await addPayment(int1.id, 'test', 'paid');
      const before = await snapshot(s.store);
      assertProblem(await m.post(`/api/integrations/${int1.id}/go-live`), 403, 'not_verified');
      assert.equal(await snapshot(s.store), before);
    });

    test('go-live needs a successful test payment; then it is requested once', async () => {
      const mail = (await listOutbox(s.store.db, s.app.deps.keyring, { to: LOGIN_EMAIL })).find((x) => x.kind === 'verify_email');
      const token = /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(mail?.body ?? '')?.[1];
      assert.ok(token);
      assert.equal((await anon().post('/api/auth/verify-email', { token })).status, 200);

      const created = await m.post('/api/integrations', { name: 'Market stall' });
      assert.equal(created.status, 201, created.text);
      int2 = created.body.integration;
      for (const v of secretsOf(created.body.credentials)) issued.add(v);

      let before = await snapshot(s.store);
      assertProblem(await m.post(`/api/integrations/${int2.id}/go-live`), 409, 'invalid_state', /successful test payment/);
      assert.equal(await snapshot(s.store), before);
      // Neither an unfinished test payment nor a live one counts.
      await addPayment(int2.id, 'test', 'pending');
      await addPayment(int2.id, 'live', 'paid');
      before = await snapshot(s.store);
      assertProblem(await m.post(`/api/integrations/${int2.id}/go-live`), 409, 'invalid_state', /successful test payment/);
      assert.equal(await snapshot(s.store), before);

      await addPayment(int2.id, 'test', 'paid');
      const r = await m.post(`/api/integrations/${int2.id}/go-live`);
      assert.equal(r.status, 202, r.text);
      assert.equal(r.body.integration.goLive.state, 'requested');
      assert.equal(r.body.integration.mode, 'test');
      assert.equal(r.body.integration.goLive.requestedAt, new Date(s.clock.now()).toISOString());
      assert.equal((await m.get(`/api/integrations/${int2.id}`)).body.integration.goLive.state, 'requested');

      before = await snapshot(s.store);
      assertProblem(await m.post(`/api/integrations/${int2.id}/go-live`), 409, 'invalid_state');
      assert.equal(await snapshot(s.store), before);

      const first = await m.post(`/api/integrations/${int1.id}/go-live`);
      assert.equal(first.status, 202, first.text);
      assert.equal(first.body.integration.goLive.state, 'requested');
      assert.ok((await m.get('/api/audit')).body.data.some((e: any) => e.action === 'golive.requested' && e.integrationId === int2.id));
    });

    test('the operator approves: the integration goes live with fresh production keys, mailed; the old ones stop', async () => {
      const before = await reveal(int1.id);
      assert.deepEqual(await apiKeyAuth(before.paynowPl.production.apiKey), { ok: false, reason: 'not_live' });
      assert.deepEqual(await tripleAuth(before.paydunya.masterKey, before.paydunya.live, 'live'), { ok: false, reason: 'not_live' });

      const pending = await op.get('/api/operator/golive-requests');
      assert.equal(pending.status, 200, pending.text);
      assert.deepEqual(pending.body.data.map((i: any) => i.id).sort(), [int1.id, int2.id].sort());
      assertNoSecret(pending.text, issued, 'the go-live request list');

      const mailsBefore = await mailIds();
      const r = await op.post(`/api/operator/integrations/${int1.id}/golive/approve`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.integration.mode, 'live');
      assert.equal(r.body.integration.goLive.state, 'approved');
      assert.notEqual(r.body.integration.goLive.decidedAt, null);
      const live = await reveal(int1.id);
      assertNoSecret(r.text, issued, 'the approve response');

      const mails = await mailsSince(mailsBefore);
      assert.equal(mails.length, 1);
      assert.equal(mails[0]?.kind, 'golive');
      assert.equal(mails[0]?.to, BILLING);
      const prod = /Production Api-Key:\s+(\S+)/.exec(mails[0]?.body ?? '')?.[1] ?? '';
      assert.match(prod, UUID);
      assert.notEqual(prod, before.paynowPl.production.apiKey);
      assert.equal(prod, live.paynowPl.production.apiKey);
      assert.ok(mails[0]?.body.includes(live.paydunya.live.privateKey));

      const auth = await apiKeyAuth(prod);
      assert.ok(auth.ok, JSON.stringify(auth));
      assert.equal(auth.mode, 'live');
      assert.equal(auth.integration.id, int1.id);
      assert.equal(auth.integration.mode, 'live');
      assert.deepEqual(auth.signatureKeys, [live.paynowPl.production.signatureKey]);
      assert.deepEqual(await apiKeyAuth(before.paynowPl.production.apiKey), { ok: false, reason: 'unknown_credentials' });
      // Test keys keep working in test mode.
      assert.equal(live.paynowPl.sandbox.apiKey, before.paynowPl.sandbox.apiKey);
      const sandbox = await apiKeyAuth(live.paynowPl.sandbox.apiKey);
      assert.ok(sandbox.ok && sandbox.mode === 'test');

      assert.equal((await m.get(`/api/integrations/${int1.id}`)).body.integration.mode, 'live');
      assert.deepEqual((await op.get('/api/operator/golive-requests')).body.data.map((i: any) => i.id), [int2.id]);
      const approvedEntry = (await m.get('/api/audit')).body.data.find((e: any) => e.action === 'golive.approved');
      assert.equal(approvedEntry?.actorKind, 'operator');
      assert.equal(approvedEntry?.actorId, operatorId);

      const snap = await snapshot(s.store);
      assertProblem(await op.post(`/api/operator/integrations/${int1.id}/golive/approve`), 409, 'invalid_state');
      assertProblem(await m.post(`/api/integrations/${int1.id}/go-live`), 409, 'invalid_state');
      assertProblem(await op.post('/api/operator/integrations/int_000000000000000000000/golive/approve'), 404, 'not_found');
      assert.equal(await snapshot(s.store), snap);
    });

    test('rejecting needs a reason', async () => {
      const before = await snapshot(s.store);
      const r = await op.post(`/api/operator/integrations/${int2.id}/golive/reject`, {});
      assertProblem(r, 400, 'validation');
      assert.ok(r.body.detail.includes('reason'), r.body.detail);
      assertProblem(await op.post(`/api/operator/integrations/${int2.id}/golive/reject`, { reason: '   ' }), 400, 'validation');
      assert.equal(await snapshot(s.store), before);
    });

    test('the operator rejects with a reason: the request is rejected, the merchant is told why, nothing goes live', async () => {
      const reason = 'Your website has no refund policy';
      const mailsBefore = await mailIds();
      const r = await op.post(`/api/operator/integrations/${int2.id}/golive/reject`, { reason });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.integration.goLive.state, 'rejected');
      assert.equal(r.body.integration.goLive.reason, reason);
      assert.equal(r.body.integration.mode, 'test');
      const seen = await m.get(`/api/integrations/${int2.id}`);
      assert.equal(seen.body.integration.goLive.state, 'rejected');
      assert.equal(seen.body.integration.goLive.reason, reason);

      const mails = await mailsSince(mailsBefore);
      assert.equal(mails.length, 1);
      assert.equal(mails[0]?.kind, 'golive');
      assert.equal(mails[0]?.to, BILLING);
      assert.ok(mails[0]?.body.includes(reason), mails[0]?.body);

      const creds = await reveal(int2.id);
      assert.deepEqual(await apiKeyAuth(creds.paynowPl.production.apiKey), { ok: false, reason: 'not_live' });
      assert.deepEqual((await op.get('/api/operator/golive-requests')).body.data, []);
      assertProblem(await op.post(`/api/operator/integrations/${int2.id}/golive/approve`), 409, 'invalid_state');
      // Once addressed, the merchant may ask again.
      const again = await m.post(`/api/integrations/${int2.id}/go-live`);
      assert.equal(again.status, 202, again.text);
      assert.equal(again.body.integration.goLive.state, 'requested');
    });

    test('merchants get 403 on operator routes and operators get 403 on merchant routes, changing nothing', async () => {
      const before = await snapshot(s.store);
      for (const [method, path, body] of [
        ['GET', '/api/operator/merchants', undefined],
        ['GET', '/api/operator/golive-requests', undefined],
        ['POST', `/api/operator/integrations/${int2.id}/golive/approve`, {}],
        ['POST', `/api/operator/integrations/${int2.id}/golive/reject`, { reason: 'self-service' }],
      ] as const) {
        assertProblem(await m.request(method, path, body), 403, 'forbidden');
      }
      for (const [method, path, body] of [
        ['GET', '/api/me', undefined],
        ['GET', '/api/integrations', undefined],
        ['POST', '/api/integrations', { name: 'by operator' }],
        ['GET', `/api/integrations/${int1.id}`, undefined],
        ['PATCH', `/api/integrations/${int1.id}`, { name: 'by operator' }],
        ['POST', `/api/integrations/${int1.id}/rotate-keys`, {}],
        ['POST', `/api/integrations/${int1.id}/email-keys`, {}],
        ['POST', `/api/integrations/${int1.id}/go-live`, {}],
        ['GET', '/api/audit', undefined],
        ['GET', '/api/tokens', undefined],
        ['POST', '/api/tokens', { name: 'by operator' }],
      ] as const) {
        assertProblem(await op.request(method, path, body), 403, 'forbidden');
      }
      assert.equal(await snapshot(s.store), before);

      const merchants = await op.get('/api/operator/merchants');
      assert.equal(merchants.status, 200, merchants.text);
      assert.deepEqual(merchants.body.data.map((x: any) => x.id), [merchantId]);
      assert.ok(!merchants.text.includes('argon2'), 'the merchant list shows password hashes');
    });

    test('PayDunya key triples: test keys act in test mode only; live keys only once live', async () => {
      const created = await m.post('/api/integrations', { name: 'PayDunya shop' });
      assert.equal(created.status, 201, created.text);
      const id: string = created.body.integration.id;
      const c: CredentialSet = created.body.credentials;
      for (const v of secretsOf(c)) issued.add(v);

      const ok = await tripleAuth(c.paydunya.masterKey, c.paydunya.test, 'test');
      assert.ok(ok.ok, JSON.stringify(ok));
      assert.equal(ok.mode, 'test');
      assert.equal(ok.integration.id, id);
      assert.equal((await tripleAuth(c.paydunya.masterKey, c.paydunya.test, 'live')).ok, false);
      assert.deepEqual(await tripleAuth(c.paydunya.masterKey, c.paydunya.live, 'live'), { ok: false, reason: 'not_live' });
      assert.equal((await tripleAuth(c.paydunya.masterKey, c.paydunya.live, 'test')).ok, false);
      assert.deepEqual(await tripleAuth(c.paydunya.masterKey, { privateKey: c.paydunya.test.privateKey, token: c.paydunya.live.token }, 'test'), { ok: false, reason: 'unknown_credentials' });
      assert.deepEqual(await tripleAuth(creds1.paydunya.masterKey, c.paydunya.test, 'test'), { ok: false, reason: 'unknown_credentials' });

      // The integration approved above: its live keys act live, its test keys still test.
      const live = await reveal(int1.id);
      const liveOk = await tripleAuth(live.paydunya.masterKey, live.paydunya.live, 'live');
      assert.ok(liveOk.ok, JSON.stringify(liveOk));
      assert.equal(liveOk.mode, 'live');
      assert.equal(liveOk.integration.id, int1.id);
      assert.equal((await tripleAuth(live.paydunya.masterKey, live.paydunya.test, 'test')).ok, true);
      assert.equal((await tripleAuth(live.paydunya.masterKey, live.paydunya.test, 'live')).ok, false);
    });

    test('no secret ever issued is stored in clear anywhere in the database', async () => {
      assert.ok(issued.size >= 50);
      assertNoSecret(await snapshot(s.store), issued, 'the database');
    });
  });
}
