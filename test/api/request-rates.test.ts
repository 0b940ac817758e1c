/**
 * The operator's request rates per channel: requests to each wire and to the management API, good and
 * refused, counted in memory per process, added up in the database once a minute, and read back as the
 * last minute and the last hour of the whole gateway (two apps sharing one database).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createOperator } from '../../src/services/merchants/accounts.js';
import { ApiClient } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { eventually } from '../helpers/eventually.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const MINUTE = 60_000;
const START = Date.UTC(2026, 11, 5, 8, 0, 1);
const CHANNELS = ['paynow_zw', 'paynow_pl', 'paydunya', 'management'] as const;
/** Per wire: one request it may answer or refuse in its own words, and an unknown path under its prefix. */
const WIRE_REQUESTS: Array<[string, string, string]> = [
  ['paynow_zw', 'POST', '/interface/initiatetransaction'],
  ['paynow_zw', 'GET', '/Interface/nothing-here'],
  ['paynow_pl', 'POST', '/v3/payments'],
  ['paynow_pl', 'GET', '/v1/nothing-here'],
  ['paydunya', 'POST', '/api/v1/checkout-invoice/create'],
  ['paydunya', 'GET', '/api/v1/nothing-here'],
  ['management', 'GET', '/api/me'],
  ['management', 'GET', '/api/nothing-here'],
];

type Counts = { requests: number; clientErrors: number; serverErrors: number };

for (const kind of testDatabases()) {
  describe(`request rates per channel on ${kind}`, () => {
    let a: TestServer;
    let b: TestServer;
    let op: ApiClient;
    /** Every request sent, with the minute it was answered in: what the counts must add up to. */
    const sent: Array<{ minute: number; channel: string; status: number }> = [];

    async function send(s: TestServer, channel: string, method: string, path: string, client = new ApiClient(s.url)) {
      const r = await client.request(method, path, method === 'POST' ? '' : undefined, method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {});
      sent.push({ minute: Math.floor(s.clock.now() / MINUTE) * MINUTE, channel, status: r.status });
      return r;
    }

    function expected(from: number, to: number, channel: string): Counts {
      const of = sent.filter((x) => x.channel === channel && x.minute >= from && x.minute < to);
      return { requests: of.length, clientErrors: of.filter((x) => x.status >= 400 && x.status < 500).length, serverErrors: of.filter((x) => x.status >= 500).length };
    }

    const health = async () => {
      const r = await send(a, 'management', 'GET', '/api/operator/health', op);
      assert.equal(r.status, 200, r.text);
      return r.body;
    };

    /** Whether A's health shows every request of both apps for the whole minutes before now. */
    async function matches(): Promise<boolean> {
      const h = await health();
      const to = Date.parse(h.requests.to);
      return CHANNELS.every((channel) => {
        const row = h.requests.channels.find((c: { channel: string }) => c.channel === channel);
        const hour = expected(to - 60 * MINUTE, to, channel);
        return (
          JSON.stringify(row.lastMinute) === JSON.stringify(expected(to - MINUTE, to, channel)) &&
          JSON.stringify(row.lastHour) === JSON.stringify({ ...hour, perMinute: Math.round((hour.requests / 60) * 100) / 100 })
        );
      });
    }

    const advance = () => {
      a.clock.advance(MINUTE);
      b.clock.advance(MINUTE);
    };

    before(async () => {
      a = await startTestServer(kind, { clockStart: START });
      b = await startTestServer(kind, { clockStart: START, database: a });
      await createOperator(a.app.deps, 'rates-ops@tollgate.test', 'an operator password 1');
      op = new ApiClient(a.url);
      assert.equal((await op.login('rates-ops@tollgate.test', 'an operator password 1', 'operator')).status, 200);
      sent.push({ minute: START - 1000, channel: 'management', status: 200 });
    });
    after(async () => {
      await b?.stop();
      await a?.stop();
    });

    test('requests to each wire and the API on two apps add up per minute and per hour, errors apart', async () => {
      for (const s of [a, b]) for (const [channel, method, path] of WIRE_REQUESTS) for (let i = 0; i < (s === a ? 3 : 2); i += 1) await send(s, channel, method, path);
      // Paynow Zimbabwe and PayDunya refuse in their body with a 200, as the real ones do; these with 4xx statuses.
      for (const channel of ['paynow_pl', 'management']) assert.ok(expected(START - 1000, START + MINUTE, channel).clientErrors > 0, `${channel}: some requests refused`);
      assert.ok(await matches(), 'the current minute is not counted yet');
      const first = await health();
      assert.deepEqual(first.requests.channels.map((c: { channel: string }) => c.channel), [...CHANNELS]);
      assert.equal(Number((await a.store.db.selectFrom('request_rates').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 0, 'no write per request');

      // A minute later: A reads its own counts from memory, B's once B, seeing the new minute, flushed them.
      advance();
      await send(b, 'management', 'GET', '/api/me');
      await eventually(matches, 15_000, 'both apps counted in the last minute');
      const minute = (await health()).requests.channels.find((c: { channel: string }) => c.channel === 'paynow_zw');
      assert.equal(minute.lastMinute.requests, 10);

      // Two minutes on: that minute is out of the last minute, still in the hour.
      advance();
      await send(b, 'paydunya', 'GET', '/api/v1/nothing-here');
      await eventually(matches, 15_000, 'the hour adding both minutes');
      const later = (await health()).requests.channels.find((c: { channel: string }) => c.channel === 'paynow_pl');
      assert.ok(later.lastHour.clientErrors > 0);
      assert.equal(later.lastMinute.requests, 0);
      assert.equal(later.lastHour.requests, 10);
    });
  });
}
