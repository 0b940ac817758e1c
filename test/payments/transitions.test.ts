import { asId, type PaymentId } from '../../src/core/ids.js';
/**
 * The one function that changes a payment's state: version check, event with the next version,
 * every caused job in the same transaction; a repeat changes nothing; concurrent transitions have
 * exactly one winner (with real concurrency on PostgreSQL: several pools, blocked row locks).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { TollgateError } from '../../src/core/errors.js';
import type { PaymentState } from '../../src/core/payment-state.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { type TransitionResult, transitionInTx, transitionPayment } from '../../src/services/payments/transition.js';
import { openStore, type Store } from '../../src/store/database.js';
import { testDatabases } from '../helpers/dbs.js';
import { createPaymentOk, dataSnapshot, openShop, type Shop } from './fixture.js';

const HOOK = 'http://127.0.0.1:9/hook';

async function eventsOf(store: Store, paymentId: string): Promise<Array<{ version: number; from: string | null; to: string }>> {
  const rows = await store.db.selectFrom('payment_events').select(['version', 'from_state', 'to_state']).where('payment_id', '=', paymentId).orderBy('version').execute();
  return rows.map((r) => ({ version: Number(r.version), from: r.from_state, to: r.to_state }));
}

async function deliveriesOf(store: Store, paymentId: string): Promise<Array<{ id: string; version: number; type: string }>> {
  const rows = await store.db.selectFrom('deliveries').select(['id', 'event_version', 'body']).where('payment_id', '=', paymentId).orderBy('event_version').execute();
  return rows.map((r) => ({ id: r.id, version: Number(r.event_version), type: JSON.parse(r.body).type as string }));
}

async function jobsFor(store: Store, kind: string, needle: string): Promise<Array<{ payload: any; runAt: number }>> {
  const rows = await store.db.selectFrom('jobs').select(['payload', 'run_at']).where('kind', '=', kind).execute();
  return rows.filter((r) => r.payload.includes(needle)).map((r) => ({ payload: JSON.parse(r.payload), runAt: Number(r.run_at) }));
}

const isRefusal = (err: unknown, code: string) => err instanceof TollgateError && err.code === code;

for (const kind of testDatabases()) {
  describe(`transitions on ${kind}`, () => {
    let shop: Shop;
    let deps: ServiceDeps;
    /** Extra pools on the same database: independent sessions that really race on PostgreSQL. */
    const pools: Store[] = [];
    const depsOnPools: ServiceDeps[] = [];

    before(async () => {
      shop = await openShop(kind, { notificationUrl: HOOK });
      deps = shop.s.app.deps;
      depsOnPools.push(deps);
      if (kind === 'postgres') {
        for (let i = 0; i < 3; i++) {
          const store = openStore({ dataDir: shop.s.dataDir, databaseUrl: shop.s.databaseUrl, poolSize: 6 });
          pools.push(store);
          depsOnPools.push({ ...deps, store });
        }
      }
    });
    after(async () => {
      for (const p of pools) await p.close();
      await shop.s.stop();
    });

    const newPayment = async () => asId('payment', (await createPaymentOk(shop.api, shop.integrationId, { amount: 700, currency: 'USD' })).id);

    test('one transaction moves the state, appends the next version and inserts its delivery and its jobs', async () => {
      const id = await newPayment();
      const at = deps.clock.now();
      const r = await transitionPayment(deps, id, {
        to: 'pending',
        reason: 'test',
        method: 'ecocash',
        jobs: [{ kind: 'timer', payload: { paymentId: id, version: 2, to: 'paid', failureCode: null, failureMessage: null }, runAt: at + 5_000, integrationId: shop.integrationId }],
      });
      assert.equal(r.changed, true);
      assert.equal(r.payment.state, 'pending');
      assert.equal(r.payment.version, 2);
      const row = await shop.s.store.db.selectFrom('payments').select(['state', 'version', 'method']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual({ state: row.state, version: Number(row.version), method: row.method }, { state: 'pending', version: 2, method: 'ecocash' });
      assert.deepEqual(await eventsOf(shop.s.store, id), [
        { version: 1, from: null, to: 'created' },
        { version: 2, from: 'created', to: 'pending' },
      ]);
      const deliveries = await deliveriesOf(shop.s.store, id);
      assert.deepEqual(deliveries.map((d) => `${d.version}:${d.type}`), ['1:payment.created', '2:payment.pending']);
      const deliverJobs = await jobsFor(shop.s.store, 'deliver', deliveries[1]!.id);
      assert.equal(deliverJobs.length, 1, 'the delivery of version 2 has its job');
      assert.equal(deliverJobs[0]!.runAt, at, 'the first attempt is due at once');
      const timers = await jobsFor(shop.s.store, 'timer', id);
      assert.deepEqual(timers, [{ payload: { paymentId: id, version: 2, to: 'paid', failureCode: null, failureMessage: null }, runAt: at + 5_000 }]);
    });

    test('when anything in the transaction fails, nothing of the change remains', async () => {
      const id = await newPayment();
      const before = await dataSnapshot(shop.s.store);
      await assert.rejects(
        transitionPayment(deps, id, {
          to: 'paid',
          reason: 'test',
          jobs: [{ kind: 'timer', payload: { paymentId: id, version: 2, to: 'failed', failureCode: null, failureMessage: null }, runAt: deps.clock.now(), integrationId: shop.integrationId }],
          inTx: async () => {
            throw new TollgateError('refused', 'the effect failed');
          },
        }),
        (err: unknown) => isRefusal(err, 'refused'),
      );
      assert.equal(await dataSnapshot(shop.s.store), before, 'no state, event, delivery or job of the failed change');
    });

    test('repeating a transition that already happened changes nothing', async () => {
      const id = await newPayment();
      const first = await transitionPayment(deps, id, { to: 'paid', reason: 'test' });
      assert.equal(first.changed, true);
      const before = await dataSnapshot(shop.s.store);
      const again = await transitionPayment(deps, id, { to: 'paid', reason: 'test again' });
      assert.equal(again.changed, false);
      assert.equal(again.payment.version, 2);
      const versioned = await transitionPayment(deps, id, { to: 'paid', reason: 'with the old version', version: 1 });
      assert.equal(versioned.changed, false);
      assert.equal(await dataSnapshot(shop.s.store), before);
    });

    test('a stale version and a move the state table forbids are refused without a trace', async () => {
      const id = await newPayment();
      await transitionPayment(deps, id, { to: 'pending', reason: 'test' });
      const before = await dataSnapshot(shop.s.store);
      await assert.rejects(transitionPayment(deps, id, { to: 'paid', reason: 'stale', version: 1 }), (err: unknown) => isRefusal(err, 'conflict'));
      await assert.rejects(transitionPayment(deps, id, { to: 'refunded', reason: 'not allowed' }), (err: unknown) => isRefusal(err, 'invalid_state'));
      await assert.rejects(transitionPayment(deps, id, { to: 'paid', reason: 'wrong from', from: ['created'] }), (err: unknown) => isRefusal(err, 'invalid_state'));
      await assert.rejects(transitionPayment(deps, asId('payment', 'pay_000000000000000000000'), { to: 'paid', reason: 'missing' }), (err: unknown) => isRefusal(err, 'not_found'));
      assert.equal(await dataSnapshot(shop.s.store), before);
      await transitionPayment(deps, id, { to: 'failed', reason: 'final' });
      await assert.rejects(transitionPayment(deps, id, { to: 'paid', reason: 'after final' }), (err: unknown) => isRefusal(err, 'invalid_state'));
    });

    test(`concurrent transitions to different outcomes: exactly one wins${kind === 'postgres' ? ' (4 pools on one database)' : ''}`, async () => {
      const targets: PaymentState[] = ['paid', 'failed', 'cancelled', 'expired'];
      const ids: PaymentId[] = [];
      for (let i = 0; i < 6; i++) {
        const id = await newPayment();
        await transitionPayment(deps, id, { to: 'pending', reason: 'test' });
        ids.push(id);
      }
      const calls: Array<{ id: PaymentId; to: PaymentState; run: Promise<TransitionResult> }> = [];
      let n = 0;
      for (const id of ids) {
        for (let k = 0; k < 16; k++) {
          const to = targets[k % targets.length]!;
          const d = depsOnPools[n++ % depsOnPools.length]!;
          calls.push({ id, to, run: transitionPayment(d, id, { to, reason: `race ${k}` }) });
        }
      }
      const settled = await Promise.allSettled(calls.map((c) => c.run));
      for (const id of ids) {
        const mine = calls.map((c, i) => ({ ...c, result: settled[i]! })).filter((c) => c.id === id);
        const winners = mine.filter((c) => c.result.status === 'fulfilled' && c.result.value.changed);
        assert.equal(winners.length, 1, `exactly one transition of ${id} changed it`);
        const won = winners[0]!.to;
        for (const c of mine) {
          if (c.result.status === 'rejected') {
            assert.ok(isRefusal(c.result.reason, 'invalid_state'), `a loser is told the payment moved on: ${String(c.result.reason)}`);
            assert.notEqual(c.to, won);
          } else {
            assert.equal(c.to, won, 'only a call with the winning target reports success (changed or unchanged)');
          }
        }
        const row = await shop.s.store.db.selectFrom('payments').select(['state', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
        assert.equal(row.state, won);
        assert.equal(Number(row.version), 3);
        const events = await eventsOf(shop.s.store, id);
        assert.deepEqual(events.map((e) => e.version), [1, 2, 3], 'versions 1..n, no gap, no duplicate');
        assert.deepEqual(events[2], { version: 3, from: 'pending', to: won });
        const deliveries = await deliveriesOf(shop.s.store, id);
        assert.deepEqual(deliveries.map((d) => `${d.version}:${d.type}`), ['1:payment.created', '2:payment.pending', `3:payment.${won}`], 'a delivery for the winner only');
      }
    });

    test('concurrent payment attempts over HTTP with outcomes that exclude each other: one is accepted, the others are told', async () => {
      const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 999_999, currency: 'PLN' });
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          shop.api.post(`/api/payments/${p.id}/pay`, i % 2 === 0 ? { method: 'card', cardNumber: '4444 4444 4444 4000' } : { method: 'pay_by_link' }),
        ),
      );
      const ok = replies.filter((r) => r.status === 200);
      assert.ok(ok.length >= 1, replies.map((r) => r.status).join(','));
      const won = ok[0]!.body.payment.state as string;
      assert.ok(won === 'paid' || won === 'failed');
      // A request for the same outcome may be answered with it (repeating a transition changes nothing);
      // a request for the other outcome is refused.
      for (const r of ok) assert.deepEqual([r.body.payment.state, r.body.payment.method, r.body.payment.version], [won, ok[0]!.body.payment.method, 2]);
      for (const r of replies) if (r.status !== 200) assert.equal(r.status, 409, r.text);
      assert.deepEqual((await eventsOf(shop.s.store, p.id)).map((e) => `${e.version}:${e.to}`), ['1:created', `2:${won}`]);
      assert.deepEqual((await deliveriesOf(shop.s.store, p.id)).map((d) => d.type), ['payment.created', `payment.${won}`]);
    });

    if (kind === 'postgres') {
      /**
       * A pending payment that pool A has moved to paid in a transaction it keeps open until `release`;
       * `lockWaited` resolves once another session waits for its row lock.
       */
      const heldMove = async () => {
        const id = await newPayment();
        await transitionPayment(deps, id, { to: 'pending', reason: 'test' });
        const [storeA, storeB] = [pools[0]!, pools[1]!];
        const depsA: ServiceDeps = { ...deps, store: storeA };
        const depsB: ServiceDeps = { ...deps, store: storeB };
        let release!: () => void;
        const gate = new Promise<void>((r) => {
          release = r;
        });
        let moved!: () => void;
        const aMoved = new Promise<void>((r) => {
          moved = r;
        });
        const a = storeA.transaction(async (tx) => {
          const r = await transitionInTx(tx, depsA, id, { to: 'paid', reason: 'A' });
          moved();
          await gate;
          return r;
        });
        await aMoved;
        const lockWaited = async () => {
          const deadline = Date.now() + 5_000;
          for (;;) {
            const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(shop.s.store.db);
            if ((waiting.rows[0]?.n ?? 0) >= 1) return;
            assert.ok(Date.now() < deadline, 'B never blocked on the row lock');
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        return { id, a, release, depsB, storeB, lockWaited };
      };

      test('two transactions that read the same version: the one blocked on the row lock loses when the other commits', async () => {
        const { id, a, release, depsB, storeB, lockWaited } = await heldMove();
        // B reads version 2 (A has not committed), then its versioned UPDATE waits for A's row lock.
        const b = storeB.transaction((tx) => transitionInTx(tx, depsB, id, { to: 'cancelled', reason: 'B' }));
        const bOutcome = b.then(
          () => 'won',
          (err: unknown) => (isRefusal(err, 'conflict') ? 'conflict' : `other: ${String(err)}`),
        );
        await lockWaited();
        release();
        const ra = await a;
        assert.equal(ra.changed, true);
        assert.equal(await bOutcome, 'conflict', 'the version check refused B');
        // Through transitionPayment the loser re-reads and is told the payment is already paid.
        await assert.rejects(transitionPayment(depsB, id, { to: 'cancelled', reason: 'B again' }), (err: unknown) => isRefusal(err, 'invalid_state'));
        assert.deepEqual((await eventsOf(shop.s.store, id)).map((e) => `${e.version}:${e.to}`), ['1:created', '2:pending', '3:paid']);
        assert.deepEqual((await deliveriesOf(shop.s.store, id)).map((d) => d.type), ['payment.created', 'payment.pending', 'payment.paid']);
      });

      test('transitionPayment reads before its transaction: one that read a version another move then took finds its event version taken, reads again and answers from the new state', async () => {
        const { id, a, release, depsB, lockWaited } = await heldMove();
        // Both read version 2 (A has not committed); their updates, sent without waiting, queue on A's row lock.
        const other = transitionPayment(depsB, id, { to: 'cancelled', reason: 'B' }).then(
          (r) => `won: ${JSON.stringify(r)}`,
          (err: unknown) => (isRefusal(err, 'invalid_state') ? 'invalid_state' : `other: ${String(err)}`),
        );
        const same = transitionPayment(depsB, id, { to: 'paid', reason: 'C' });
        await lockWaited();
        release();
        assert.equal((await a).changed, true);
        assert.equal(await other, 'invalid_state', 'the move to cancelled is refused: the payment is paid');
        const c = await same;
        assert.equal(c.changed, false, 'the move to paid finds it paid: a repeat changes nothing');
        assert.deepEqual([c.payment.state, c.payment.version], ['paid', 3]);
        const row = await shop.s.store.db.selectFrom('payments').select(['state', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
        assert.deepEqual([row.state, Number(row.version)], ['paid', 3]);
        assert.deepEqual((await eventsOf(shop.s.store, id)).map((e) => `${e.version}:${e.to}`), ['1:created', '2:pending', '3:paid']);
        assert.deepEqual((await deliveriesOf(shop.s.store, id)).map((d) => d.type), ['payment.created', 'payment.pending', 'payment.paid']);
      });
    }
  });
}
