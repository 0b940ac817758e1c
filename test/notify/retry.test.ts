/**
 * When a failed notification is tried again: the wire's schedule, spread by jitter (live work; the
 * sandbox clock keeps test-mode work on the exact steps), and later when the receiver asks with
 * `Retry-After`, never beyond the schedule's longest step.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_RETRY_DELAYS_MS } from '../../src/services/notify/formatter.js';
import { RETRY_JITTER, retryDelay } from '../../src/services/notify/deliveries.js';
import { parseRetryAfter } from '../../src/worker/http-sender.js';
import { testDatabases } from '../helpers/dbs.js';
import { createPaymentOk, openShop, type Shop } from '../payments/fixture.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('retry delays', () => {
  const schedule = DEFAULT_RETRY_DELAYS_MS;
  test('the step, moved by at most the jitter either way', () => {
    assert.equal(retryDelay(schedule, 1, null, 0.5), MIN);
    assert.equal(retryDelay(schedule, 1, null, 0), MIN * (1 - RETRY_JITTER));
    assert.ok(retryDelay(schedule, 1, null, 0.999_999)! <= MIN * (1 + RETRY_JITTER));
    assert.equal(retryDelay(schedule, 14, null, 0.5), 48 * HOUR);
    assert.equal(retryDelay(schedule, 15, null, 0.5), undefined, 'the schedule is used up');
    const spread = new Set(Array.from({ length: 50 }, () => retryDelay(schedule, 6, null, Math.random())));
    assert.ok(spread.size > 1, 'live retries do not all land on one instant');
  });
  test('Retry-After wins when longer, up to the schedule\u2019s longest step', () => {
    for (const [retryAfter, expected] of [
      [null, MIN],
      [5_000, MIN],
      [10 * MIN, 10 * MIN],
      [30 * HOUR, 30 * HOUR],
      [400 * HOUR, 48 * HOUR],
    ] as const) {
      assert.equal(retryDelay(schedule, 1, retryAfter, 0.5), expected, `Retry-After ${retryAfter}`);
    }
  });
  test('Retry-After is read as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 12:05:00 GMT', now), 5 * MIN);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now), 0, 'a date in the past: at once');
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter('-5', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });
});

for (const kind of testDatabases()) {
  describe(`Retry-After from a receiver on ${kind}`, () => {
    let shop: Shop;
    let server: Server;
    let url: string;
    const answer = { retryAfter: '600' };

    before(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(503, { 'retry-after': answer.retryAfter }).end('busy'));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const addr = server.address();
      url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`;
      shop = await openShop(kind);
    });
    after(async () => {
      await shop.s.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });

    for (const [header, wait] of [
      ['600', 10 * MIN],
      ['5', MIN],
      ['9999999', 48 * HOUR],
    ] as const) {
      test(`Retry-After: ${header} → the next attempt ${wait / 1000} s later`, async () => {
        answer.retryAfter = header;
        const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: url });
        await shop.s.app.worker.drain();
        const r = await shop.api.get(`/api/payments/${p.id}/deliveries`);
        const [d] = r.body.data;
        assert.equal(d.attemptLog.length, 1);
        assert.equal(Date.parse(d.nextAttemptAt) - Date.parse(d.attemptLog[0].attemptedAt), wait);
      });
    }
  });
}
