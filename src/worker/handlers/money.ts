import { PAYOUT_TICK_MS } from '../../services/money/payout-schedule.js';
import { advanceTestPayout, runScheduledPayouts } from '../../services/money/payout-run.js';
import { foldLedger, LEDGER_FOLD_MS } from '../../services/money/ledger.js';
import { settlePayment } from '../../services/money/settlement.js';
import { DONE, type Handler } from './types.js';

/** The recurring payout job: pays what the schedules say is due, then comes back. */
export const payoutTick: Handler<'payout_tick'> = async (ctx) => {
  await runScheduledPayouts(ctx.deps);
  return { done: false, runAt: ctx.deps.clock.now() + PAYOUT_TICK_MS, error: null };
};

export const payoutStep: Handler<'payout_step'> = async (ctx, p) => {
  await advanceTestPayout(ctx.deps, p.payoutId, p.to, p.outcome);
  return DONE;
};

export const settle: Handler<'settle'> = async (ctx, p) => {
  await settlePayment(ctx.deps, p.paymentId);
  return DONE;
};

/**
 * Folds ledger credits into running totals, then comes back. SQLite credits the totals at once and has
 * nothing to fold: there the job ends, rather than costing a commit every LEDGER_FOLD_MS.
 */
export const ledgerFold: Handler<'ledger_fold'> = async (ctx) => {
  if (ctx.deps.store.kind === 'sqlite') return DONE;
  await foldLedger(ctx.deps);
  return { done: false, runAt: ctx.deps.clock.now() + LEDGER_FOLD_MS, error: null };
};
