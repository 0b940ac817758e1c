/**
 * A randomized run of the money (issue 18): payments by card and from fictitious customers' wallets,
 * refunds, escrow holds and releases, payouts by schedule and by hand, failed payouts, direct pays and
 * disbursements to customers, wallet reloads, settlement delays, a running worker beside drains at
 * random moments, and that worker stopped and replaced while jobs are due; interleaved in small
 * concurrent bursts. Then every balance equals the replay of its entries, every currency sums to zero,
 * no guarded balance is negative. The seed is printed on failure; TOLLGATE_TEST_SEED replays one.
 */
import { asId, type CustomerId, type IntegrationId, type PaymentId } from '../../src/core/ids.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TollgateError } from '../../src/core/errors.js';
import { integrationById } from '../../src/services/merchants/credentials.js';
import { runPayouts } from '../../src/services/money/payout-run.js';
import { setPayoutSchedule } from '../../src/services/money/payout-schedule.js';
import { markPayout } from '../../src/services/money/reports.js';
import { verifyLedger } from '../../src/services/money/verify.js';
import { createRefund } from '../../src/services/payments/refunds.js';
import { transitionPayment } from '../../src/services/payments/transition.js';
import { createDisbursement, creditAccount, submitDisbursement } from '../../src/services/payments/transfers.js';
import { createFictitiousCustomer, reloadFictitiousCustomer, sandboxPayout } from '../../src/services/sandbox/controls.js';
import { accountBalances } from '../../src/store/repos/ledger.js';
import { listPayouts } from '../../src/store/repos/payouts.js';
import { testDatabases } from '../helpers/dbs.js';
import { advance, createPaymentOk, newIntegration, openShop, pay, type Shop } from '../payments/fixture.js';
import { mulberry32 } from '../../src/core/random.js';
import { createHttpSender } from '../../src/worker/http-sender.js';
import { createWorker, type Worker } from '../../src/worker/worker.js';
import pino from 'pino';

const OPERATIONS = 1_000;

/** Refusals the rules allow (no money, wrong state, a race lost); anything else fails the run. */
function expectedRefusal(err: unknown): void {
  if (err instanceof TollgateError && ['insufficient_funds', 'invalid_state', 'conflict', 'validation', 'not_found'].includes(err.code)) return;
  throw err;
}

for (const kind of testDatabases()) {
  describe(`randomized money on ${kind}`, () => {
    let shop: Shop;
    before(async () => {
      shop = await openShop(kind, { config: { settlementDelaySeconds: 60 }, enabledMethods: ['card', 'wallet'] });
    });
    after(async () => {
      await shop.s.stop();
    });

    test(`${OPERATIONS} random operations, then the ledger verifies`, async () => {
      const seed = Number(process.env.TOLLGATE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
      const rnd = mulberry32(seed);
      const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rnd() * xs.length)];
      const deps = shop.s.app.deps;
      const integrations = [shop.integrationId, (await newIntegration(deps, shop.merchantId, { enabledMethods: ['card', 'wallet'] })).integrationId];
      const aliases = ['r1@example.test', 'r2@example.test'];
      const customers: { integrationId: IntegrationId; customerId: CustomerId; alias: string }[] = [];
      for (const id of integrations) {
        for (const [i, alias] of aliases.entries()) customers.push({ integrationId: id, alias, customerId: (await createFictitiousCustomer(deps, shop.merchantId, id, { name: `R ${i}`, email: alias, phone: `+22170000001${i}`, balanceMinor: 20_000, currency: 'USD' })).id });
      }
      // A worker of its own runs beside the drains of `advance`; a restart replaces it while jobs are due.
      const http = createHttpSender({ allowPrivate: true });
      const newWorker = () => {
        const w = createWorker({ deps, http, log: pino({ level: 'silent' }), mailTransport: undefined, idleMs: 5 });
        w.start();
        return w;
      };
      let worker: Worker = newWorker();
      await setPayoutSchedule(deps, shop.merchantId, { frequency: 'immediate', minimums: [{ currency: 'USD', amountMinor: 5_000 }], account: { type: 'bank', bankName: 'B', accountName: 'R', accountNumber: '12345678' } });
      const payments: { id: PaymentId; integrationId: IntegrationId }[] = [];
      const counts: Record<string, number> = {};
      try {
        for (let done = 0; done < OPERATIONS; ) {
          // A burst of up to 6 operations at once: the races are part of the test.
          const burst = Math.min(OPERATIONS - done, 1 + Math.floor(rnd() * 6));
          const ops: Promise<unknown>[] = [];
          for (let k = 0; k < burst; k++) {
            const r = rnd();
            const integrationId = pick(integrations) as IntegrationId;
            const p = pick(payments);
            const amount = 100 + Math.floor(rnd() * 5_000);
            const c = pick(customers.filter((x) => x.integrationId === integrationId)) as (typeof customers)[number];
            const op =
              r < 0.25 ? 'payment' : r < 0.33 ? 'wallet_pay' : r < 0.45 ? 'refund' : r < 0.53 ? 'escrow' : r < 0.6 ? 'payout' : r < 0.66 ? 'direct_pay' : r < 0.71 ? 'disburse' : r < 0.74 ? 'reload' : r < 0.78 ? 'run' : r < 0.82 ? 'fail_payout' : r < 0.85 ? 'restart' : 'time';
            counts[op] = (counts[op] ?? 0) + 1;
            ops.push(
              (async () => {
                if (op === 'payment') {
                  const created = await createPaymentOk(shop.api, integrationId, { amount, currency: 'USD' });
                  const paid = await pay(shop.api, created.id, { method: 'card', cardNumber: '4444 4444 4444 4000' });
                  assert.equal(paid.status, 200, paid.text);
                  payments.push({ id: asId('payment', created.id), integrationId });
                } else if (op === 'wallet_pay') {
                  const created = await createPaymentOk(shop.api, integrationId, { amount, currency: 'USD' });
                  const paid = await pay(shop.api, created.id, { method: 'wallet', customerAlias: c.alias });
                  // A wallet that cannot pay (read before, or lost the race in the guarded debit) is refused.
                  if (paid.status === 200) payments.push({ id: asId('payment', created.id), integrationId });
                  else assert.ok(paid.status === 422 && paid.body.code === 'refused' && /insufficient balance/.test(paid.body.detail), paid.text);
                } else if (op === 'refund' && p) await createRefund(deps, shop.merchantId, p.id, { amountMinor: 1 + Math.floor(rnd() * 2_000) });
                else if (op === 'escrow' && p) await transitionPayment(deps, p.id, { to: rnd() < 0.5 ? 'awaiting_delivery' : 'delivered', reason: 'random' });
                else if (op === 'payout') await sandboxPayout(deps, shop.merchantId, integrationId, 'USD', amount);
                else if (op === 'direct_pay') await creditAccount(deps, (await integrationById(deps, integrationId))!, 'test', pick(aliases) as string, amount, 'USD');
                else if (op === 'disburse') {
                  const integration = (await integrationById(deps, integrationId))!;
                  const d = await createDisbursement(deps, integration, 'test', { accountAlias: rnd() < 0.8 ? c.alias : 'nobody@example.test', amountMinor: amount, currency: 'USD', withdrawMode: 'orange-money-senegal', callbackUrl: null, externalId: null });
                  await submitDisbursement(deps, integration, 'test', d.token, 'paydunya');
                } else if (op === 'reload') await reloadFictitiousCustomer(deps, shop.merchantId, integrationId, c.customerId, amount);
                else if (op === 'restart') {
                  // Jobs fall due, then the worker stops and a new one takes over what it left.
                  shop.s.clock.advance(Math.floor(rnd() * 40_000));
                  const old = worker;
                  worker = newWorker();
                  await old.stop();
                } else if (op === 'run') await runPayouts(deps);
                else if (op === 'fail_payout') {
                  const open = await listPayouts(deps.store.db, { status: 'in_transit' });
                  const victim = pick(open);
                  if (victim) await markPayout(deps, victim.id, 'failed');
                } else if (op === 'time') await advance(shop.s, Math.floor(rnd() * 40_000));
              })().catch(expectedRefusal),
            );
          }
          await Promise.all(ops);
          done += burst;
        }
        await worker.stop();
        await advance(shop.s, 120_000);
        const report = await verifyLedger(deps);
        assert.deepEqual({ mismatches: report.mismatches, unbalancedTransactions: report.unbalancedTransactions, unbalancedCurrencies: report.unbalancedCurrencies }, { mismatches: [], unbalancedTransactions: [], unbalancedCurrencies: [] });
        assert.ok(report.accountsChecked >= 8, `${report.accountsChecked} accounts checked`);
        for (const a of await accountBalances(deps.store.db)) if (a.kind !== 'world') assert.ok(a.balanceMinor >= 0, `${a.id} is ${a.balanceMinor}`);
        // Each payment is settled by at most one payout that has not failed.
        const settled = await deps.store.db.selectFrom('payout_payments').select('payment_id').where('released', '=', 0).execute();
        assert.equal(new Set(settled.map((r) => r.payment_id)).size, settled.length);
        assert.ok((counts.payment ?? 0) > 100 && (counts.restart ?? 0) > 10, JSON.stringify(counts));
        // Wallets moved both ways: paid from and paid into.
        const walletKinds = await deps.store.db.selectFrom('ledger_transactions').select('kind').distinct().where('kind', 'in', ['payment', 'disbursement', 'direct_pay', 'wallet_topup']).execute();
        assert.equal(walletKinds.length, 4);
        const fromWallets = await deps.store.db.selectFrom('ledger_postings').select('transaction_id').where('account_id', 'like', '%:wallet:%').where('amount_minor', '<', 0).limit(1).execute();
        assert.equal(fromWallets.length, 1, 'some payment was paid from a wallet');
      } catch (err) {
        await worker.stop();
        (err as Error).message = `seed ${seed} (TOLLGATE_TEST_SEED=${seed} replays it): ${(err as Error).message}`;
        throw err;
      } finally {
        await http.close();
      }
    });
  });
}
