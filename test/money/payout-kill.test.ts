/**
 * The payout run across a kill -9 (issue 18): `tollgate payouts run` is killed while it pays out many
 * balances, then run again; every balance is paid out once and every payment settled by one payout.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { verifyLedger } from '../../src/services/money/verify.js';
import { testDatabases } from '../helpers/dbs.js';
import { cleanEnv, dbArgs, killAll, Proc, runCli } from '../helpers/process.js';
import { createPaymentOk, newIntegration, openShop, pay } from '../payments/fixture.js';

after(killAll);

const BALANCES = 150;

for (const kind of testDatabases()) {
  describe(`payout run killed midway on ${kind}`, () => {
    test(`kill -9 during a run over ${BALANCES} balances, run again: each payment settled exactly once`, async () => {
      const shop = await openShop(kind);
      try {
        const deps = shop.s.app.deps;
        const paymentIds: string[] = [];
        for (let i = 0; i < BALANCES; i++) {
          const { integrationId } = await newIntegration(deps, shop.merchantId);
          const p = await createPaymentOk(shop.api, integrationId, { amount: 1_000 + i, currency: 'USD' });
          assert.equal((await pay(shop.api, p.id, { method: 'card', cardNumber: '4444 4444 4444 4000' })).status, 200);
          paymentIds.push(p.id);
        }
        const db = dbArgs(shop.s.dataDir, shop.s.databaseUrl);
        const count = async () => Number((await deps.store.db.selectFrom('payouts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
        const run = new Proc([...db, 'payouts', 'run'], cleanEnv());
        while (!run.exited && (await count()) === 0) await new Promise((r) => setTimeout(r, 2));
        run.kill();
        await run.exit;
        const atKill = await count();
        assert.ok(atKill > 0 && atKill < BALANCES, `killed midway: ${atKill} of ${BALANCES} payouts made${run.describe()}`);

        const again = await runCli([...db, '--json', 'payouts', 'run'], cleanEnv());
        assert.equal(again.exited.code, 0, again.describe());
        assert.equal(await count(), BALANCES, 'one payout per balance, none twice');
        const settled = await deps.store.db.selectFrom('payout_payments').select(['payment_id', 'payout_id']).where('released', '=', 0).execute();
        assert.deepEqual(settled.map((r) => r.payment_id).sort(), [...paymentIds].sort(), 'every payment settled, once');
        assert.equal(new Set(settled.map((r) => r.payout_id)).size, BALANCES);
        const available = await deps.store.db.selectFrom('ledger_accounts').select('balance_minor').where('kind', '=', 'available').where('balance_minor', '!=', 0).execute();
        assert.deepEqual(available, [], 'every available balance paid out');
        assert.equal((await verifyLedger(deps)).ok, true);
      } finally {
        await shop.s.stop();
      }
    });
  });
}
