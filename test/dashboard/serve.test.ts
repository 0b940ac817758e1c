/**
 * The gateway serves the built dashboard at / and at each of its paths, under a CSP with no inline
 * script or style, its hashed files for a year, and leaves the wires' unknown paths to the wires. With
 * no build it says how to make one. (scripts/test.ts builds dashboard/dist before the tests.)
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { DASHBOARD_CSP, DASHBOARD_DIST, registerDashboard } from '../../src/web/dashboard.js';
import { tempDir, testDatabases } from '../helpers/dbs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

for (const kind of testDatabases()) {
  describe(`the dashboard served on ${kind}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
    });
    after(() => s?.stop());

    test('/ is the dashboard: its scripts and styles are files, under the strict CSP', async () => {
      const r = await fetch(`${s.url}/`);
      assert.equal(r.status, 200);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.equal(csp, DASHBOARD_CSP);
      assert.match(csp, /script-src 'self';/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      const html = await r.text();
      assert.match(html, /<div id="root"><\/div>/);
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.ok(scripts.length > 0, 'the app has a script');
      for (const [, attrs, body] of scripts) {
        assert.match(attrs ?? '', /\bsrc="\/ui\/[^"]+\.js"/, 'every script is a file under /ui/');
        assert.equal(body?.trim(), '', 'no inline script');
      }
      assert.doesNotMatch(html, /<style|\sstyle=/i, 'no inline style');
      assert.match(html, /<a href="\/docs">/, 'without JavaScript it points at the API docs');
    });

    test('each dashboard path answers the app, so reloads and shared links work', async () => {
      for (const path of ['/login', '/integrations', '/integrations/int_0123456789abcdefghijk', '/payments/pay_0123456789abcdefghijk', '/developers', '/money', '/settings', '/operators']) {
        const r = await fetch(`${s.url}${path}`);
        assert.equal(r.status, 200, path);
        assert.match(await r.text(), /<div id="root">/, path);
      }
    });

    test('built files are served with long caching; the wires keep their unknown paths', async () => {
      const file = readdirSync(join(DASHBOARD_DIST, 'ui')).find((f) => f.endsWith('.js'))!;
      const r = await fetch(`${s.url}/ui/${file}`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /javascript/);
      assert.match(r.headers.get('cache-control') ?? '', /immutable/);
      const wire = await fetch(`${s.url}/interface/nothing-here`, { method: 'POST' });
      assert.doesNotMatch(await wire.text(), /<div id="root">/, 'a wire path is not the dashboard');
      const unknown = await fetch(`${s.url}/no-such-page`);
      assert.equal(unknown.status, 404);
    });
  });
}

describe('a gateway whose dashboard was never built', () => {
  const app = Fastify();
  let url: string;
  before(async () => {
    await registerDashboard(app, join(tempDir(), 'dist'));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => app.close());

  test('says to run npm run build:dashboard', async () => {
    for (const path of ['/', '/payments']) {
      const r = await fetch(`${url}${path}`);
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('content-security-policy'), DASHBOARD_CSP);
      const html = await r.text();
      assert.match(html, /<h1>The dashboard is not built<\/h1>/);
      assert.match(html, /npm run build:dashboard/);
    }
  });
});
