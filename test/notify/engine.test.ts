/**
 * The notification engine: one delivery per change, sent by the worker, every attempt recorded (time,
 * URL, status, latency, error, first 1 KB of the answer), failures retried on seed 001's schedule
 * until 15 attempts, success only on 2xx, redirects never followed, a 15 s timeout, and redelivery by hand.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DEFAULT_RETRY_DELAYS_MS } from '../../src/services/notify/formatter.js';
import { createHttpSender, DELIVERY_TIMEOUT_MS, type SendResult } from '../../src/worker/http-sender.js';
import { testDatabases } from '../helpers/dbs.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { advance, createPaymentOk, newIntegration, newMerchant, openShop, pay, type Shop } from '../payments/fixture.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Seed 001: at once, then 1, 1, 1, 2, 5, 15, 30 min, 1, 2, 4, 8, 16, 24, 48 h after the previous attempt. */
const SEED_001 = [0, MIN, MIN, MIN, 2 * MIN, 5 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 16 * HOUR, 24 * HOUR, 48 * HOUR];
const TEN_DAYS_S = 864_000;

/** A tiny HTTP server whose every answer the test writes. */
async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; hits: number; close(): Promise<void> }> {
  const state = { hits: 0 };
  const server: Server = createServer((req, res) => {
    state.hits += 1;
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    get hits() {
      return state.hits;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// The 15 s timeout is proven once, with the default sender against a server that never answers; it runs
// while the other suites of this file do, and the last suite awaits it.
const hanging = await startServer(() => {});
const timeoutProbe: Promise<SendResult> = (async () => {
  const sender = createHttpSender({ allowPrivate: true });
  try {
    return await sender.post(hanging.url, { 'content-type': 'application/json' }, '{}');
  } finally {
    await sender.close();
  }
})();

for (const kind of testDatabases()) {
  describe(`notification engine on ${kind}`, () => {
    let shop: Shop;
    let rx: Receiver;

    before(async () => {
      rx = await startReceiver();
      shop = await openShop(kind, { notificationUrl: rx.url });
    });
    after(async () => {
      await shop.s.stop();
      await rx.close();
    });

    const deliveriesOf = async (paymentId: string) => {
      const r = await shop.api.get(`/api/payments/${paymentId}/deliveries`);
      assert.equal(r.status, 200, r.text);
      return (r.body.data as any[]).reverse(); // the API lists newest first
    };

    test('every change of a payment makes one delivery, with its version, to the payment\u2019s or the integration\u2019s URL', async () => {
      const before = rx.received.length;
      const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 590, currency: 'USD', reference: 'Invoice 1' });
      await pay(shop.api, p.id, { method: 'ecocash', phone: '0771111111' });
      await advance(shop.s, 5_000);
      const list = (await deliveriesOf(p.id)).sort((a, b) => a.eventVersion - b.eventVersion);
      assert.deepEqual(list.map((d) => [d.eventVersion, d.status, d.url]), [
        [1, 'delivered', rx.url],
        [2, 'delivered', rx.url],
        [3, 'delivered', rx.url],
      ]);
      // Changes that fall due in one worker pass are sent concurrently: arrival order is not promised.
      const got = rx.received
        .slice(before)
        .map((r) => JSON.parse(r.body))
        .sort((a, b) => a.payment.version - b.payment.version);
      assert.deepEqual(got.map((b) => [b.payment.id, b.payment.version, b.type]), [
        [p.id, 1, 'payment.created'],
        [p.id, 2, 'payment.pending'],
        [p.id, 3, 'payment.paid'],
      ]);

      const other = await startReceiver('/own');
      try {
        const q = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: other.url });
        await shop.s.app.worker.drain();
        assert.equal(other.received.length, 1, 'the payment\u2019s own notify URL wins');
        assert.equal(JSON.parse(other.received[0]!.body).payment.id, q.id);
        assert.ok(!rx.received.some((r) => r.body.includes(q.id)));
      } finally {
        await other.close();
      }

      const { integrationId: silent } = await newIntegration(shop.s.app.deps, shop.merchantId, { name: 'No URL' });
      const quiet = await createPaymentOk(shop.api, silent, { amount: 100, currency: 'USD' });
      assert.deepEqual(await deliveriesOf(quiet.id), [], 'no target, no delivery');
    });

    test('the changes of one payment claimed together are sent one after another, in version order', async () => {
      const log: string[] = [];
      // Version 1 is answered slowly: sent side by side, version 2 would arrive before that answer.
      const slow = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const v = JSON.parse(Buffer.concat(chunks).toString('utf8')).payment.version;
          log.push(`sent ${v}`);
          setTimeout(() => {
            log.push(`answered ${v}`);
            res.end('ok');
          }, v === 1 ? 300 : 0);
        });
      });
      await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}/hook`;
        const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 590, currency: 'USD', notifyUrl: url });
        await pay(shop.api, p.id, { method: 'ecocash', phone: '0771111111' });
        await advance(shop.s, 5_000);
        assert.deepEqual(log, ['sent 1', 'answered 1', 'sent 2', 'answered 2', 'sent 3', 'answered 3']);
      } finally {
        slow.closeAllConnections();
        await new Promise((r) => slow.close(r));
      }
    });

    test('a failing receiver is retried exactly on seed 001\u2019s schedule; after 15 attempts the delivery fails; redelivery by hand works', async () => {
      assert.deepEqual([...DEFAULT_RETRY_DELAYS_MS], SEED_001);
      const failing = await startReceiver('/failing');
      failing.status = 500;
      try {
        const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: failing.url, validForSeconds: TEN_DAYS_S });
        const t0 = shop.s.clock.now();
        await shop.s.app.worker.drain();
        assert.equal(failing.received.length, 1, 'the first attempt is immediate');
        for (let i = 1; i < SEED_001.length; i++) {
          await advance(shop.s, SEED_001[i]! - 1);
          assert.equal(failing.received.length, i, `attempt ${i + 1} not before its time`);
          await advance(shop.s, 1);
          assert.equal(failing.received.length, i + 1, `attempt ${i + 1} at its time`);
        }
        const [d] = await deliveriesOf(p.id);
        assert.equal(d.status, 'failed');
        assert.equal(d.attempts, 15);
        assert.equal(d.nextAttemptAt, null);
        assert.equal(d.attemptLog.length, 15);
        let expected = t0;
        d.attemptLog.forEach((a: any, i: number) => {
          expected += SEED_001[i]!;
          assert.equal(Date.parse(a.attemptedAt), expected, `attempt ${i + 1} at +${expected - t0} ms`);
          assert.equal(a.attempt, i + 1);
          assert.equal(a.url, failing.url);
          assert.equal(a.statusCode, 500);
          assert.equal(a.responseHead, 'ok');
          assert.equal(a.error, null);
          assert.ok(Number.isInteger(a.latencyMs) && a.latencyMs >= 0);
        });
        const bodies = new Set(failing.received.map((r) => r.body));
        const ids = new Set(failing.received.map((r) => r.headers['webhook-id']));
        assert.equal(bodies.size, 1, 'every attempt sends the same bytes');
        assert.deepEqual([...ids], [`${p.id}.v1`]);

        // A week later (the payment has meanwhile expired: that is another delivery, v2), v1 was never sent again.
        await advance(shop.s, 7 * 24 * HOUR);
        const v1 = () => failing.received.filter((x) => x.headers['webhook-id'] === `${p.id}.v1`).length;
        assert.equal(v1(), 15, 'nothing after the last attempt');

        failing.status = 200;
        const r = await shop.api.post(`/api/deliveries/${d.id}/redeliver`);
        assert.equal(r.status, 202, r.text);
        await shop.s.app.worker.drain();
        assert.equal(v1(), 16);
        const [again] = await deliveriesOf(p.id);
        assert.equal(again.status, 'delivered');
        assert.equal(again.attemptLog.length, 16);
        assert.equal(again.attemptLog[15].statusCode, 200);
        assert.equal(Date.parse(again.deliveredAt), shop.s.clock.now());

        const onceMore = await shop.api.post(`/api/deliveries/${d.id}/redeliver`);
        assert.equal(onceMore.status, 202, 'a delivered notification can be sent again too');
        await shop.s.app.worker.drain();
        assert.equal(v1(), 17);
      } finally {
        await failing.close();
      }
    });

    test('redelivering a notification that is still being retried adds an attempt without cutting its retries short', async () => {
      const failing = await startReceiver('/still-failing');
      failing.status = 500;
      try {
        const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: failing.url, validForSeconds: TEN_DAYS_S });
        await shop.s.app.worker.drain();
        const [d] = await deliveriesOf(p.id);
        assert.equal(d.status, 'pending');
        const r = await shop.api.post(`/api/deliveries/${d.id}/redeliver`);
        assert.equal(r.status, 202, r.text);
        await shop.s.app.worker.drain();
        assert.equal(failing.received.length, 2, 'the manual attempt went out at once');
        const [after] = await deliveriesOf(p.id);
        assert.equal(after.attemptLog.length, 2);
        assert.equal(after.status, 'pending', 'a failed manual attempt leaves the automatic retries in place');
        await advance(shop.s, MIN);
        assert.equal(failing.received.length, 3, 'the schedule goes on');
      } finally {
        await failing.close();
      }
    });

    test('redelivery is scoped to the merchant and validated', async () => {
      const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD' });
      const [d] = await deliveriesOf(p.id);
      const stranger = await newMerchant(shop.s.app.deps, shop.s.url, 'stranger');
      assert.equal((await stranger.api.post(`/api/deliveries/${d.id}/redeliver`)).status, 404);
      assert.equal((await stranger.api.get(`/api/payments/${p.id}/deliveries`)).status, 404);
      assert.equal((await shop.api.post('/api/deliveries/nope/redeliver')).status, 400);
      assert.equal((await shop.api.post('/api/deliveries/dlv_000000000000000000000/redeliver')).status, 404);
    });

    test('success is a 2xx; any other answer (3xx, 4xx, 5xx) is a failure retried 1 min later', async () => {
      const target = await startReceiver('/status');
      try {
        for (const status of [200, 201, 202, 204, 299, 300, 301, 304, 400, 404, 410, 429, 500, 503]) {
          target.status = status;
          const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: target.url });
          await shop.s.app.worker.drain();
          const [d] = await deliveriesOf(p.id);
          assert.equal(d.attemptLog.length, 1, `${status}`);
          assert.equal(d.attemptLog[0].statusCode, status);
          if (status >= 200 && status < 300) {
            assert.equal(d.status, 'delivered', `${status} is a success`);
            assert.equal(d.nextAttemptAt, null);
          } else {
            assert.equal(d.status, 'pending', `${status} is a failure`);
            assert.equal(Date.parse(d.nextAttemptAt), shop.s.clock.now() + MIN);
          }
        }
      } finally {
        await target.close();
      }
    });

    test('a 302 is a failure and its Location is not followed', async () => {
      const elsewhere = await startReceiver('/elsewhere');
      const redirecting = await startServer((_req, res) => {
        res.writeHead(302, { location: elsewhere.url }).end('moved');
      });
      try {
        const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: redirecting.url });
        await shop.s.app.worker.drain();
        assert.equal(redirecting.hits, 1);
        assert.equal(elsewhere.received.length, 0, 'the redirect was not followed');
        const [d] = await deliveriesOf(p.id);
        assert.equal(d.status, 'pending');
        assert.equal(d.attemptLog[0].statusCode, 302);
        assert.equal(d.attemptLog[0].url, redirecting.url);
        await advance(shop.s, MIN);
        assert.equal(redirecting.hits, 2, 'retried at the same URL');
        assert.equal(elsewhere.received.length, 0);
      } finally {
        await redirecting.close();
        await elsewhere.close();
      }
    });

    test('only the first 1 KB of the answer is kept', async () => {
      const big = `${'a'.repeat(1_000)}${'b'.repeat(100)}${'c'.repeat(200_000)}`;
      const chunky = await startServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        // Many small writes: the head is gathered across chunks.
        let i = 0;
        const next = () => {
          if (i >= 40) return res.end();
          res.write('0123456789'.repeat(5));
          i += 1;
          setImmediate(next);
        };
        next();
      });
      const large = await startServer((_req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(big);
      });
      const small = await startServer((_req, res) => {
        res.writeHead(200).end('thanks');
      });
      try {
        const a = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: large.url });
        const b = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: chunky.url });
        const c = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: small.url });
        await shop.s.app.worker.drain();
        const [da] = await deliveriesOf(a.id);
        assert.equal(da.attemptLog[0].statusCode, 500);
        assert.equal(da.attemptLog[0].responseHead, big.slice(0, 1024));
        const [db] = await deliveriesOf(b.id);
        assert.equal(db.status, 'delivered');
        assert.equal(db.attemptLog[0].responseHead, '0123456789'.repeat(200).slice(0, 1024));
        const [dc] = await deliveriesOf(c.id);
        assert.equal(dc.attemptLog[0].responseHead, 'thanks');
      } finally {
        await Promise.all([chunky.close(), large.close(), small.close()]);
      }
    });

    test('an answer holding a NUL byte, which PostgreSQL text cannot hold, is recorded with U+FFFD in its place', async () => {
      const nul = await startServer((_req, res) => {
        res.writeHead(200).end('ok\u0000done');
      });
      try {
        const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: nul.url });
        await shop.s.app.worker.drain();
        const [d] = await deliveriesOf(p.id);
        assert.equal(d.status, 'delivered');
        assert.equal(d.attemptLog.length, 1);
        assert.equal(d.attemptLog[0].responseHead, 'ok\uFFFDdone');
        assert.equal(nul.hits, 1, 'recorded once, so not sent again');
      } finally {
        await nul.close();
      }
    });

    test('a job whose result cannot be written runs again after a backoff; the other jobs of its pass are recorded', async () => {
      const ok = await startServer((_req, res) => {
        res.writeHead(200).end('fine');
      });
      // A real failure of the database, for the attempts sent to one URL only.
      const triggers =
        kind === 'postgres'
          ? [
              `create function refuse_attempt() returns trigger language plpgsql as $$ begin if new.url like '%refuse%' then raise exception 'attempt refused by a test trigger'; end if; return new; end $$`,
              'create trigger refuse_attempt before insert on delivery_attempts for each row execute function refuse_attempt()',
            ]
          : [`create trigger refuse_attempt before insert on delivery_attempts when new.url like '%refuse%' begin select raise(abort, 'attempt refused by a test trigger'); end`];
      const drops = kind === 'postgres' ? ['drop trigger if exists refuse_attempt on delivery_attempts', 'drop function if exists refuse_attempt'] : ['drop trigger if exists refuse_attempt'];
      const db = shop.s.store.db;
      try {
        for (const t of triggers) await sql.raw(t).execute(db);
        const refused = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: `${ok.url}?refuse` });
        const fine = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: ok.url });
        await shop.s.app.worker.drain();
        assert.equal(ok.hits, 2, 'both were sent, in one pass');
        const [df] = await deliveriesOf(fine.id);
        assert.equal(df.status, 'delivered');
        assert.equal(df.attemptLog.length, 1);
        const [dr] = await deliveriesOf(refused.id);
        assert.equal(dr.status, 'pending');
        assert.equal(dr.attemptLog.length, 0, 'nothing of the refused attempt was kept');
        const job = await db.selectFrom('jobs').selectAll().where('payload', 'like', `%"${dr.id}"%`).executeTakeFirstOrThrow();
        // Claimed once: the backoff after a first failure is 10 s.
        assert.equal(Number(job.run_at), shop.s.clock.now() + 10_000);
        assert.equal(job.lease_owner, null);
        assert.match(job.last_error ?? '', /attempt refused by a test trigger/);
        assert.equal(await db.selectFrom('jobs').select('id').where('payload', 'like', `%"${df.id}"%`).executeTakeFirst(), undefined, 'the recorded job is gone');

        for (const t of drops) await sql.raw(t).execute(db);
        await advance(shop.s, 9_999);
        assert.equal(ok.hits, 2, 'not before its backoff');
        await advance(shop.s, 1);
        assert.equal(ok.hits, 3, 'sent again: a notification may arrive twice, never zero times');
        const [again] = await deliveriesOf(refused.id);
        assert.equal(again.status, 'delivered');
        assert.equal(again.attemptLog.length, 1);
      } finally {
        for (const t of drops) await sql.raw(t).execute(db);
        await ok.close();
      }
    });

    test('a receiver that cannot be reached is a recorded failure with its error', async () => {
      const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: 'http://127.0.0.1:1/nothing-listens' });
      await shop.s.app.worker.drain();
      const [d] = await deliveriesOf(p.id);
      assert.equal(d.status, 'pending');
      assert.equal(d.attemptLog[0].statusCode, null);
      assert.equal(d.attemptLog[0].responseHead, null);
      assert.match(d.attemptLog[0].error, /ECONNREFUSED|connect/i);
      assert.equal(Date.parse(d.nextAttemptAt), shop.s.clock.now() + MIN);
    });

    test('GET /api/payments/:id/deliveries lists each delivery with its attempts', async () => {
      rx.status = 503;
      try {
        const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD' });
        await shop.s.app.worker.drain();
        rx.status = 200;
        await advance(shop.s, MIN);
        const list = await deliveriesOf(p.id);
        assert.equal(list.length, 1);
        const d = list[0];
        assert.match(d.id, /^dlv_/);
        assert.equal(d.paymentId, p.id);
        assert.equal(d.eventVersion, 1);
        assert.equal(d.status, 'delivered');
        assert.equal(d.attempts, 2);
        assert.equal(JSON.parse(d.body).payment.id, p.id);
        assert.equal(d.headers['webhook-id'], `${p.id}.v1`);
        assert.deepEqual(d.attemptLog.map((a: any) => [a.attempt, a.statusCode]), [[1, 503], [2, 200]]);
        assert.equal(Date.parse(d.attemptLog[1].attemptedAt) - Date.parse(d.attemptLog[0].attemptedAt), MIN);
      } finally {
        rx.status = 200;
      }
    });
  });
}

describe('delivery timeout', () => {
  after(async () => {
    await hanging.close();
  });

  test('a receiver that never answers fails after 15 s', async () => {
    assert.equal(DELIVERY_TIMEOUT_MS, 15_000);
    const r = await timeoutProbe;
    assert.equal(r.statusCode, null);
    assert.equal(r.responseHead, null);
    assert.match(r.error ?? '', /timed out after 15000 ms/);
    assert.ok(r.latencyMs >= 14_500 && r.latencyMs < 20_000, `gave up after ${r.latencyMs} ms`);
  });

  test('a shorter timeout is honoured the same way', async () => {
    const sender = createHttpSender({ allowPrivate: true, timeoutMs: 300 });
    try {
      const started = Date.now();
      const r = await sender.post(hanging.url, {}, '{}');
      assert.match(r.error ?? '', /timed out after 300 ms/);
      assert.ok(Date.now() - started < 3_000);
    } finally {
      await sender.close();
    }
  });
});
