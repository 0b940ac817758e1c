/**
 * Changing a password while logged in, and resetting a forgotten one by a mailed link (the API and the
 * page the link opens), over real HTTP: the rules of the new password, which sessions end, and that a
 * link works once, for an hour, and tells nobody which addresses have accounts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listOutbox } from '../../src/services/mail/outbox.js';
import { registerMerchant } from '../../src/services/merchants/accounts.js';
import { ApiClient, assertProblem } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { snapshot, startTestServer, type TestServer } from '../helpers/server.js';

const OLD = 'lantern orchard 4821';
const NEW = 'copper kettle river 77';
const HOUR = 60 * 60_000;

for (const kind of testDatabases()) {
  describe(`changing and resetting passwords on ${kind}`, () => {
    let s: TestServer;
    const anon = () => new ApiClient(s.url);

    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s.stop());

    async function merchant(email: string, password = OLD): Promise<string> {
      return (await registerMerchant(s.app.deps, { email, password, companyName: 'Shop' }, { verified: true })).merchant.id;
    }
    async function loggedIn(email: string, password: string): Promise<ApiClient> {
      const c = anon();
      const r = await c.login(email, password);
      assert.equal(r.status, 200, r.text);
      return c;
    }
    async function resetLink(email: string): Promise<string> {
      const mail = (await listOutbox(s.store.db, s.app.deps.keyring, { to: email })).find((m) => m.kind === 'password_reset');
      assert.ok(mail, `no reset mail to ${email}`);
      const m = /(http:\/\/\S+\/reset-password\?token=([A-Za-z0-9_-]+))/.exec(mail.body);
      assert.ok(m?.[1], mail.body);
      return m[1];
    }
    const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

    test('POST /api/me/password: needs the current password, applies the policy to the new one, and ends the other sessions', async () => {
      const email = 'changer@example.com';
      await merchant(email);
      const mine = await loggedIn(email, OLD);
      const other = await loggedIn(email, OLD);

      const before = await snapshot(s.store, ['merchants']);
      assertProblem(await mine.post('/api/me/password', { currentPassword: 'not it at all 1', newPassword: NEW }), 403, 'forbidden', /current password is wrong/);
      assertProblem(await mine.post('/api/me/password', { currentPassword: OLD, newPassword: 'aaaaaaaaaaaa' }), 400, 'validation', /newPassword/);
      assertProblem(await mine.post('/api/me/password', { currentPassword: OLD, newPassword: 'changer is me 2026' }), 400, 'validation', /email address/);
      assertProblem(await mine.post('/api/me/password', { currentPassword: OLD }), 400, 'validation', /newPassword/);
      assert.equal(await snapshot(s.store, ['merchants']), before, 'something but the attempt count changed');

      const r = await mine.post('/api/me/password', { currentPassword: OLD, newPassword: NEW });
      assert.equal(r.status, 204, r.text);
      assert.equal((await mine.get('/api/me')).status, 200, 'the session that changed it goes on');
      assertProblem(await other.get('/api/me'), 401, 'unauthenticated');
      assertProblem(await anon().login(email, OLD), 401, 'unauthenticated');
      assert.equal((await anon().login(email, NEW)).status, 200);
      assertProblem(await anon().post('/api/me/password', { currentPassword: NEW, newPassword: OLD }), 401, 'unauthenticated');
    });

    test('a wrong current password counts towards the lockout like a wrong login', async () => {
      const email = 'guessed@example.com';
      await merchant(email);
      const c = await loggedIn(email, OLD);
      for (let i = 0; i < 10; i++) assertProblem(await c.post('/api/me/password', { currentPassword: `guess number ${i}`, newPassword: NEW }), 403, 'forbidden');
      assertProblem(await c.post('/api/me/password', { currentPassword: OLD, newPassword: NEW }), 423, 'locked', /try again after/);
      assertProblem(await anon().login(email, OLD), 423, 'locked');
    });

    test('POST /api/auth/password-reset answers alike for a known and an unknown address; only the known one gets a link, stored hashed', async () => {
      const email = 'forgetful@example.com';
      await merchant(email);
      const known = await anon().post('/api/auth/password-reset', { email: 'Forgetful@Example.com' });
      const unknown = await anon().post('/api/auth/password-reset', { email: 'nobody-here@example.com' });
      assert.equal(known.status, 202, known.text);
      assert.equal(unknown.status, known.status);
      assert.equal(unknown.text, known.text);
      assert.deepEqual(known.body, { sent: true });
      assert.equal((await listOutbox(s.store.db, s.app.deps.keyring, { to: 'nobody-here@example.com' })).length, 0);
      const link = await resetLink(email);
      assert.ok(link.startsWith(`${s.url}/reset-password?token=`), link);
      assert.ok(!(await snapshot(s.store)).includes(tokenOf(link)), 'the reset token is stored in clear');
    });

    test('a reset link sets the password once, ends every session and lifts a lockout; used or expired it says so', async () => {
      const email = 'resetter@example.com';
      await merchant(email);
      const session = await loggedIn(email, OLD);
      for (let i = 0; i < 10; i++) await anon().login(email, `wrong guess ${i}`);
      assertProblem(await anon().login(email, OLD), 423, 'locked');
      await anon().post('/api/auth/password-reset', { email });
      const token = tokenOf(await resetLink(email));

      const before = await snapshot(s.store);
      assertProblem(await anon().post('/api/auth/password-reset/confirm', { token, password: 'password1234' }), 400, 'validation', /too common/);
      assertProblem(await anon().post('/api/auth/password-reset/confirm', { token: 'never-sent-token', password: NEW }), 404, 'not_found', /ask for a new one/);
      assert.equal(await snapshot(s.store), before);

      const r = await anon().post('/api/auth/password-reset/confirm', { token, password: NEW });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { reset: true });
      assertProblem(await session.get('/api/me'), 401, 'unauthenticated');
      assert.equal((await anon().login(email, NEW)).status, 200, 'the reset lifts the lock');
      assertProblem(await anon().post('/api/auth/password-reset/confirm', { token, password: 'yet another phrase 5' }), 404, 'not_found', /already used/);

      // A second link expires after an hour.
      await anon().post('/api/auth/password-reset', { email });
      const late = tokenOf(await resetLink(email));
      s.clock.advance(HOUR + 1000);
      assertProblem(await anon().post('/api/auth/password-reset/confirm', { token: late, password: 'yet another phrase 5' }), 404, 'not_found', /expired/);
      assert.equal((await anon().login(email, NEW)).status, 200);
    });

    test('the page the link opens asks for the new password and sets it; without a token it asks for the address', async () => {
      const email = 'pageuser@example.com';
      await merchant(email);
      const ask = await fetch(`${s.url}/reset-password`);
      assert.equal(ask.status, 200);
      const askHtml = await ask.text();
      assert.match(askHtml, /<form method="post" action="\/reset-password\/request">/);
      const sent = await fetch(`${s.url}/reset-password/request`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(email)}` });
      assert.equal(sent.status, 200);
      assert.match(await sent.text(), /If an account uses this address/);
      const link = await resetLink(email);

      const form = await fetch(link);
      assert.equal(form.status, 200);
      const html = await form.text();
      assert.match(html, /<input type="password" name="password"/);
      assert.ok(html.includes(`value="${tokenOf(link)}"`));
      const post = (password: string) =>
        fetch(`${s.url}/reset-password`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: tokenOf(link), password }).toString() });
      const weak = await post('zzzzzzzzzzzzzz');
      assert.equal(weak.status, 400);
      assert.match(await weak.text(), /one character repeated|too common|must not/);
      const done = await post(NEW);
      assert.equal(done.status, 200);
      assert.match(await done.text(), /Password changed/);
      assert.equal((await anon().login(email, NEW)).status, 200);
      const again = await fetch(link);
      assert.equal(again.status, 400);
      assert.match(await again.text(), /<a href="\/reset-password">/);
    });
  });
}
