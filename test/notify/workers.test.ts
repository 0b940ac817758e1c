/**
 * Several workers on one PostgreSQL never run the same job at the same time: claims take a lease
 * with FOR UPDATE SKIP LOCKED, so concurrent claimers get disjoint jobs, and four worker loops with
 * their own connection pools draining one queue send every notification exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import type { ServiceDeps } from '../../src/services/deps.js';
import { openStore, type Store } from '../../src/store/database.js';
import { claimDueJobs, finishJob, insertJobs } from '../../src/store/repos/jobs.js';
import { createHttpSender, type HttpSender } from '../../src/worker/http-sender.js';
import { createWorker, type Worker } from '../../src/worker/worker.js';
import { testDatabases } from '../helpers/dbs.js';
import { eventually } from '../helpers/eventually.js';
import { createPaymentOk, openShop, pay, type Shop } from '../payments/fixture.js';

/** Records every request and how many requests for the same webhook id were in flight at once. */
async function overlapReceiver(delayMs: number) {
  const ids: string[] = [];
  const inFlight = new Map<string, number>();
  const state = { maxOverlap: 0 };
  const server: Server = createServer((req, res) => {
    const id = String(req.headers['webhook-id']);
    const n = (inFlight.get(id) ?? 0) + 1;
    inFlight.set(id, n);
    state.maxOverlap = Math.max(state.maxOverlap, n);
    ids.push(id);
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        inFlight.set(id, (inFlight.get(id) ?? 1) - 1);
        res.writeHead(200).end('ok');
      }, delayMs),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    ids,
    get maxOverlap() {
      return state.maxOverlap;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

for (const kind of testDatabases()) {
  if (kind !== 'postgres') continue;

  describe('several workers on one PostgreSQL', () => {
    let shop: Shop;
    let rx: Awaited<ReturnType<typeof overlapReceiver>>;
    const stores: Store[] = [];

    before(async () => {
      rx = await overlapReceiver(25);
      shop = await openShop(kind, { notificationUrl: rx.url });
      for (let i = 0; i < 4; i++) stores.push(openStore({ dataDir: shop.s.dataDir, databaseUrl: shop.s.databaseUrl, poolSize: 4 }));
    });
    after(async () => {
      for (const s of stores) await s.close();
      await shop.s.stop();
      await rx.close();
    });

    test('concurrent claims get disjoint jobs; a lease keeps a job from others until it runs out', async () => {
      const now = shop.s.clock.now();
      const ids = Array.from({ length: 120 }, (_, i) => `job_claimtest${String(i).padStart(9, '0')}`);
      await insertJobs(
        shop.s.store.db,
        ids.map((id) => ({ id, kind: 'deliver', payload: JSON.stringify({ deliveryId: 'dlv_none' }), integration_id: null, run_at: now - 1, attempts: 0, locked_until: null, lease_owner: null, last_error: null, created_at: now })),
      );
      try {
        const claimedBy = new Map<string, string[]>();
        await Promise.all(
          stores.map(async (store, i) => {
            const owner = `claimer-${i}`;
            for (;;) {
              const jobs = await claimDueJobs(store.db, true, { now, limit: 7, owner, leaseMs: 60_000 });
              if (jobs.length === 0) return;
              // Only this test's jobs count: a recurring job of the gateway's own (ledger_fold) may be due too.
              for (const j of jobs) if (ids.includes(j.id)) claimedBy.set(j.id, [...(claimedBy.get(j.id) ?? []), owner]);
            }
          }),
        );
        const doubles = [...claimedBy].filter(([, owners]) => owners.length > 1);
        assert.deepEqual(doubles, [], 'no job was claimed by two workers');
        assert.equal(claimedBy.size, ids.length, 'every job was claimed');
        const owners = new Set([...claimedBy.values()].flat());
        assert.ok(owners.size >= 2, `the claimers really competed (${owners.size} got jobs)`);

        const late = await claimDueJobs(stores[0]!.db, true, { now: now + 59_999, limit: 500, owner: 'late', leaseMs: 60_000 });
        assert.equal(late.filter((j) => ids.includes(j.id)).length, 0, 'leased jobs are not claimable');
        const first = ids[0]!;
        const holder = claimedBy.get(first)![0]!;
        const reclaimed = (await claimDueJobs(stores[1]!.db, true, { now: now + 60_001, limit: 500, owner: 'after-lease', leaseMs: 60_000 })).filter((j) => ids.includes(j.id));
        assert.equal(reclaimed.length, ids.length, 'once the leases ran out (a crashed worker), the jobs are claimable again');
        assert.ok(reclaimed.every((j) => j.attempts === 2));
        await finishJob(shop.s.store.db, first, holder);
        const still = await shop.s.store.db.selectFrom('jobs').select('lease_owner').where('id', '=', first).executeTakeFirst();
        assert.equal(still?.lease_owner, 'after-lease', 'the old holder cannot remove a job it no longer leases');
      } finally {
        await shop.s.store.db.deleteFrom('jobs').where('id', 'in', ids).execute();
      }
    });

    test('four worker loops on one queue run every job once: one attempt per delivery, one request per notification', async () => {
      const payments = await Promise.all(Array.from({ length: 60 }, async (_, i) => (await createPaymentOk(shop.api, shop.integrationId, { amount: 100 + i, currency: 'USD' })).id as string));
      const onPhone = payments.filter((_, i) => i % 2 === 0);
      const paid = await Promise.all(onPhone.map((id) => pay(shop.api, id, { method: 'ecocash', phone: '0771111111' })));
      for (const r of paid) assert.equal(r.status, 200, r.text);
      shop.s.clock.advance(5_000); // the phones' timers are due too: they run concurrently with the deliveries

      const sent = [0, 0, 0, 0];
      const senders: HttpSender[] = [];
      const workers: Worker[] = stores.map((store, i) => {
        const real = createHttpSender({ allowPrivate: true });
        senders.push(real);
        const counting: HttpSender = {
          post: (url, headers, body) => {
            sent[i]! += 1;
            return real.post(url, headers, body);
          },
          close: () => real.close(),
        };
        const deps: ServiceDeps = { ...shop.s.app.deps, store };
        return createWorker({ deps, http: counting, log: pino({ level: 'silent' }), mailTransport: undefined, batch: 5, idleMs: 20 });
      });
      try {
        for (const w of workers) w.start();
        await eventually(
          async () => {
            const jobs = await shop.s.store.db.selectFrom('jobs').select('id').where('kind', 'in', ['deliver', 'timer']).execute();
            const open = await shop.s.store.db.selectFrom('deliveries').select('id').where('status', '!=', 'delivered').execute();
            const paid = await shop.s.store.db.selectFrom('payments').select('id').where('state', '=', 'paid').execute();
            return jobs.length === 0 && open.length === 0 && paid.length === onPhone.length;
          },
          30_000,
          'the workers to finish the queue',
        );
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
        await Promise.all(senders.map((s) => s.close()));
      }

      const deliveries = await shop.s.store.db.selectFrom('deliveries').select(['id', 'payment_id', 'event_version', 'attempts']).where('integration_id', '=', shop.integrationId).execute();
      assert.equal(deliveries.length, 60 + 2 * onPhone.length, 'created for all, pending and paid for the phones');
      const attempts = await shop.s.store.db.selectFrom('delivery_attempts').select(['delivery_id', 'attempt']).execute();
      const perDelivery = new Map<string, number>();
      for (const a of attempts) perDelivery.set(a.delivery_id, (perDelivery.get(a.delivery_id) ?? 0) + 1);
      for (const d of deliveries) {
        assert.equal(perDelivery.get(d.id), 1, `${d.payment_id}.v${d.event_version} was attempted exactly once`);
        assert.equal(Number(d.attempts), 1);
      }
      assert.equal(rx.ids.length, deliveries.length, 'one request per notification');
      assert.equal(new Set(rx.ids).size, rx.ids.length, 'no notification was sent twice');
      assert.equal(rx.maxOverlap, 1);
      for (const id of onPhone) {
        const events = await shop.s.store.db.selectFrom('payment_events').select(['version', 'to_state']).where('payment_id', '=', id).orderBy('version').execute();
        assert.deepEqual(events.map((e) => `${e.version}:${e.to_state}`), ['1:created', '2:pending', '3:paid'], 'each timer ran once');
      }
      assert.equal(sent.reduce((a, b) => a + b, 0), deliveries.length);
      assert.ok(sent.filter((n) => n > 0).length >= 2, `the work was shared: ${sent.join(', ')}`);
    });
  });
}
