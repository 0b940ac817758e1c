/**
 * The page at `/` is the one the start banner points at: the merchant dashboard (test/dashboard/ tests
 * the app itself). Without JavaScript it still leads to the API docs, and never to /metrics.
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

    test('the banner names / as the start page, and / serves the dashboard', async () => {
      const banner = s.lines.join('\n');
      assert.match(banner, new RegExp(`^ {2}Start page ${s.url}/$`, 'm'), banner);
      assert.match(banner, new RegExp(`^ {2}API docs {3}${s.url}/docs$`, 'm'), banner);

      const r = await fetch(`${s.url}/`);
      assert.equal(r.status, 200);
      const html = await r.text();
      assert.match(html, /<title>Tollgate dashboard<\/title>/);
      assert.match(html, /<noscript>[\s\S]*<a href="\/docs">\/docs<\/a>/, 'without JavaScript it names the API docs');
      assert.doesNotMatch(html, /href="\/metrics"/, 'no link a browser cannot follow without the metrics token');
    });
  });
}
