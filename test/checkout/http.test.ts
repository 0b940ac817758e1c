/**
 * The hosted checkout pages over plain HTTP (a client with JavaScript off): what the page shows, its
 * headers and size, the CSRF double-submit, escaping, who may pay and who may fake, live mode, and the
 * waiting page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { advanceRefund, createRefund } from '../../src/services/payments/refunds.js';
import { completeTestPayment, createFictitiousCustomer } from '../../src/services/sandbox/controls.js';
import { findIntegration } from '../../src/store/repos/integrations.js';
import { testDatabases } from '../helpers/dbs.js';
import { snapshot } from '../helpers/server.js';
import { OTHER, OWNER, startWorld, Visitor, type World } from './world.js';

const KB30 = 30 * 1024;

/** A page may change nothing: every table is as it was. */
async function unchanged(w: World, run: () => Promise<unknown>): Promise<void> {
  const tables = async () => (await snapshot(w.s.store)).split('\n\n');
  const before = await tables();
  await run();
  // Table by table, so a failure names the table that changed.
  assert.deepEqual(await tables(), before, 'the request changed stored data');
}

function cspDirectives(csp: string | null): Map<string, string> {
  assert.ok(csp, 'a Content-Security-Policy header');
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k as string, v.join(' ')]));
}

for (const kind of testDatabases()) {
  describe(`checkout pages over HTTP on ${kind}`, () => {
    let w: World;
    before(async () => {
      w = await startWorld(kind);
    });
    after(async () => {
      await w.stop();
    });

    test('the page shows merchant, amount, description, reference, items and only the enabled methods', async () => {
      const integration = await findIntegration(w.s.store.db, w.ownerId, w.integrationId);
      const r0 = await w.api.patch(`/api/integrations/${w.integrationId}`, { enabledMethods: ['ecocash', 'blik', 'card'] });
      assert.equal(r0.status, 200, r0.text);
      try {
        const id = await w.pay({ amount: 1250, currency: 'USD', items: [{ name: 'Claw hammer', quantity: 2, unitMinor: 625 }], testCheckout: 'open' });
        const r = await new Visitor(w.s.url).get(await w.at(id));
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
        assert.match(r.html, /<p class="co-merchant">Harare Hardware<\/p>/);
        assert.match(r.html, /id="amount">12\.50 USD</);
        assert.match(r.html, /id="description">Two hammers</);
        assert.match(r.html, /id="reference">INV-7</);
        assert.match(r.html, /<td>Claw hammer<\/td><td class="co-qty">× 2<\/td><td class="co-num">12\.50<\/td>/);
        const shown = [...r.html.matchAll(/id="method-([a-z_]+)"/g)].map((m) => m[1]);
        // BLIK takes PLN only: a USD payment does not offer it; a PLN one offers BLIK and cards, not EcoCash.
        assert.deepEqual(shown, ['ecocash', 'card']);
        const pln = await w.pay({ amount: 1250, currency: 'PLN', testCheckout: 'open' });
        const rp = await new Visitor(w.s.url).get(await w.at(pln));
        assert.deepEqual([...rp.html.matchAll(/id="method-([a-z_]+)"/g)].map((m) => m[1]), ['card', 'blik']);
        assert.match(r.html, /class="co-test"[^>]*><strong>TEST<\/strong>/, 'a TEST banner in test mode');
      } finally {
        await w.api.patch(`/api/integrations/${w.integrationId}`, { enabledMethods: integration!.enabledMethods });
      }
    });

    test('headers: a strict CSP whose form-action allows only us and the merchant URLs; no-store; the CSRF cookie is HttpOnly and SameSite=Strict', async () => {
      const other = 'http://cancel.example:8080/c';
      const id = await w.payDirect({ cancelUrl: other, testCheckout: 'open' });
      const v = new Visitor(w.s.url);
      const r = await v.get(await w.at(id));
      const csp = cspDirectives(r.headers.get('content-security-policy'));
      assert.equal(csp.get('default-src'), "'none'");
      assert.equal(csp.get('style-src'), "'self'");
      assert.equal(csp.has('script-src'), false, 'no script source at all');
      assert.equal(csp.get('frame-ancestors'), "'none'");
      assert.equal(csp.get('base-uri'), "'none'");
      assert.equal(csp.get('form-action'), `'self' ${new URL(w.returnUrl).origin} http://cancel.example:8080`);
      assert.doesNotMatch(r.headers.get('content-security-policy') ?? '', /unsafe-inline|unsafe-eval/);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.doesNotMatch(r.html, /<script|style=/i, 'no inline script or style');
      const cookie = v.lastSetCookie.find((c) => c.startsWith('tollgate_csrf='));
      assert.ok(cookie, 'a CSRF cookie is set');
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Strict/);
      assert.match(cookie, /; Path=\/pay/);
      const fields = [...r.html.matchAll(/name="csrf" value="([^"]+)"/g)].map((m) => m[1]);
      assert.ok(fields.length >= 2);
      for (const f of fields) assert.equal(f, v.cookies.get('tollgate_csrf'), 'every form carries the cookie value');
      // A second page view keeps the same token.
      await v.get(await w.at(id));
      assert.equal(v.lastSetCookie.length, 0);
    });

    test('pages stay under 30 KB, even with the longest escaped merchant strings and a 100-item basket', async () => {
      const lt = (n: number) => '<'.repeat(n);
      const id = await w.pay({
        description: lt(255),
        reference: '"'.repeat(100),
        items: Array.from({ length: 100 }, () => ({ name: lt(120), quantity: 1, unitMinor: 1 })),
        testCheckout: 'open',
      });
      const anonymous = await new Visitor(w.s.url).get(await w.at(id));
      assert.equal(anonymous.status, 200);
      assert.ok(Buffer.byteLength(anonymous.html) < KB30, `anonymous page is ${Buffer.byteLength(anonymous.html)} bytes`);
      assert.match(anonymous.html, /and 80 more items/);
      const owner = new Visitor(w.s.url);
      owner.adoptSession(w.api.cookie!);
      const mine = await owner.get(await w.at(id));
      assert.match(mine.html, /TESTING: Faked Success/);
      assert.ok(Buffer.byteLength(mine.html) < KB30, `owner page is ${Buffer.byteLength(mine.html)} bytes`);
      const css = await fetch(`${w.s.url}/assets/tollgate.css`);
      assert.ok((await css.text()).length < KB30);
    });

    test('a POST without the CSRF token, with a wrong one, or without the cookie is a 403 page and changes nothing', async () => {
      const id = await w.pay({ testCheckout: 'open' });
      const v = new Visitor(w.s.url);
      await v.get(await w.at(id));
      const good = v.csrf!;
      await unchanged(w, async () => {
        const none = await v.post(await w.at(id, 'cancel'), {}, { csrf: null });
        assert.equal(none.status, 403);
        assert.match(none.html, /This form has expired/);
        assert.equal((await v.post(await w.at(id, 'cancel'), {}, { csrf: `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}` })).status, 403);
        assert.equal((await v.post(await w.at(id, 'pay'), { method: 'card', cardNumber: '4444444444444000' }, { csrf: '' })).status, 403);
        // The field alone, from a client without the cookie (what a forged cross-site form sends).
        const stranger = new Visitor(w.s.url);
        assert.equal((await stranger.post(await w.at(id, 'pay'), { method: 'card', cardNumber: '4444444444444000' }, { csrf: good })).status, 403);
        // Another visitor's valid pair does not fit this visitor's cookie.
        await stranger.get(await w.at(id));
        assert.notEqual(stranger.csrf, good);
        assert.equal((await v.post(await w.at(id, 'cancel'), {}, { csrf: stranger.csrf! })).status, 403);
        // A body the form parser does not take is refused before anything runs.
        assert.equal((await v.post(await w.at(id, 'cancel'), {}, { contentType: 'multipart/form-data; boundary=x' })).status, 415);
        // Only the pages' own form encoding is taken, even with a valid token pair.
        const json = await fetch(`${w.s.url}${await w.at(id, 'cancel')}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json', cookie: `tollgate_csrf=${good}` }, body: JSON.stringify({ csrf: good }) });
        assert.equal(json.status, 415);
        assert.equal((await v.post(await w.at(id, 'cancel'), {}, { contentType: 'text/plain' })).status, 415);
      });
      const ok = await v.post(await w.at(id, 'cancel'), {});
      assert.equal(ok.status, 303);
      assert.equal(ok.location, w.cancelUrl);
      assert.equal((await w.payment(id)).state, 'cancelled');
    });

    test('every merchant-supplied string is escaped, and only http(s) URLs become links', async () => {
      const company = `<script>alert("co")</script> & Sons`;
      await w.api.patch('/api/me', { companyName: company });
      try {
        const desc = '<img src=x onerror=alert(1)>';
        const ref = '"><svg onload=alert(2)>';
        const item = "<b onmouseover='alert(3)'>bold</b>";
        const id = await w.payDirect({ description: desc, reference: ref, items: [{ name: item, quantity: 1, unitMinor: 1250 }], returnUrl: 'javascript:alert(4)', cancelUrl: 'data:text/html,<script>alert(5)</script>', testCheckout: 'open' });
        const v = new Visitor(w.s.url);
        const r = await v.get(await w.at(id));
        assert.equal(r.status, 200);
        for (const raw of ['<script', '<img', '<svg', '<b ', 'javascript:', 'data:text']) assert.ok(!r.html.includes(raw), `raw ${raw} in the page`);
        assert.ok(r.html.includes('&#60;script&#62;alert(&#34;co&#34;)&#60;/script&#62; &#38; Sons'));
        assert.ok(r.html.includes('&#60;img src&#61;x onerror&#61;alert(1)&#62;'));
        assert.ok(r.html.includes('&#34;&#62;&#60;svg onload&#61;alert(2)&#62;'));
        assert.ok(r.html.includes('&#60;b onmouseover&#61;&#39;alert(3)&#39;&#62;bold&#60;/b&#62;'));
        assert.equal(cspDirectives(r.headers.get('content-security-policy')).get('form-action'), "'self'", 'no unsafe URL reaches the CSP');
        // Cancelling cannot send the customer to a javascript: or data: URL: the page says "cancelled" instead.
        const c = await v.post(await w.at(id, 'cancel'), {});
        assert.equal(c.status, 303);
        assert.equal(c.location, await w.at(id, 'status'));
        const done = await v.get(c.location!);
        assert.match(done.html, /<h1 id="status">Payment cancelled<\/h1>/);
        assert.ok(!done.html.includes('href="javascript') && !done.html.includes('<script'));
      } finally {
        await w.api.patch('/api/me', { companyName: OWNER.company });
      }
    });

    test('a merchant in testing takes no payment from anyone else: the refusal message, no methods, and posts change nothing', async () => {
      const id = await w.pay({ testCheckout: 'merchant_only' });
      const v = new Visitor(w.s.url);
      const r = await v.get(await w.at(id));
      assert.match(r.html, /id="merchant-testing">This merchant is in testing: the payment cannot be made/);
      assert.doesNotMatch(r.html, /id="method-/);
      assert.doesNotMatch(r.html, /Faked Success/);
      assert.match(r.html, /Merchant\? Log in to test/);
      await unchanged(w, async () => {
        const p = await v.post(await w.at(id, 'pay'), { method: 'card', cardNumber: '4444444444444000' });
        assert.equal(p.status, 403);
        assert.match(p.html, /merchant is in testing/);
        assert.equal((await v.post(await w.at(id, 'cancel'), {})).status, 403);
        assert.equal((await v.post(await w.at(id, 'fake'), { outcome: 'paid' })).status, 403);
      });
      // Another merchant, logged in, is just anyone else.
      const otherApi = new (await import('../helpers/client.js')).ApiClient(w.s.url);
      assert.equal((await otherApi.login(OTHER.email, OTHER.password)).status, 200);
      const o = new Visitor(w.s.url);
      o.adoptSession(otherApi.cookie!);
      const seen = await o.get(await w.at(id));
      assert.match(seen.html, /id="merchant-testing"/);
      assert.doesNotMatch(seen.html, /Faked Success|id="method-/);
      await unchanged(w, async () => {
        assert.equal((await o.post(await w.at(id, 'fake'), { outcome: 'paid' })).status, 403);
        assert.equal((await o.post(await w.at(id, 'pay'), { method: 'card', cardNumber: '4444444444444000' })).status, 403);
      });
    });

    test('open test checkout: anyone can pay with test values, but only the owning merchant sees and may use the fake buttons', async () => {
      const id = await w.pay({ testCheckout: 'open' });
      const v = new Visitor(w.s.url);
      const r = await v.get(await w.at(id));
      assert.match(r.html, /id="method-card"/);
      assert.doesNotMatch(r.html, /Faked Success|Faked Failure/);
      await unchanged(w, async () => {
        const f = await v.post(await w.at(id, 'fake'), { outcome: 'paid' });
        assert.equal(f.status, 403);
        assert.match(f.html, /only the merchant account used to create the integration/);
      });
      const owner = new Visitor(w.s.url);
      owner.adoptSession(w.api.cookie!);
      const mine = await owner.get(await w.at(id));
      assert.match(mine.html, /TESTING: Faked Success/);
      assert.match(mine.html, /TESTING: Faked Failure/);
      const done = await owner.post(await w.at(id, 'fake'), { outcome: 'failed' });
      assert.equal(done.status, 303);
      assert.equal(done.location, w.returnUrl);
      const p = await w.payment(id);
      assert.equal(p.state, 'failed');
      assert.equal(p.failureCode, 'sandbox');
      // Once final, the page shows the outcome and takes no more forms.
      const again = await owner.get(await w.at(id));
      assert.match(again.html, /<h1 id="status">Payment failed<\/h1>/);
      assert.doesNotMatch(again.html, /<form/);
      const late = await v.post(await w.at(id, 'pay'), { method: 'card', cardNumber: '4444444444444000' });
      assert.equal(late.status, 409);
      assert.equal((await w.payment(id)).state, 'failed');
    });

    test('the login form: a wrong password is refused on the page; the right one sets the session cookie the API uses and returns to the payment', async () => {
      const id = await w.pay({ testCheckout: 'merchant_only' });
      const v = new Visitor(w.s.url);
      await v.get(await w.at(id));
      const bad = await v.post(await w.at(id, 'login'), { email: OWNER.email, password: 'not the password' });
      assert.equal(bad.status, 401);
      assert.match(bad.html, /id="login-error">the email address or the password is wrong/);
      assert.match(bad.html, /value="owner@harare-hardware\.test"/, 'the email is kept');
      assert.equal(v.cookies.has('tollgate_session'), false);
      const ok = await v.post(await w.at(id, 'login'), { email: OWNER.email, password: OWNER.password });
      assert.equal(ok.status, 303);
      assert.equal(ok.location, await w.at(id));
      const session = v.lastSetCookie.find((c) => c.startsWith('tollgate_session='));
      assert.ok(session);
      assert.match(session, /; Path=\/(;|$)/);
      assert.match(session, /; HttpOnly/);
      assert.match(session, /; SameSite=Lax/);
      const page = await v.get(await w.at(id));
      assert.match(page.html, /TESTING: Faked Success/);
      assert.match(page.html, /id="method-card"/);
      assert.doesNotMatch(page.html, /id="merchant-testing"/);
      // The same cookie opens the management API.
      const me = await fetch(`${w.s.url}/api/me`, { headers: { cookie: `tollgate_session=${v.cookies.get('tollgate_session')}` } });
      assert.equal(((await me.json()) as { merchant: { id: string } }).merchant.id, w.ownerId);
      const out = await v.post(await w.at(id, 'logout'), {});
      assert.equal(out.status, 303);
      assert.equal(v.cookies.has('tollgate_session'), false);
      assert.match((await v.get(await w.at(id))).html, /id="merchant-testing"/);
    });

    test('live mode: no TEST banner, no test controls, no method that cannot work; the customer is told plainly, and a forged post changes nothing', async () => {
      const id = await w.payDirect({ mode: 'live', testCheckout: 'open' });
      const owner = new Visitor(w.s.url);
      owner.adoptSession(w.api.cookie!);
      const r = await owner.get(await w.at(id));
      assert.equal(r.status, 200);
      assert.doesNotMatch(r.html, /co-test|TEST<\/strong>|Faked Success|Log in to test|co-hint/);
      assert.doesNotMatch(r.html, /id="method-/, 'no live connector: no method is offered');
      assert.match(r.html, /id="no-methods">This merchant cannot take payments online at the moment\. Nothing has been charged: please contact the merchant to pay another way\.</);
      await unchanged(w, async () => {
        const p = await owner.post(await w.at(id, 'pay'), { method: 'card', cardNumber: '4444 4444 4444 4000' });
        assert.equal(p.status, 422);
        assert.doesNotMatch(p.html, /connector|Tollgate/);
        assert.match(p.html, /id="error">This payment method is not available\. Nothing has been charged\.</);
        assert.equal((await owner.post(await w.at(id, 'fake'), { outcome: 'paid' })).status, 403);
      });
    });

    test('a refused method re-renders the page with its message, keeps the typed phone, and changes nothing', async () => {
      const id = await w.pay({ testCheckout: 'open' });
      const pln = await w.pay({ testCheckout: 'open', currency: 'PLN' });
      const v = new Visitor(w.s.url);
      await v.get(await w.at(id));
      await v.get(await w.at(pln));
      await unchanged(w, async () => {
        const p = await v.post(await w.at(id, 'pay'), { method: 'ecocash', phone: '0774444444' });
        assert.equal(p.status, 422);
        assert.match(p.html, /<details class="co-method" id="method-ecocash" open>/);
        assert.match(p.html, /id="error-ecocash">Insufficient balance</);
        assert.match(p.html, /name="phone"[^>]*value="0774444444"/);
        const blik = await v.post(await w.at(id, 'pay'), { method: 'blik', code: '111111' });
        assert.equal(blik.status, 422, 'BLIK does not take a USD payment');
        assert.match(blik.html, /id="error">blik does not take USD payments</);
        assert.equal((await v.post(await w.at(id, 'pay'), { method: 'bitcoin' })).status, 400);
        const expired = await v.post(await w.at(pln, 'pay'), { method: 'blik', code: '333334' });
        assert.equal(expired.status, 422);
        assert.match(expired.html, /id="error-blik">the BLIK code has expired</);
        const bank = await v.post(await w.at(pln, 'pay'), { method: 'pay_by_link', bank: 'No Such Bank' });
        assert.equal(bank.status, 400);
        assert.match(bank.html, /id="error-pay_by_link">choose your bank</);
      });
      // Reloading the address a refusal was rendered at goes back to the payment.
      const reload = await v.get(await w.at(id, 'pay'));
      assert.equal(reload.status, 303);
      assert.equal(reload.location, await w.at(id));
    });

    test('a pending payment waits on /status, which refreshes itself and, once paid, sends the customer to the return URL', async () => {
      const id = await w.pay({ testCheckout: 'open' });
      const v = new Visitor(w.s.url);
      await v.get(await w.at(id));
      const p = await v.post(await w.at(id, 'pay'), { method: 'ecocash', phone: '0771111111' });
      assert.equal(p.status, 303);
      assert.equal(p.location, await w.at(id, 'status'));
      const waiting = await v.get(await w.at(id, 'status'));
      assert.equal(waiting.status, 200);
      assert.ok(waiting.html.includes('<meta http-equiv="refresh" content="2">'));
      assert.match(waiting.html, /id="instructions">Dial \*151\*2\*4#/);
      assert.equal((await v.get(await w.at(id))).location, await w.at(id, 'status'), 'the checkout page sends a waiting customer to the status page');
      await w.advance(4_000);
      assert.equal((await v.get(await w.at(id, 'status'))).status, 200, 'still waiting before 5 s');
      await w.advance(1_001);
      const paid = await v.get(await w.at(id, 'status'));
      assert.equal(paid.status, 303);
      assert.equal(paid.location, w.returnUrl);
    });

    test("InnBucks: the authorization code the rail returned is shown on the waiting page", async () => {
      const id = await w.pay({ testCheckout: 'open' });
      const v = new Visitor(w.s.url);
      await v.get(await w.at(id));
      const p = await v.post(await w.at(id, 'pay'), { method: 'innbucks', phone: '' });
      assert.equal(p.status, 303);
      const m = /^\/pay\/pay_[0-9a-z]{21}\/status\?t=[0-9a-f]{32}&code=(\d{9})$/.exec(p.location ?? '');
      assert.ok(m, `location ${p.location}`);
      const page = await v.get(p.location!);
      assert.match(page.html, new RegExp(`id="auth-code">${m[1]}<`));
      assert.equal((await w.payment(id)).state, 'pending');
      // A code that is not digits is not echoed.
      assert.doesNotMatch((await v.get(`${await w.at(id, 'status')}&code=%3Cb%3E`)).html, /auth-code|<b>/);
    });

    test('wallet: a fictitious customer pays from their balance; an unknown or poor one is refused', async () => {
      const customer = await createFictitiousCustomer(w.s.app.deps, w.ownerId, w.integrationId, { name: 'Awa', email: 'awa@example.test', phone: '+221700000001', balanceMinor: 2_000, currency: 'USD' });
      const v = new Visitor(w.s.url);
      const big = await w.pay({ amount: 5_000, testCheckout: 'open' });
      await v.get(await w.at(big));
      const poor = await v.post(await w.at(big, 'pay'), { method: 'wallet', customer: 'awa@example.test' });
      assert.equal(poor.status, 422);
      assert.match(poor.html, /insufficient balance: Awa cannot pay this amount/);
      const small = await w.pay({ amount: 1_500, testCheckout: 'open' });
      const paid = await v.post(await w.at(small, 'pay'), { method: 'wallet', customer: customer.phone });
      assert.equal(paid.status, 303);
      assert.equal(paid.location, w.returnUrl);
      assert.equal((await w.payment(small)).state, 'paid');
      const after = await w.api.get(`/api/integrations/${w.integrationId}/customers`);
      assert.equal(after.body.data.find((c: { id: string }) => c.id === customer.id).balance, 500);
    });

    test('unknown and malformed payment ids are a 404 page; an expired payment takes no payment', async () => {
      const v = new Visitor(w.s.url);
      const unknown = await v.get('/pay/pay_000000000000000000000');
      assert.equal(unknown.status, 404);
      assert.match(unknown.html, /Payment not found/);
      assert.match(unknown.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.equal((await v.get('/pay/%3Cscript%3E')).status, 404);
      const id = await w.payDirect({ validForMs: 60_000, testCheckout: 'open' });
      await v.get(await w.at(id));
      w.s.clock.advance(61_000);
      const r = await v.get(await w.at(id));
      assert.match(r.html, /id="blocked">This payment has expired/);
      assert.doesNotMatch(r.html, /id="method-/);
      await unchanged(w, async () => {
        const p = await v.post(await w.at(id, 'pay'), { method: 'card', cardNumber: '4444444444444000' });
        assert.equal(p.status, 409);
      });
      assert.equal((await v.post('/pay/pay_000000000000000000000/cancel', {})).status, 404);
    });

    test('a partly refunded payment says so, with the amount refunded; a fully refunded one says refunded', async () => {
      const id = await w.pay({ amount: 1250, testCheckout: 'open' });
      await completeTestPayment(w.s.app.deps, w.ownerId, id, 'paid');
      const { refund } = await createRefund(w.s.app.deps, w.ownerId, id, { amountMinor: 250 });
      await advanceRefund(w.s.app.deps, refund.id, 'successful');
      assert.equal((await w.payment(id)).state, 'partially_refunded');
      const part = await new Visitor(w.s.url).get(await w.at(id, 'status'));
      assert.match(part.html, /id="status">Payment partly refunded</);
      assert.match(part.html, /id="outcome-detail">The merchant has refunded 2\.50 USD of 12\.50 USD\.</);
      const { refund: rest } = await createRefund(w.s.app.deps, w.ownerId, id, { amountMinor: 1000 });
      await advanceRefund(w.s.app.deps, rest.id, 'successful');
      const full = await new Visitor(w.s.url).get(await w.at(id, 'status'));
      assert.match(full.html, /id="status">Payment refunded</);
    });
  });
}
