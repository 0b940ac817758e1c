/**
 * One silent endpoint stalls nobody else: while 20 endpoints accept connections and never answer,
 * notifications to a fast endpoint are delivered within 1 s of their commit (p99). Each job runs
 * as its own task under a global and a per-destination limit, its outcome recorded when it ends,
 * and the lease of a job still sending is renewed, so no other worker takes it meanwhile.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { claimDueJobs } from '../../src/store/repos/jobs.js';
import { createHttpSender, type HttpSender } from '../../src/worker/http-sender.js';
import { createWorker } from '../../src/worker/worker.js';
import { testDatabases } from '../helpers/dbs.js';
import { eventually } from '../helpers/eventually.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { createPaymentOk, openShop, type Shop } from '../payments/fixture.js';

/** A TCP server that takes every connection and never answers a byte. */
async function silentEndpoint(): Promise<{ url: string; connections: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server: Server = createServer((s) => {
    state.connections += 1;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Enough fast notifications that p99 is not simply the slowest one. */
const FAST = 100;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.99) - 1]!;

for (const kind of testDatabases()) {
  describe(`head-of-line on ${kind}`, () => {
    let shop: Shop;
    let fast: Receiver;
    const silent: Awaited<ReturnType<typeof silentEndpoint>>[] = [];
    let http: HttpSender;

    before(async () => {
      fast = await startReceiver('/fast');
      for (let i = 0; i < 20; i++) silent.push(await silentEndpoint());
      shop = await openShop(kind);
      http = createHttpSender({ allowPrivate: true });
    });
    after(async () => {
      await shop.s.stop();
      await http.close();
      await fast.close();
      for (const s of silent) await s.close();
    });

    test('notifications to a fast endpoint arrive within 1 s of their commit while 20 endpoints never answer', async () => {
      // 8 notifications waiting for each silent endpoint, committed before the fast ones.
      for (const s of silent) for (let k = 0; k < 8; k++) await createPaymentOk(shop.api, shop.integrationId, { amount: 100 + k, currency: 'USD', notifyUrl: s.url });
      const worker = createWorker({ deps: shop.s.app.deps, http, log: pino({ level: 'silent' }), mailTransport: undefined });
      const committed = new Map<string, number>();
      worker.start();
      try {
        await eventually(async () => silent.every((s) => s.connections > 0), 10_000, 'every silent endpoint to be reached');
        for (let i = 0; i < FAST; i++) {
          const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 1000 + i, currency: 'USD', notifyUrl: fast.url });
          // The answer leaves right after the commit: the nearest moment the test can see.
          committed.set(p.id, Date.now());
        }
        await fast.waitFor(FAST, 14_000);
      } finally {
        await worker.stop();
      }
      const latencies = fast.received.map((r) => {
        const id = JSON.parse(r.body).payment.id as string;
        return r.at - committed.get(id)!;
      });
      assert.equal(latencies.length, FAST);
      assert.ok(p99(latencies) <= 1_000, `p99 from commit to arrival ${p99(latencies)} ms (all: ${latencies.join(', ')})`);
      const timedOut = await shop.s.store.db.selectFrom('delivery_attempts').select('error').where('url', 'in', silent.map((s) => s.url)).execute();
      assert.ok(timedOut.length > 0 && timedOut.every((a) => /timed out/.test(a.error ?? '')), 'the silent endpoints were really tried and timed out');
    });

    test('the lease of a job still sending is renewed, so another worker cannot claim it', async () => {
      // Its own endpoint: the first test's silent ones may still be busy with its retries.
      const hang = await silentEndpoint();
      silent.push(hang);
      const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 77, currency: 'USD', notifyUrl: hang.url });
      const job = await shop.s.store.db.selectFrom('jobs').select('id').where('payload', 'like', `%${p.id}%`).executeTakeFirstOrThrow();
      // Only this job is due: what the first test left waits for its retry or its hand-back time.
      await shop.s.store.db.deleteFrom('jobs').where('id', '!=', job.id).execute();
      const before = hang.connections;
      const worker = createWorker({ deps: shop.s.app.deps, http, log: pino({ level: 'silent' }), mailTransport: undefined, leaseMs: 1_000, idleMs: 20 });
      worker.start();
      try {
        await eventually(async () => hang.connections > before, 10_000, 'the send to start');
        shop.s.clock.advance(900);
        await new Promise((r) => setTimeout(r, 700));
        shop.s.clock.advance(900);
        const stolen = await claimDueJobs(shop.s.store.db, kind === 'postgres', { now: shop.s.clock.now(), limit: 1000, owner: 'other-worker', leaseMs: 60_000 });
        assert.ok(!stolen.some((j) => j.id === job.id), 'the job still sending was not claimed by another worker after its first lease ran out');
      } finally {
        await worker.stop();
      }
    });
  });
}
