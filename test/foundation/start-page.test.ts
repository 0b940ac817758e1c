/**
 * The page at `/` and the start banner's line for it say the same thing: until the merchant dashboard
 * exists it is a start page of links, and neither calls it a dashboard.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/dbs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

for (const kind of testDatabases()) {
  describe(`the start page on ${kind}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s?.stop());

    test('the banner names / as the start page, and the page calls itself that', async () => {
      const banner = s.lines.join('\n');
      assert.match(banner, new RegExp(`^ {2}Start page ${s.url}/$`, 'm'), banner);
      assert.match(banner, new RegExp(`^ {2}API docs {3}${s.url}/docs$`, 'm'), banner);
      assert.doesNotMatch(banner, /dashboard/i);

      const r = await fetch(`${s.url}/`);
      assert.equal(r.status, 200);
      const html = await r.text();
      assert.match(html, /<title>Tollgate — start page<\/title>/);
      assert.match(html, /<h1>Start page<\/h1>/);
      assert.match(html, /dashboard is not built yet/i, 'says what it is not, yet');
      assert.match(html, /<a href="\/docs">API docs<\/a>/, 'the same name as the banner');
      assert.doesNotMatch(html, /href="\/metrics"/, 'no link a browser cannot follow without the metrics token');
    });
  });
}
