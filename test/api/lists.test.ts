/**
 * Lists page with {data, nextCursor} and filter by every parameter; the CSV export holds what the list
 * holds; integration-wide events and deliveries; the home figures; the docs page writes with a session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { advance, createPaymentOk, openShop, type Shop } from '../payments/fixture.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

for (const kind of testDatabases()) {
  describe(`management API lists on ${kind}`, () => {
    let shop: Shop;
    const ids: string[] = [];
    let t0: number;

    before(async () => {
      shop = await openShop(kind, { notificationUrl: 'http://127.0.0.1:9/never' });
      t0 = shop.s.clock.now();
      // Seven payments a minute apart: amounts 100..700, references r1..r7, the odd ones paid.
      for (let n = 1; n <= 7; n++) {
        const p = await createPaymentOk(shop.api, shop.integrationId, { amount: n * 100, currency: 'USD', reference: n === 7 ? '=HYPERLINK("x")' : `r${n}` });
        ids.push(p.id);
        if (n % 2 === 1) assert.equal((await shop.api.post(`/api/payments/${p.id}/sandbox/complete`, { outcome: 'paid' })).status, 200);
        shop.s.clock.advance(60_000);
      }
    });
    after(() => shop.s.stop());

    const list = async (query: string) => {
      const r = await shop.api.get(`/api/integrations/${shop.integrationId}/payments?${query}`);
      assert.equal(r.status, 200, r.text);
      return r.body as { data: any[]; nextCursor: string | null };
    };

    test('pages with nextCursor, newest first, without repeats or gaps', async () => {
      const seen: string[] = [];
      let cursor: string | null = '';
      let pages = 0;
      while (cursor !== null) {
        const page = await list(`limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        seen.push(...page.data.map((p) => p.id));
        cursor = page.nextCursor;
        pages += 1;
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...ids].reverse());
      assertProblem(await shop.api.get(`/api/integrations/${shop.integrationId}/payments?cursor=bm9wZQ`), 400, 'validation', /cursor/);
      assertProblem(await shop.api.get(`/api/integrations/${shop.integrationId}/payments?limit=201`), 400, 'validation');
    });

    test('filters by state, mode, method, dialect, reference, amount and date range', async () => {
      const idsOf = (page: { data: any[] }) => page.data.map((p) => p.id).reverse();
      assert.deepEqual(idsOf(await list('state=paid')), [ids[0], ids[2], ids[4], ids[6]]);
      assert.deepEqual(idsOf(await list('state=created,paid&amountMin=200&amountMax=400')), [ids[1], ids[2], ids[3]]);
      assert.deepEqual(idsOf(await list('reference=r2')), [ids[1]]);
      assert.deepEqual(idsOf(await list('mode=live')), []);
      assert.equal((await list('mode=test&dialect=tollgate')).data.length, 7);
      assert.deepEqual(idsOf(await list('dialect=paydunya')), []);
      assert.deepEqual(idsOf(await list('method=ecocash')), []);
      const from = new Date(t0 + 60_000).toISOString();
      const to = new Date(t0 + 3 * 60_000).toISOString();
      assert.deepEqual(idsOf(await list(`createdFrom=${from}&createdTo=${to}`)), [ids[1], ids[2]]);
      assertProblem(await shop.api.get(`/api/integrations/${shop.integrationId}/payments?state=bogus`), 400, 'validation', /state/);
      const all = await shop.api.get(`/api/payments?integrationId=${shop.integrationId}&state=paid`);
      assert.equal(all.body.data.length, 4);
      const p = all.body.data[0];
      assert.match(p.createdAt, ISO);
      assert.equal(typeof p.amount, 'number');
      assert.equal(p.currency, 'USD');
    });

    test('the CSV export holds the filtered list, amounts in minor units, formulas defused', async () => {
      const r = await shop.api.get(`/api/payments.csv?integrationId=${shop.integrationId}&state=paid`);
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('content-type') ?? '', /^text\/csv/);
      const lines = r.text.trimEnd().split('\r\n');
      assert.match(lines[0] as string, /^id,integration_id,mode,dialect,state,currency,amount,/);
      assert.equal(lines.length, 5);
      assert.ok(lines[1]?.startsWith(`${ids[6]},`));
      assert.ok(lines[1]?.includes(`"'=HYPERLINK(""x"")"`), lines[1]);
      assert.ok(lines[4]?.includes(',USD,100,'), lines[4]);
    });

    test('integration-wide events and deliveries, filtered by status and endpoint, with attempts', async () => {
      const ev = await shop.api.get(`/api/integrations/${shop.integrationId}/events?limit=200`);
      assert.equal(ev.status, 200, ev.text);
      assert.equal(ev.body.data.length, 11, '7 created + 4 paid');
      assert.match(ev.body.data[0].at, ISO);
      await advance(shop.s, 1_000);
      const all = await shop.api.get(`/api/integrations/${shop.integrationId}/deliveries?limit=200`);
      assert.equal(all.body.data.length, 11);
      const tried = all.body.data.filter((d: any) => d.attempts > 0);
      assert.ok(tried.length > 0);
      assert.equal(typeof tried[0].attemptLog[0].latencyMs, 'number');
      const pending = await shop.api.get(`/api/integrations/${shop.integrationId}/deliveries?status=pending&endpoint=${encodeURIComponent('http://127.0.0.1:9/never')}`);
      assert.equal(pending.body.data.length, 11);
      assert.equal((await shop.api.get(`/api/integrations/${shop.integrationId}/deliveries?endpoint=http://elsewhere.test/`)).body.data.length, 0);
      const endpoints = await shop.api.get(`/api/integrations/${shop.integrationId}/endpoints`);
      assert.deepEqual(endpoints.body.data.map((e: any) => [e.url, e.pending]), [['http://127.0.0.1:9/never', 11]]);
    });

    test("a payment's request-log entries: those that name it, newest first", async () => {
      const r = await shop.api.get(`/api/integrations/${shop.integrationId}/request-log?paymentId=${ids[0]}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.data.length >= 1, 'its creation is logged');
      for (const e of r.body.data) assert.ok(e.path.includes(ids[0]) || e.responseBody.includes(ids[0]), e.path);
      assert.match(r.body.data[0].createdAt, ISO);
      const everything = await shop.api.get(`/api/integrations/${shop.integrationId}/request-log?limit=200`);
      assert.ok(everything.body.data.length > r.body.data.length);
    });

    test('home figures: payments and amounts per day per currency and mode', async () => {
      const r = await shop.api.get('/api/stats/home');
      assert.equal(r.status, 200, r.text);
      const total = r.body.volume.filter((v: any) => v.currency === 'USD' && v.mode === 'test').reduce((s: number, v: any) => s + v.count, 0);
      assert.equal(total, 7);
      const amount = r.body.volume.reduce((s: number, v: any) => s + v.amount, 0);
      assert.equal(amount, 2_800);
      assert.equal(r.body.volume.reduce((s: number, v: any) => s + v.paidAmount, 0), 1_600);
      assert.match(r.body.volume[0].date, /^\d{4}-\d\d-\d\d$/);
    });

    test('/docs is served under a CSP without inline code, and its initializer sends the CSRF token on writes', async () => {
      const page = await fetch(`${shop.s.url}/docs/static/index.html`);
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      const html = await page.text();
      assert.doesNotMatch(html, /<script>(?!\s*<\/script>)|<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
      const init = await (await fetch(`${shop.s.url}/docs/static/swagger-initializer.js`)).text();
      assert.match(init, /requestInterceptor/);
      assert.match(init, /\/api\/auth\/session/);
      assert.match(init, /X-CSRF-Token/);
      assert.doesNotMatch(init, /__name/);
    });
  });
}
