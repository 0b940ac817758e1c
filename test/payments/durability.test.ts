/**
 * Timed behaviours are durable jobs in the database, not timers in memory: a payment waiting on a
 * test phone's 5 s, or on its expiry, is finished by a NEW server started on the same data after the
 * first one stopped.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { type Clock, ManualClock } from '../../src/core/clock.js';
import { type RunningServer, serve } from '../../src/main.js';
import { ApiClient } from '../helpers/client.js';
import { type DbKind, freshDatabase, testDatabases } from '../helpers/dbs.js';
import { eventually } from '../helpers/eventually.js';
import { createPaymentOk, detail, newIntegration, newMerchant, pay } from './fixture.js';

/** serve() on a given data directory / database, as `tollgate serve` would run it (master key file in the data dir). */
async function startOn(data: { dataDir: string; databaseUrl: string | undefined }, clock: Clock, worker: boolean): Promise<RunningServer> {
  const config = loadConfig({}, { dataDir: data.dataDir, databaseUrl: data.databaseUrl, port: 0, demo: false, logLevel: 'silent', worker, allowPrivateCallbacks: true });
  return serve(config, () => {}, { handleSignals: false, clock, log: pino({ level: 'silent' }) });
}

for (const kind of testDatabases()) {
  describe(`durable timers on ${kind}`, () => {
    const running = new Set<RunningServer>();
    const track = (r: RunningServer) => {
      running.add(r);
      return r;
    };
    const stop = async (r: RunningServer) => {
      running.delete(r);
      await r.stop();
    };
    after(async () => {
      for (const r of running) await r.stop().catch(() => {});
    });

    async function firstLife(kindOf: DbKind) {
      const data = await freshDatabase(kindOf);
      const clock = new ManualClock(Date.now());
      const first = track(await startOn(data, clock, false));
      const { merchantId, api } = await newMerchant(first.app.deps, first.url);
      const { integrationId } = await newIntegration(first.app.deps, merchantId);
      return { data, clock, first, api, integrationId };
    }

    test('a test phone paid after 5 s is paid by the next server after a restart', async () => {
      const { data, clock, first, api, integrationId } = await firstLife(kind);
      const p = await createPaymentOk(api, integrationId, { amount: 590, currency: 'USD' });
      const r = await pay(api, p.id, { method: 'ecocash', phone: '0771111111' });
      assert.equal(r.body.payment.state, 'pending', r.text);
      const timers = await first.app.deps.store.db.selectFrom('jobs').select(['payload', 'run_at']).where('kind', '=', 'timer').execute();
      const mine = timers.filter((t) => t.payload.includes(p.id));
      assert.equal(mine.length, 1, 'the 5 s outcome is a row in the jobs table');
      assert.equal(Number(mine[0]!.run_at), clock.now() + 5_000);
      await stop(first);

      // A new process on the same data, with time moved past the 5 s; its own background worker runs.
      const second = track(await startOn(data, new ManualClock(clock.now() + 5_001), true));
      const api2 = new ApiClient(second.url);
      api2.bearer = api.bearer;
      await eventually(async () => (await detail(api2, p.id)).payment.state === 'paid', 15_000, 'the payment to be paid after the restart');
      const d = await detail(api2, p.id);
      assert.deepEqual(d.events.map((e) => `${e.version}:${e.to}`), ['1:created', '2:pending', '3:paid']);
      assert.equal(d.payment.method, 'ecocash');
      await stop(second);
    });

    test('expiry survives a restart too, for created and pending payments; one paid in time is not expired', async () => {
      const { data, clock, first, api, integrationId } = await firstLife(kind);
      const byClock = await createPaymentOk(api, integrationId, { amount: 100, currency: 'USD', validForSeconds: 60 });
      const pending = await createPaymentOk(api, integrationId, { amount: 100, currency: 'USD', validForSeconds: 60 });
      await pay(api, pending.id, { method: 'ecocash', phone: '0772222222' });
      const stuck = await createPaymentOk(api, integrationId, { amount: 100, currency: 'PLN', validForSeconds: 60 });
      assert.equal((await pay(api, stuck.id, { method: 'blik', code: '222222' })).body.payment.state, 'pending');
      await stop(first);

      const clock2 = new ManualClock(clock.now());
      const second = track(await startOn(data, clock2, false));
      const api2 = new ApiClient(second.url);
      api2.bearer = api.bearer;
      clock2.advance(59_999);
      await second.app.worker.drain();
      assert.equal((await detail(api2, byClock.id)).payment.state, 'created', 'not before 60 s');
      assert.equal((await detail(api2, stuck.id)).payment.state, 'pending');
      clock2.advance(1);
      await second.app.worker.drain();
      const d = await detail(api2, byClock.id);
      assert.equal(d.payment.state, 'expired');
      assert.deepEqual(d.events.map((e) => e.to), ['created', 'expired']);
      assert.equal((await detail(api2, stuck.id)).payment.state, 'expired', 'a pending payment expires too');
      assert.equal((await detail(api2, pending.id)).payment.state, 'paid', 'paid at 30 s, before its expiry');
      await stop(second);
    });

    test('the sandbox advance expires an open payment without waiting, after a restart', async () => {
      const { data, clock, first, api, integrationId } = await firstLife(kind);
      const p = await createPaymentOk(api, integrationId, { amount: 100, currency: 'USD', validForSeconds: 60 });
      await stop(first);
      const second = track(await startOn(data, new ManualClock(clock.now()), false));
      const api2 = new ApiClient(second.url);
      api2.bearer = api.bearer;
      const early = await api2.post(`/api/integrations/${integrationId}/sandbox/advance`, { seconds: 59 });
      assert.equal(early.status, 200, early.text);
      assert.equal((await detail(api2, p.id)).payment.state, 'created');
      const r = await api2.post(`/api/integrations/${integrationId}/sandbox/advance`, { seconds: 1 });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.offsetSeconds, 60);
      assert.ok(r.body.jobsRun >= 1);
      assert.equal((await detail(api2, p.id)).payment.state, 'expired');
      await stop(second);
    });
  });
}
