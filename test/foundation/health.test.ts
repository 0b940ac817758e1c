import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/dbs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const METRICS_TOKEN = 'a-metrics-token-for-the-scraper-0123';

for (const kind of testDatabases()) {
  describe(`health, readiness and metrics on ${kind}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind, { metricsToken: METRICS_TOKEN });
    });
    after(() => s.stop());

    test('/healthz answers while the process is up', async () => {
      const r = await fetch(`${s.url}/healthz`);
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { status: 'ok' });
    });

    test('/readyz names the database once migrations are current', async () => {
      const r = await fetch(`${s.url}/readyz`);
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { status: 'ready', database: kind });
    });

    test('/metrics counts requests by route pattern and status in the Prometheus format', async () => {
      await fetch(`${s.url}/api/integrations/int_000000000000000000000`);
      const r = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await r.text();
      assert.match(text, /tollgate_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
      assert.match(text, /tollgate_http_requests_total\{method="GET",route="\/api\/integrations\/:id",status="401"\} 1/);
      assert.match(text, /tollgate_http_request_duration_seconds_bucket\{le="0.05",method="GET",route="\/readyz",status="200"\}/);
      // room the later parts fill: payments by state, deliveries by outcome, job queue depth
      for (const name of ['tollgate_payments', 'tollgate_deliveries_total', 'tollgate_jobs_due']) assert.match(text, new RegExp(`# TYPE ${name} `));
    });

    test('/metrics refuses a request without the bearer token, or with a wrong one, and says how to authenticate', async () => {
      for (const authorization of [undefined, 'Bearer wrong', `Bearer ${METRICS_TOKEN}x`, `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`, METRICS_TOKEN, `Bearer ${METRICS_TOKEN.slice(1)}`]) {
        const r = await fetch(`${s.url}/metrics`, { headers: authorization ? { authorization } : {} });
        assert.equal(r.status, 401, String(authorization));
        assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="metrics"');
        const text = await r.text();
        assert.doesNotMatch(text, /tollgate_/, 'no metric leaks');
        assert.match(text, /bearer token/i);
      }
      const lower = await fetch(`${s.url}/metrics`, { headers: { authorization: `bearer ${METRICS_TOKEN}` } });
      assert.equal(lower.status, 200, 'the scheme is case-insensitive');
    });

    test('without TOLLGATE_METRICS_TOKEN, /metrics is closed and says how to open it', async () => {
      const closed = await startTestServer(kind);
      try {
        for (const headers of [{}, { authorization: `Bearer ${METRICS_TOKEN}` }, { authorization: 'Bearer ' }] as Record<string, string>[]) {
          const r = await fetch(`${closed.url}/metrics`, { headers });
          assert.equal(r.status, 403);
          const text = await r.text();
          assert.doesNotMatch(text, /tollgate_/);
          assert.match(text, /TOLLGATE_METRICS_TOKEN/);
        }
      } finally {
        await closed.stop();
      }
    });

    test('every response carries a request id, and a sane caller id is kept', async () => {
      const r = await fetch(`${s.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
      assert.equal(r.headers.get('x-request-id'), 'abc-123');
      const r2 = await fetch(`${s.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
      assert.match(r2.headers.get('x-request-id') ?? '', /^req-/);
    });
  });
}
