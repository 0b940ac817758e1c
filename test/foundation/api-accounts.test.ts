/**
 * The account routes over real HTTP: registration, email verification, login and lockout, the
 * session cookie and CSRF, logout and expiry, API tokens, the profile with its encrypted bank
 * account, and bad input on every route (a problem+json naming the field, the database untouched).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { listOutbox } from '../../src/services/mail/outbox.js';
import { ApiClient, assertProblem as assertProblemReply, type Reply } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { snapshot, startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'correct horse battery staple';
const MINUTE = 60_000;

/** The shared problem+json checks, and the request id every refusal of an account route carries. */
function assertProblem(r: Reply, status: number, code: string, detail?: RegExp): void {
  assertProblemReply(r, status, code, detail);
  assert.equal(typeof r.body.requestId, 'string');
}

async function mailsTo(s: TestServer, to: string) {
  return listOutbox(s.store.db, s.app.deps.keyring, { to });
}

/** The token in the newest verification mail to the address. */
async function verifyToken(s: TestServer, to: string): Promise<string> {
  const mail = (await mailsTo(s, to)).find((m) => m.kind === 'verify_email');
  assert.ok(mail, `no verification mail to ${to}`);
  const m = /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(mail.body);
  assert.ok(m?.[1], `no verification link in: ${mail.body}`);
  return m[1];
}

async function merchantRow(s: TestServer, email: string) {
  return s.store.db.selectFrom('merchants').selectAll().where('email_key', '=', email.toLowerCase()).executeTakeFirstOrThrow();
}

interface BadCase {
  name: string;
  /** A JSON value to send, or raw text (sent as application/json). */
  body: unknown;
  status?: number;
  /** Each must be named in the detail. */
  fields?: string[];
  detail?: RegExp;
}

const longEmail = `${'a'.repeat(288)}@example.com`; // 300 characters
const huge = 'x'.repeat(70 * 1024);
const MALFORMED: BadCase = { name: 'malformed JSON', body: '{"email": "a@example.com",', detail: /JSON/ };
const tooLarge = (field: string): BadCase => ({ name: 'a body over 64 KiB', body: JSON.stringify({ [field]: huge }), status: 413, detail: /64 KiB/ });

for (const kind of testDatabases()) {
  describe(`merchant accounts, sessions and API tokens on ${kind}`, () => {
    let s: TestServer;
    const alice = { email: 'Alice@Example.com', id: '' };
    const bob = { email: 'bob@example.com', id: '' };
    const carol = { email: 'carol@example.com', id: '' };

    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s.stop());

    const anon = () => new ApiClient(s.url);
    async function loggedIn(email: string): Promise<ApiClient> {
      const c = anon();
      const r = await c.login(email, PASSWORD);
      assert.equal(r.status, 200, r.text);
      return c;
    }

    let aliceSession: ApiClient | undefined;
    const asAlice = async (): Promise<ApiClient> => {
      aliceSession ??= await loggedIn(alice.email);
      return aliceSession;
    };

    /** One test per bad request: the problem names the field and nothing changed. */
    function rejects(who: () => ApiClient | Promise<ApiClient>, method: string, path: string, cases: BadCase[]): void {
      for (const c of cases) {
        test(`${method} ${path} with ${c.name} is a ${c.status ?? 400} problem and changes nothing`, async () => {
          const client = await who();
          const before = await snapshot(s.store);
          const r = await client.request(method, path, c.body);
          assert.equal(r.status, c.status ?? 400, r.text);
          assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
          assert.equal(r.body.status, r.status);
          assert.equal(r.body.code, 'validation');
          assert.equal(typeof r.body.detail, 'string');
          for (const f of c.fields ?? []) assert.ok(r.body.detail.includes(f), `the detail "${r.body.detail}" does not name ${f}`);
          if (c.detail) assert.match(r.body.detail, c.detail);
          assert.equal(await snapshot(s.store), before, 'the database changed');
        });
      }
    }

    test('registering answers 201 with the merchant, stores only a hash of the password and queues a verification mail', async () => {
      const r = await anon().post('/api/merchants', { email: alice.email, password: PASSWORD, companyName: 'Alice Ltd' });
      assert.equal(r.status, 201, r.text);
      const m = r.body.merchant;
      assert.match(m.id, /^mer_[0-9a-z]{21}$/);
      assert.equal(m.email, alice.email);
      assert.equal(m.companyName, 'Alice Ltd');
      assert.equal(m.companyEmail, alice.email, 'the company email defaults to the login email');
      assert.equal(m.emailVerified, false);
      assert.equal(m.bankAccount, null);
      assert.ok(!r.text.includes(PASSWORD));
      alice.id = m.id;

      const row = await merchantRow(s, alice.email);
      assert.equal(row.id, alice.id);
      assert.match(row.password_hash, /^\$argon2id\$/);
      assert.ok(!JSON.stringify(row).includes(PASSWORD));

      const mails = await mailsTo(s, alice.email);
      assert.equal(mails.length, 1);
      assert.equal(mails[0]?.kind, 'verify_email');
      assert.ok(mails[0]?.body.includes(`${s.url}/verify-email?token=`), mails[0]?.body);
      // The token is stored hashed: the database alone cannot verify the address.
      const token = await verifyToken(s, alice.email);
      assert.ok(!(await snapshot(s.store)).includes(token));
    });

    test('registering a known email (in any case) answers exactly like a new registration and tells the owner by mail', async () => {
      const fresh = await anon().post('/api/merchants', { email: 'newcomer@example.com', password: 'another password 123', companyName: 'Newcomer' });
      assert.equal(fresh.status, 201, fresh.text);
      for (const email of ['alice@example.com', 'ALICE@EXAMPLE.COM']) {
        const merchantsBefore = await snapshot(s.store, ['mail_outbox']);
        const mailsBefore = (await mailsTo(s, alice.email)).length;
        const r = await anon().post('/api/merchants', { email, password: 'another password 123', companyName: 'Impostor' });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.headers.get('content-type'), fresh.headers.get('content-type'));
        assert.deepEqual(Object.keys(r.body), Object.keys(fresh.body));
        assert.deepEqual(Object.keys(r.body.merchant), Object.keys(fresh.body.merchant));
        assert.match(r.body.merchant.id, /^mer_[0-9a-z]{21}$/);
        assert.notEqual(r.body.merchant.id, alice.id);
        assert.deepEqual({ ...r.body.merchant, id: '', createdAt: '' }, { id: '', email, companyName: 'Impostor', companyEmail: email, emailVerified: false, bankAccount: null, disabled: false, createdAt: '' });
        // Nothing but one mail to the address already registered: no account, no verification link.
        assert.equal(await snapshot(s.store, ['mail_outbox']), merchantsBefore);
        const mails = await mailsTo(s, alice.email);
        assert.equal(mails.length, mailsBefore + 1);
        assert.equal(mails[0]?.kind, 'account_exists');
        assert.match(mails[0]?.body ?? '', /someone tried to register/i);
        assert.ok(mails[0]?.body.includes(`${s.url}/reset-password`), mails[0]?.body);
        assert.ok(!mails[0]?.body.includes('verify-email'), mails[0]?.body);
      }
    });

    test('POST /api/auth/verify-email verifies with the token from the mail; again it answers the same and changes nothing', async () => {
      const token = await verifyToken(s, alice.email);
      const r = await anon().post('/api/auth/verify-email', { token });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { verified: true });
      assert.notEqual((await merchantRow(s, alice.email)).email_verified_at, null);

      const before = await snapshot(s.store);
      const again = await anon().post('/api/auth/verify-email', { token });
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.body, { verified: true });
      assertProblem(await anon().post('/api/auth/verify-email', { token: 'not-a-token-we-ever-sent' }), 404, 'not_found');
      assert.equal(await snapshot(s.store), before);

      const c = await loggedIn(alice.email);
      assert.equal((await c.get('/api/me')).body.merchant.emailVerified, true);
      assertProblem(await c.post('/api/me/resend-verification'), 409, 'invalid_state');
    });

    test('the GET /verify-email link verifies; a second visit says verified and links on; a dead link offers a new one', async () => {
      const reg = await anon().post('/api/merchants', { email: bob.email, password: PASSWORD, companyName: 'Bob & Co' });
      assert.equal(reg.status, 201, reg.text);
      bob.id = reg.body.merchant.id;
      const first = await verifyToken(s, bob.email);

      const c = await loggedIn(bob.email);
      const resend = await c.post('/api/me/resend-verification');
      assert.equal(resend.status, 202, resend.text);
      const verifyMails = (await mailsTo(s, bob.email)).filter((m) => m.kind === 'verify_email');
      assert.equal(verifyMails.length, 2);
      const second = await verifyToken(s, bob.email);
      assert.notEqual(second, first);
      assertProblem(await anon().post('/api/auth/verify-email', { token: first }), 404, 'not_found');
      assert.equal((await merchantRow(s, bob.email)).email_verified_at, null);

      const link = /(http:\/\/\S+\/verify-email\?token=\S+)/.exec(verifyMails[0]?.body ?? '')?.[1] ?? '';
      assert.ok(link.startsWith(`${s.url}/verify-email?token=`), verifyMails[0]?.body);
      const page = await fetch(link);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await page.text(), /Email verified/);
      assert.notEqual((await merchantRow(s, bob.email)).email_verified_at, null);

      const before = await snapshot(s.store);
      const again = await fetch(link);
      assert.equal(again.status, 200);
      const againHtml = await again.text();
      assert.match(againHtml, /Email already verified/);
      assert.doesNotMatch(againHtml, /fail/i);
      assert.match(againHtml, /<a href="\/docs">/);
      for (const dead of [`${s.url}/verify-email`, `${s.url}/verify-email?token=${first}`, `${s.url}/verify-email?token=never-sent`]) {
        const r = await fetch(dead);
        assert.equal(r.status, 400, dead);
        const html = await r.text();
        assert.match(html, /This link does not work/);
        assert.match(html, /<form method="post" action="\/verify-email\/resend">/);
      }
      assert.equal(await snapshot(s.store), before);
    });

    test('the new-link form of a dead verification link mails an unverified address a new link and answers alike for any other', async () => {
      const email = 'late@example.com';
      const reg = await anon().post('/api/merchants', { email, password: PASSWORD, companyName: 'Late' });
      assert.equal(reg.status, 201, reg.text);
      const old = await verifyToken(s, email);
      const ask = (address: string) =>
        fetch(`${s.url}/verify-email/resend`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(address)}` });
      const answers = [];
      for (const address of [email.toUpperCase(), 'unknown-person@example.com', bob.email]) {
        const r = await ask(address);
        assert.equal(r.status, 200);
        answers.push(await r.text());
      }
      assert.equal(new Set(answers).size, 1, 'the answers differ');
      const fresh = await verifyToken(s, email);
      assert.notEqual(fresh, old);
      assert.equal((await mailsTo(s, 'unknown-person@example.com')).length, 0);
      assert.equal((await mailsTo(s, bob.email)).filter((m) => m.kind === 'verify_email').length, 2, 'a verified address got another link');
      const page = await fetch(`${s.url}/verify-email?token=${fresh}`);
      assert.match(await page.text(), /<h1>Email verified/);
    });

    test('login: the right password opens a session; a wrong password and an unknown email get the same 401', async () => {
      const ok = await anon().login('ALICE@example.com', PASSWORD);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.kind, 'merchant');
      assert.equal(ok.body.merchant.id, alice.id);
      assert.match(ok.body.csrfToken, /^[A-Za-z0-9_-]{20,}$/);
      assert.ok(Date.parse(ok.body.expiresAt) > s.clock.now());

      const wrong = await anon().login(alice.email, `${PASSWORD}!`);
      assertProblem(wrong, 401, 'unauthenticated');
      assert.equal(wrong.headers.get('set-cookie'), null);
      const unknown = await anon().login('nobody@example.com', PASSWORD);
      assertProblem(unknown, 401, 'unauthenticated');
      assert.equal(unknown.body.detail, wrong.body.detail);
      // A merchant is not an operator.
      assertProblem(await anon().login(alice.email, PASSWORD, 'operator'), 401, 'unauthenticated');
    });

    test('the session cookie is HttpOnly, SameSite=Lax, Path=/ and only its hash is stored', async () => {
      const c = anon();
      const r = await c.login(alice.email, PASSWORD);
      const header = r.headers.get('set-cookie') ?? '';
      assert.match(header, /^tollgate_session=[A-Za-z0-9_-]{20,};/);
      const attrs = header.split(';').slice(1).map((a) => a.trim().toLowerCase());
      assert.ok(attrs.includes('httponly'), header);
      assert.ok(attrs.includes('samesite=lax'), header);
      assert.ok(attrs.includes('path=/'), header);
      assert.ok(attrs.includes(`max-age=${12 * 60 * 60}`), header);
      const value = (c.cookie ?? '').slice('tollgate_session='.length);
      const rows = await s.store.db.selectFrom('sessions').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(value), 'the cookie value is stored in clear');
      assert.ok(rows.some((row) => row.id === createHash('sha256').update(value).digest('hex')));
    });

    test('CSRF: a cookie-authenticated write without the X-CSRF-Token header is refused and changes nothing; reads work', async () => {
      const c = await loggedIn(alice.email);
      const bare = anon();
      bare.cookie = c.cookie;

      const me = await bare.get('/api/me');
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.merchant.id, alice.id);
      assert.equal((await bare.get('/api/tokens')).status, 200);

      const before = await snapshot(s.store);
      assertProblem(await bare.patch('/api/me', { companyName: 'Hijacked' }), 403, 'csrf');
      assertProblem(await bare.patch('/api/me', { companyName: 'Hijacked' }, { 'x-csrf-token': 'wrong' }), 403, 'csrf');
      assertProblem(await bare.post('/api/tokens', { name: 'stolen' }), 403, 'csrf');
      assertProblem(await bare.post('/api/integrations', { name: 'stolen' }), 403, 'csrf');
      assertProblem(await bare.post('/api/auth/logout'), 403, 'csrf');
      assert.equal(await snapshot(s.store), before);
      // The refused logout did not end the session.
      assert.equal((await bare.get('/api/me')).status, 200);

      const withToken = await c.patch('/api/me', { companyName: 'Alice Limited' });
      assert.equal(withToken.status, 200, withToken.text);
      assert.equal(withToken.body.merchant.companyName, 'Alice Limited');
    });

    test('logout ends the session on the server, not just in the browser', async () => {
      const c = await loggedIn(alice.email);
      const cookie = c.cookie;
      const sessionsBefore = (await s.store.db.selectFrom('sessions').select('id').execute()).length;
      const r = await c.post('/api/auth/logout');
      assert.equal(r.status, 204, r.text);
      assert.match(r.headers.get('set-cookie') ?? '', /^tollgate_session=;/);
      assert.equal(c.cookie, undefined);
      assert.equal((await s.store.db.selectFrom('sessions').select('id').execute()).length, sessionsBefore - 1);

      assertProblem(await c.get('/api/me'), 401, 'unauthenticated');
      const replay = anon();
      replay.cookie = cookie;
      assertProblem(await replay.get('/api/me'), 401, 'unauthenticated');
      assertProblem(await replay.patch('/api/me', { companyName: 'After logout' }), 401, 'unauthenticated');
    });

    test('ten failed logins lock the account for thirty minutes, even against the right password', async () => {
      const reg = await anon().post('/api/merchants', { email: carol.email, password: PASSWORD, companyName: 'Carol' });
      assert.equal(reg.status, 201, reg.text);
      carol.id = reg.body.merchant.id;

      // Nine failures do not lock, and a success resets the count.
      for (let i = 0; i < 9; i++) assertProblem(await anon().login(carol.email, `wrong password ${i}`), 401, 'unauthenticated');
      assert.equal((await anon().login(carol.email, PASSWORD)).status, 200);
      assert.equal(Number((await merchantRow(s, carol.email)).failed_logins), 0);

      for (let i = 0; i < 10; i++) assertProblem(await anon().login(carol.email, `wrong password ${i}`), 401, 'unauthenticated');
      const lockedAt = s.clock.now();
      const row = await merchantRow(s, carol.email);
      assert.equal(Number(row.failed_logins), 10);
      assert.equal(Number(row.locked_until), lockedAt + 30 * MINUTE);

      const locked = await anon().login(carol.email, PASSWORD);
      assertProblem(locked, 423, 'locked');
      assert.equal(locked.headers.get('set-cookie'), null);
      assertProblem(await anon().login('CAROL@example.com', PASSWORD), 423, 'locked');

      s.clock.advance(30 * MINUTE - 1000);
      assertProblem(await anon().login(carol.email, PASSWORD), 423, 'locked');
      s.clock.advance(2000); // thirty minutes and a second after the lock
      const open = await anon().login(carol.email, PASSWORD);
      assert.equal(open.status, 200, open.text);
      const reset = await merchantRow(s, carol.email);
      assert.equal(Number(reset.failed_logins), 0);
      assert.equal(reset.locked_until, null);
    });

    test('API tokens: the value is shown once, listed never, works without CSRF, and stops when revoked', async () => {
      const c = await loggedIn(alice.email);
      const created = await c.post('/api/tokens', { name: 'deploy script' });
      assert.equal(created.status, 201, created.text);
      const { token, info } = created.body;
      assert.match(token, /^tg_[A-Za-z0-9_-]{40,}$/);
      assert.match(info.id, /^tok_[0-9a-z]{21}$/);
      assert.equal(info.name, 'deploy script');
      assert.equal(info.hint, token.slice(-4));
      assert.ok(!JSON.stringify(info).includes(token));

      const list = await c.get('/api/tokens');
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body.data.map((t: any) => t.id), [info.id]);
      assert.deepEqual(Object.keys(list.body.data[0]).sort(), ['createdAt', 'hint', 'id', 'lastUsedAt', 'name', 'revokedAt']);
      assert.ok(!list.text.includes(token), 'the list shows the token value');
      assert.ok(!(await snapshot(s.store)).includes(token), 'the token is stored in clear');

      const bot = anon();
      bot.bearer = token;
      const me = await bot.get('/api/me');
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.merchant.id, alice.id);
      const write = await bot.patch('/api/me', { companyName: 'Alice via token' });
      assert.equal(write.status, 200, write.text);
      assert.equal(write.body.merchant.companyName, 'Alice via token');
      const used = await s.store.db.selectFrom('api_tokens').selectAll().where('id', '=', info.id).executeTakeFirstOrThrow();
      assert.notEqual(used.last_used_at, null);

      const revoked = await c.delete(`/api/tokens/${info.id}`);
      assert.equal(revoked.status, 204, revoked.text);
      assertProblem(await bot.get('/api/me'), 401, 'unauthenticated');
      assertProblem(await bot.patch('/api/me', { companyName: 'Revoked' }), 401, 'unauthenticated');
      assertProblem(await c.delete(`/api/tokens/${info.id}`), 404, 'not_found');
      const after = await c.get('/api/tokens');
      assert.equal(after.body.data[0].id, info.id);
      assert.notEqual(after.body.data[0].revokedAt, null);

      const forged = anon();
      forged.bearer = `tg_${'A'.repeat(43)}`;
      assertProblem(await forged.get('/api/me'), 401, 'unauthenticated');
      assertProblem(await anon().get('/api/me', { authorization: 'Basic YWxpY2U6c2VjcmV0' }), 401, 'unauthenticated');
    });

    test("deleting another merchant's token is a 404 and leaves it working", async () => {
      const b = await loggedIn(bob.email);
      const created = await b.post('/api/tokens', { name: 'bob ci' });
      assert.equal(created.status, 201, created.text);
      const a = await loggedIn(alice.email);

      const before = await snapshot(s.store);
      const r = await a.delete(`/api/tokens/${created.body.info.id}`);
      assertProblem(r, 404, 'not_found');
      const unknown = await a.delete('/api/tokens/tok_000000000000000000000');
      assert.equal(r.body.detail, unknown.body.detail);
      assert.equal(await snapshot(s.store), before);
      assert.ok(!(await a.get('/api/tokens')).text.includes(created.body.info.id));

      const bot = anon();
      bot.bearer = created.body.token;
      const me = await bot.get('/api/me');
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.merchant.id, bob.id);
    });

    test('PATCH /api/me keeps the bank account encrypted at rest', async () => {
      const c = await loggedIn(alice.email);
      const bankAccount = { bankName: 'CBZ Bank', accountName: 'Alice Limited Trading', accountNumber: '02718281828459', branch: 'Harare Central', swift: 'COBZZWHA' };
      const r = await c.patch('/api/me', { bankAccount, companyEmail: 'Accounts@Alice.example' });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.merchant.bankAccount, bankAccount);
      assert.equal(r.body.merchant.companyEmail, 'Accounts@Alice.example');
      assert.deepEqual((await c.get('/api/me')).body.merchant.bankAccount, bankAccount);

      const row = await merchantRow(s, alice.email);
      assert.ok(row.bank_account !== null);
      assert.match(row.bank_account, /^v1\./);
      for (const value of [bankAccount.accountNumber, bankAccount.accountName]) {
        assert.ok(!row.bank_account.includes(value));
        assert.ok(!(await snapshot(s.store)).includes(value), `${value} is stored in clear`);
      }

      const cleared = await c.patch('/api/me', { bankAccount: null });
      assert.equal(cleared.status, 200, cleared.text);
      assert.equal(cleared.body.merchant.bankAccount, null);
      assert.equal((await merchantRow(s, alice.email)).bank_account, null);
    });

    const dora = { email: 'dora@example.com', password: PASSWORD, companyName: 'Dora' };
    rejects(anon, 'POST', '/api/merchants', [
      { name: 'no fields', body: {}, fields: ['email', 'password', 'companyName'] },
      { name: 'no password', body: { email: dora.email, companyName: dora.companyName }, fields: ['password'] },
      { name: 'wrong types', body: { email: 42, password: true, companyName: ['Dora'] }, fields: ['email', 'password', 'companyName'] },
      { name: 'an email that is not one', body: { ...dora, email: 'dora at example' }, fields: ['email'] },
      { name: 'a 300-character email', body: { ...dora, email: longEmail }, fields: ['email'] },
      { name: 'a 257-character password', body: { ...dora, password: 'p'.repeat(257) }, fields: ['password'] },
      { name: 'an 11-character password', body: { ...dora, password: 'short-pass1' }, fields: ['password'], detail: /12/ },
      { name: 'one character repeated', body: { ...dora, password: 'aaaaaaaaaaaa' }, fields: ['password'], detail: /one character/ },
      { name: 'a common password', body: { ...dora, password: 'Password1234' }, fields: ['password'], detail: /too common/ },
      { name: 'a password containing the email', body: { ...dora, password: 'dora is my password' }, fields: ['password'], detail: /email address/ },
      { name: 'a 201-character company name', body: { ...dora, companyName: 'C'.repeat(201) }, fields: ['companyName'] },
      { name: 'a blank company name', body: { ...dora, companyName: '   ' }, fields: ['companyName'] },
      { name: 'a bad company email', body: { ...dora, companyEmail: 'nope' }, fields: ['companyEmail'] },
      { name: 'a bank account without a number', body: { ...dora, bankAccount: { bankName: 'B', accountName: 'A' } }, fields: ['accountNumber'] },
      { name: 'a bad SWIFT code', body: { ...dora, bankAccount: { bankName: 'B', accountName: 'A', accountNumber: '1', swift: 'bad' } }, fields: ['swift'] },
      { name: 'an unknown field', body: { ...dora, isAdmin: true }, fields: ['isAdmin'] },
      { name: 'an array body', body: [dora] },
      MALFORMED,
      tooLarge('companyName'),
    ]);

    rejects(anon, 'POST', '/api/auth/verify-email', [
      { name: 'no token', body: {}, fields: ['token'] },
      { name: 'a numeric token', body: { token: 12345 }, fields: ['token'] },
      { name: 'an empty token', body: { token: '' }, fields: ['token'] },
      { name: 'a 201-character token', body: { token: 't'.repeat(201) }, fields: ['token'] },
      MALFORMED,
      tooLarge('token'),
    ]);

    rejects(anon, 'POST', '/api/auth/login', [
      { name: 'no fields', body: {}, fields: ['email', 'password'] },
      { name: 'a numeric password', body: { email: alice.email, password: 123456789012 }, fields: ['password'] },
      { name: 'a 300-character email', body: { email: longEmail, password: PASSWORD }, fields: ['email'] },
      { name: 'a 257-character password', body: { email: alice.email, password: 'p'.repeat(257) }, fields: ['password'] },
      { name: 'an unknown role', body: { email: alice.email, password: PASSWORD, as: 'admin' }, fields: ['as'] },
      MALFORMED,
      tooLarge('password'),
    ]);

    rejects(asAlice, 'PATCH', '/api/me', [
      { name: 'a numeric company name', body: { companyName: 5 }, fields: ['companyName'] },
      { name: 'an empty company name', body: { companyName: '' }, fields: ['companyName'] },
      { name: 'a 201-character company name', body: { companyName: 'C'.repeat(201) }, fields: ['companyName'] },
      { name: 'a bad company email', body: { companyEmail: 'not-an-email' }, fields: ['companyEmail'] },
      { name: 'a 300-character company email', body: { companyEmail: longEmail }, fields: ['companyEmail'] },
      { name: 'the login email (not changeable here)', body: { email: 'new@example.com' }, fields: ['email'] },
      { name: 'a bank account as a string', body: { bankAccount: '0271828' }, fields: ['bankAccount'] },
      { name: 'a bank account missing fields', body: { bankAccount: { bankName: 'B' } }, fields: ['accountName', 'accountNumber'] },
      { name: 'a 35-character account number', body: { bankAccount: { bankName: 'B', accountName: 'A', accountNumber: '1'.repeat(35) } }, fields: ['accountNumber'] },
      MALFORMED,
      tooLarge('companyName'),
    ]);

    rejects(asAlice, 'POST', '/api/tokens', [
      { name: 'no name', body: {}, fields: ['name'] },
      { name: 'a numeric name', body: { name: 7 }, fields: ['name'] },
      { name: 'a 101-character name', body: { name: 'n'.repeat(101) }, fields: ['name'] },
      MALFORMED,
      tooLarge('name'),
    ]);

    for (const id of ['tok_short', 'int_000000000000000000000', 'TOK_000000000000000000000', 'tok_0000000000000000000000']) {
      rejects(asAlice, 'DELETE', `/api/tokens/${id}`, [{ name: 'a malformed id', body: undefined, fields: ['id'] }]);
    }

    test('none of the bad logins counted as a failed login', async () => {
      assert.equal(Number((await merchantRow(s, alice.email)).failed_logins), 0);
    });

    test('a body that is not JSON is a 415 problem', async () => {
      const before = await snapshot(s.store);
      const r = await anon().post('/api/merchants', '<merchant/>', { 'content-type': 'application/xml' });
      assert.equal(r.status, 415, r.text);
      assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(await snapshot(s.store), before);
    });

    test('without a session or token every account route is a 401', async () => {
      const before = await snapshot(s.store);
      for (const [method, path, body] of [
        ['GET', '/api/me', undefined],
        ['PATCH', '/api/me', { companyName: 'Nobody' }],
        ['POST', '/api/me/resend-verification', {}],
        ['GET', '/api/tokens', undefined],
        ['POST', '/api/tokens', { name: 'anon' }],
        ['DELETE', '/api/tokens/tok_000000000000000000000', undefined],
      ] as const) {
        assertProblem(await anon().request(method, path, body), 401, 'unauthenticated');
      }
      assert.equal(await snapshot(s.store), before);
    });

    // Last: it moves the clock past every session opened above.
    test('a session expires twelve hours after login', async () => {
      const c = await loggedIn(alice.email);
      s.clock.advance(12 * 60 * MINUTE - 1000);
      assert.equal((await c.get('/api/me')).status, 200);
      s.clock.advance(2000);
      assertProblem(await c.get('/api/me'), 401, 'unauthenticated');
      assertProblem(await c.patch('/api/me', { companyName: 'Expired' }), 401, 'unauthenticated');
      const again = await loggedIn(alice.email);
      assert.equal((await again.get('/api/me')).status, 200);
    });
  });
}
