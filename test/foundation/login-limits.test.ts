/**
 * Password guessing against real HTTP: the account lockout holds however many requests arrive at
 * once and on however many nodes, and each address is throttled on every login form (the management
 * API's and the checkout page's) with the configured numbers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registerMerchant } from '../../src/services/merchants/accounts.js';
import { createIntegration, requireActiveIntegration } from '../../src/services/merchants/integrations.js';
import { createPayment } from '../../src/services/payments/create.js';
import { checkoutPath } from '../../src/services/payments/queries.js';
import { ApiClient, assertProblem, requestOnNewConnection } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const PASSWORD = 'lantern orchard 4821';
const GUESSES = 40;
const RIGHT_AT = 36;

for (const kind of testDatabases()) {
  describe(`login limits on ${kind}`, () => {
    let one: TestServer;
    let two: TestServer;

    before(async () => {
      one = await startTestServer(kind);
      // A second node on the same database: the lockout must not live in a process.
      two = await startTestServer(kind, { database: { dataDir: one.dataDir, databaseUrl: one.databaseUrl } });
    });
    after(async () => {
      await two.stop();
      await one.stop();
    });

    test(`${GUESSES} parallel logins on two nodes: at most ten wrong guesses are evaluated and the right password does not get in`, async () => {
      const email = 'target@example.com';
      await registerMerchant(one.app.deps, { email, password: PASSWORD, companyName: 'Target' }, { verified: true });
      const replies = await Promise.all(
        Array.from({ length: GUESSES }, (_, i) => new ApiClient((i % 2 === 0 ? one : two).url).login(email, i === RIGHT_AT ? PASSWORD : `wrong guess number ${i}`)),
      );
      const right = replies[RIGHT_AT];
      assert.ok(right);
      assertProblem(right, 423, 'locked');
      assert.equal(right.headers.get('set-cookie'), null);
      const wrong = replies.filter((r) => r.status === 401);
      const locked = replies.filter((r) => r.status === 423);
      assert.ok(wrong.length <= 10, `${wrong.length} wrong guesses were evaluated`);
      assert.equal(wrong.length + locked.length, GUESSES, replies.map((r) => r.status).join(','));
      // Each node has its own manual clock: the lock ends thirty minutes after one of them.
      const ends = [one, two].map((s) => s.clock.now() + 30 * 60_000);
      for (const r of locked) {
        assertProblem(r, 423, 'locked', /try again after \d{4}-\d\d-\d\dT[\d:.]+Z$/);
        const until = Date.parse(r.body.detail.split('try again after ')[1]);
        assert.ok(ends.includes(until), `the lock ends at ${new Date(until).toISOString()}`);
      }
      assert.equal((await one.store.db.selectFrom('sessions').selectAll().execute()).length, 0);
      const row = await one.store.db.selectFrom('merchants').selectAll().where('email_key', '=', email).executeTakeFirstOrThrow();
      assert.ok(Number(row.failed_logins) <= 10, `failed_logins ${row.failed_logins}`);

      // Thirty minutes later the right password opens the account again.
      for (const s of [one, two]) s.clock.advance(30 * 60_000 + 1000);
      const open = await new ApiClient(two.url).login(email, PASSWORD);
      assert.equal(open.status, 200, open.text);
    });
  });

  describe(`per-address login throttling on ${kind}, default numbers`, () => {
    let s: TestServer;
    let payPath: (form?: string) => string;

    before(async () => {
      s = await startTestServer(kind, { loginThrottle: 'default' });
      const { merchant } = await registerMerchant(s.app.deps, { email: 'shop@example.com', password: PASSWORD, companyName: 'Shop' }, { verified: true });
      const created = await createIntegration(s.app.deps, merchant.id, { name: 'Web shop' }, { kind: 'system', id: null });
      const integration = await requireActiveIntegration(s.app.deps, merchant.id, created.integration.id);
      const r = await createPayment(s.app.deps, { integration, mode: 'test', dialect: 'tollgate', amountMinor: 1000, currency: 'USD', validForMs: 3_600_000, testCheckout: 'open' });
      const payment = r.payment;
      assert.ok(payment, 'no payment');
      payPath = (form = '') => checkoutPath(payment, form);
    });
    after(() => s.stop());

    test(`${GUESSES} parallel logins from one address: twenty are answered, the rest are 429 with Retry-After; the right password among them does not get in`, async () => {
      const replies = await Promise.all(
        Array.from({ length: GUESSES }, (_, i) => new ApiClient(s.url).login(`someone${i}@example.com`, i === RIGHT_AT ? PASSWORD : 'not the password 1')),
      );
      const answered = replies.filter((r) => r.status === 401);
      const throttled = replies.filter((r) => r.status === 429);
      assert.equal(answered.length, 20, replies.map((r) => r.status).join(','));
      assert.equal(throttled.length, GUESSES - 20);
      for (const r of throttled) {
        assertProblem(r, 429, 'rate_limited', /too many login attempts from this address; try again in \d+ seconds/);
        assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
      }
      // The throttle answers before any account is looked at: the right password is refused too.
      const right = await new ApiClient(s.url).login('shop@example.com', PASSWORD);
      assertProblem(right, 429, 'rate_limited');
    });

    test('the checkout page login is throttled per address too and says so on the page', async () => {
      const page = await requestOnNewConnection(`${s.url}${payPath()}`, 'GET');
      assert.equal(page.status, 200, page.body);
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const cookie = String(page.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      assert.ok(csrf && cookie, 'no CSRF token on the page');
      const form = new URLSearchParams({ csrf, email: 'shop@example.com', password: PASSWORD }).toString();
      const r = await fetch(`${s.url}${payPath('login')}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: form, redirect: 'manual' });
      const html = await r.text();
      assert.equal(r.status, 429, html);
      assert.match(html, /too many login attempts from this address; try again in \d+ seconds/);
      assert.equal(r.headers.get('set-cookie')?.includes('tollgate_session=') ?? false, false);
    });
  });
}
