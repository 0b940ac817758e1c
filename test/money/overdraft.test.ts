/**
 * No overdraft under concurrency (issue 18): parallel payouts, refunds, disbursements and direct pays
 * against one balance take exactly what it holds, on both databases. Today's read-then-write let
 * PostgreSQL accept more than the balance.
 */
import { asId, type IntegrationId, type PaymentId } from '../../src/core/ids.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Currency } from '../../src/core/money.js';
import { integrationById } from '../../src/services/merchants/credentials.js';
import { createRefund } from '../../src/services/payments/refunds.js';
import { createDisbursement, creditAccount, submitDisbursement } from '../../src/services/payments/transfers.js';
import { createFictitiousCustomer, sandboxPayout } from '../../src/services/sandbox/controls.js';
import { merchantBalances } from '../../src/services/money/balances.js';
import { RECURRING_JOB_IDS } from '../../src/services/jobs.js';
import { foldLedger, LEDGER_FOLD_MS } from '../../src/services/money/ledger.js';
import { verifyLedger } from '../../src/services/money/verify.js';
import { testDatabases } from '../helpers/dbs.js';
import { createPaymentOk, newIntegration, openShop, pay, type Shop } from '../payments/fixture.js';

const N = 50;

for (const kind of testDatabases()) {
  describe(`no overdraft on ${kind}`, () => {
    let shop: Shop;
    before(async () => {
      shop = await openShop(kind);
    });
    after(async () => {
      await shop.s.stop();
    });

    /** A fresh integration holding `amount` of `currency` from one paid card payment; its id and that payment. */
    async function funded(amount: number, currency: Currency = 'USD'): Promise<{ integrationId: IntegrationId; paymentId: PaymentId }> {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId);
      const p = await createPaymentOk(shop.api, integrationId, { amount, currency });
      const r = await pay(shop.api, p.id, { method: 'card', cardNumber: '4444 4444 4444 4000' });
      assert.equal(r.body.payment.state, 'paid', r.text);
      return { integrationId, paymentId: asId('payment', p.id) };
    }

    const available = async (integrationId: IntegrationId, currency: Currency = 'USD') =>
      (await merchantBalances(shop.s.app.deps, shop.merchantId, integrationId)).find((b) => b.mode === 'test' && b.currency === currency)?.availableMinor ?? 0;

    function outcomes(results: PromiseSettledResult<unknown>[]): { ok: number; refused: number } {
      let ok = 0;
      let refused = 0;
      for (const r of results) {
        if (r.status === 'fulfilled') ok++;
        else if ((r.reason as { code?: string }).code === 'insufficient_funds') refused++;
        else throw r.reason;
      }
      return { ok, refused };
    }

    test(`${N} parallel payouts of 1,000 from 10,000 accept exactly 10`, async () => {
      const { integrationId } = await funded(10_000);
      const results = await Promise.allSettled(Array.from({ length: N }, () => sandboxPayout(shop.s.app.deps, shop.merchantId, integrationId, 'USD', 1_000)));
      assert.deepEqual(outcomes(results), { ok: 10, refused: N - 10 });
      assert.equal(await available(integrationId), 0);
    });

    test(`${N} parallel direct pays and disbursements of 1,000 from 10,000 accept exactly 10`, async () => {
      const { integrationId } = await funded(10_000, 'XOF');
      const deps = shop.s.app.deps;
      await createFictitiousCustomer(deps, shop.merchantId, integrationId, { name: 'Awa', email: 'awa@example.test', phone: '+221700000009', balanceMinor: 0, currency: 'XOF' });
      const integration = (await integrationById(deps, integrationId))!;
      const tokens = await Promise.all(
        Array.from({ length: N / 2 }, () => createDisbursement(deps, integration, 'test', { accountAlias: 'awa@example.test', amountMinor: 1_000, currency: 'XOF', withdrawMode: 'orange-money-senegal', callbackUrl: null, externalId: null })),
      );
      const results = await Promise.allSettled([
        ...Array.from({ length: N / 2 }, () => creditAccount(deps, integration, 'test', 'awa@example.test', 1_000, 'XOF')),
        ...tokens.map((d) => submitDisbursement(deps, integration, 'test', d.token, 'paydunya')),
      ]);
      assert.deepEqual(outcomes(results), { ok: 10, refused: N - 10 });
      assert.equal(await available(integrationId, 'XOF'), 0);
    });

    test('one refund and one payout racing over a balance of 1,000: exactly one is accepted, ten times', async () => {
      for (let round = 0; round < 10; round++) {
        const { integrationId, paymentId } = await funded(1_000);
        const results = await Promise.allSettled([
          createRefund(shop.s.app.deps, shop.merchantId, paymentId, { amountMinor: 1_000 }),
          sandboxPayout(shop.s.app.deps, shop.merchantId, integrationId, 'USD', 1_000),
        ]);
        assert.deepEqual(outcomes(results), { ok: 1, refused: 1 }, `round ${round}`);
        assert.equal(await available(integrationId), 0);
      }
    });

    test('credits folded while payments, payouts and folds race: the balance never overdraws and nothing is lost or taken twice', async () => {
      const { integrationId } = await newIntegration(shop.s.app.deps, shop.merchantId);
      const deps = shop.s.app.deps;
      const payIn = async () => {
        const p = await createPaymentOk(shop.api, integrationId, { amount: 500, currency: 'USD' });
        assert.equal((await pay(shop.api, p.id, { method: 'card', cardNumber: '4444 4444 4444 4000' })).body.payment.state, 'paid');
      };
      const payOut = () => sandboxPayout(deps, shop.merchantId, integrationId, 'USD', 500);
      const racing = await Promise.allSettled([
        ...Array.from({ length: 20 }, payIn),
        ...Array.from({ length: 20 }, payOut),
        ...Array.from({ length: 5 }, () => foldLedger(deps)),
      ]);
      const raced = outcomes(racing.slice(20, 40));
      assert.deepEqual(outcomes(racing.slice(0, 20)), { ok: 20, refused: 0 });
      // What the race left is paid out now, one at a time: in all, exactly the twenty credits.
      let after = 0;
      while ((await Promise.allSettled([payOut()]))[0]!.status === 'fulfilled') after++;
      assert.equal(raced.ok + after, 20, `${raced.ok} during the race, ${after} after`);
      assert.equal(await available(integrationId), 0);
      await foldLedger(deps);
      assert.equal((await shop.s.store.db.selectFrom('ledger_account_deltas').select('account_id').execute()).length, 0, 'a fold leaves no credit behind');
      assert.equal((await verifyLedger(deps)).ok, true);
    });

    if (kind === 'postgres') {
      test('a payment does not wait while a fold or a debit holds its accounts locked', async () => {
        const { integrationId } = await funded(1_000);
        const p = await createPaymentOk(shop.api, integrationId, { amount: 700, currency: 'USD' });
        await shop.s.store.db.connection().execute(async (c) => {
          await sql`begin`.execute(c);
          // What a fold or a guarded debit does first: update the account's row and hold it to the commit.
          await sql`update ledger_accounts set balance_minor = balance_minor where integration_id = ${integrationId} and kind = 'available'`.execute(c);
          try {
            const paid = pay(shop.api, p.id, { method: 'card', cardNumber: '4444 4444 4444 4000' });
            const waited = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 3_000).unref());
            const first = await Promise.race([paid.then((r) => r.body.payment.state as string), waited]);
            assert.equal(first, 'paid', 'the payment waited for the lock on its account');
          } finally {
            await sql`rollback`.execute(c);
          }
        });
        assert.equal(await available(integrationId), 1_700);
      });
    }

    test(kind === 'sqlite' ? 'the fold job ends itself on SQLite, whose credits go straight to the totals' : 'the fold job folds and comes back', async () => {
      const foldJob = () => shop.s.store.db.selectFrom('jobs').select(['run_at']).where('id', '=', RECURRING_JOB_IDS.ledgerFold).executeTakeFirst();
      assert.ok(await foldJob(), 'migration 0018 schedules it');
      shop.s.clock.advance(LEDGER_FOLD_MS);
      await shop.s.app.worker.drain();
      const job = await foldJob();
      if (kind === 'sqlite') assert.equal(job, undefined);
      else assert.equal(Number(job?.run_at), shop.s.clock.now() + LEDGER_FOLD_MS, 'due again one period later');
    });
  });
}
