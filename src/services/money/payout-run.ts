import type { MerchantId, PayoutId } from '../../core/ids.js';
/**
 * Payout runs. Each payout is one transaction (its record, its money moved to in transit, the payments
 * it settles, and in test mode the job that carries it on), so a run killed midway leaves each balance
 * paid out or not, and a second run (or a second worker) finds only what is still available: nothing
 * is paid twice. The recurring job (`runScheduledPayouts`) follows each merchant's schedule; the
 * operator's `payouts run` pays out every balance that reaches its minimum. Test payouts are simulated
 * end to end (pending → in transit → paid, or failed to an account ending in 0000); live ones wait
 * for the operator's export and mark.
 */
import { TollgateError } from '../../core/errors.js';
import type { Currency } from '../../core/money.js';
import { maskedDestination, testPayoutFails } from '../../core/payout-account.js';
import { positiveAvailable } from '../../store/repos/ledger.js';
import { advanceDailyRun, listPayoutSchedules } from '../../store/repos/payout-schedules.js';
import { findPayout, listPayouts, setPayoutStatus } from '../../store/repos/payouts.js';
import type { ServiceDeps } from '../deps.js';
import { scheduleJobs } from '../jobs.js';
import { minimumFor, nextDailyRun, type PayoutSchedule, scheduleView } from './payout-schedule.js';
import { finishPayout, startPayout } from './payouts.js';
import { csvLine } from '../../core/csv.js';

export { MINIMUM_PAYOUT_MINOR } from './payout-schedule.js';

/** How long a simulated test payout stays in transit before the fictitious bank answers. */
export const TEST_TRANSIT_MS = 30_000;

export interface RunResult {
  started: number;
  skipped: number;
}

type Balance = Awaited<ReturnType<typeof positiveAvailable>>[number];

/** One balance paid out whole, in one transaction; false when it was spent or paid out meanwhile. */
async function payOut(deps: ServiceDeps, b: Balance, schedule: PayoutSchedule | undefined): Promise<boolean> {
  try {
    await deps.store.transaction(async (tx) => {
      const now = deps.clock.now();
      const id = await startPayout(tx, deps, {
        integrationId: b.integrationId,
        merchantId: b.merchantId,
        mode: b.mode,
        currency: b.currency as Currency,
        amountMinor: b.balanceMinor,
        refusal: 'the balance changed during the run',
        destination: schedule ? maskedDestination(schedule.account) : null,
      });
      if (b.mode === 'test') {
        const outcome = testPayoutFails(schedule?.account ?? null) ? 'failed' : 'paid';
        await scheduleJobs(tx, deps.ids, [{ kind: 'payout_step', payload: { payoutId: id, to: 'in_transit', outcome }, runAt: now, integrationId: b.integrationId }], now);
      }
    });
    return true;
  } catch (err) {
    // Spent meanwhile (a refund, another run): the next run takes what is left.
    if (err instanceof TollgateError && (err.code === 'insufficient_funds' || err.code === 'conflict')) return false;
    throw err;
  }
}

async function payBalances(deps: ServiceDeps, schedules: Map<MerchantId, PayoutSchedule>, onlyScheduled: boolean): Promise<RunResult> {
  const r: RunResult = { started: 0, skipped: 0 };
  for (const b of await positiveAvailable(deps.store.db)) {
    const s = schedules.get(b.merchantId);
    if (onlyScheduled && !s) continue;
    if (b.balanceMinor >= minimumFor(s, b.currency) && (await payOut(deps, b, s))) r.started++;
    else r.skipped++;
  }
  return r;
}

async function schedulesByMerchant(deps: ServiceDeps): Promise<{ all: Map<MerchantId, PayoutSchedule>; due: Map<MerchantId, PayoutSchedule> }> {
  const now = deps.clock.now();
  const all = new Map<MerchantId, PayoutSchedule>();
  const due = new Map<MerchantId, PayoutSchedule>();
  for (const row of await listPayoutSchedules(deps.store.db)) {
    const s = scheduleView(deps, row);
    all.set(row.merchantId, s);
    if (s.frequency === 'immediate' || (s.nextRunAt !== null && s.nextRunAt <= now)) due.set(row.merchantId, s);
  }
  return { all, due };
}

/** The operator's run (`tollgate payouts run`): every available balance at or above its minimum. */
export async function runPayouts(deps: ServiceDeps): Promise<RunResult> {
  return payBalances(deps, (await schedulesByMerchant(deps)).all, false);
}

/**
 * What the recurring job does: pays out the balances of merchants paid immediately, and of those paid
 * daily whose day has come; then moves each daily schedule on to its next day. A run killed before
 * that pays only what is still available when it runs again.
 */
export async function runScheduledPayouts(deps: ServiceDeps): Promise<RunResult> {
  const { due } = await schedulesByMerchant(deps);
  if (due.size === 0) return { started: 0, skipped: 0 };
  const r = await payBalances(deps, due, true);
  const now = deps.clock.now();
  for (const [merchantId, s] of due) if (s.nextRunAt !== null) await deps.store.transaction((tx) => advanceDailyRun(tx, merchantId, s.nextRunAt as number, nextDailyRun(now)));
  return r;
}

/**
 * One step of a simulated test payout: pending → in transit (and the bank's answer scheduled), then
 * paid or failed. A step that no longer applies (the operator marked it, a second worker) does nothing.
 */
export async function advanceTestPayout(deps: ServiceDeps, payoutId: PayoutId, to: 'in_transit' | 'paid' | 'failed', outcome: 'paid' | 'failed'): Promise<void> {
  const payout = await findPayout(deps.store.db, payoutId);
  if (payout?.mode !== 'test') return;
  await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    if (to !== 'in_transit') {
      await finishPayout(tx, deps, payout, to);
      return;
    }
    if (!(await setPayoutStatus(tx, payoutId, ['pending'], 'in_transit', now))) return;
    await scheduleJobs(tx, deps.ids, [{ kind: 'payout_step', payload: { payoutId, to: outcome, outcome }, runAt: now + TEST_TRANSIT_MS, integrationId: payout.integrationId }], now);
  });
}

/**
 * The live payouts waiting for the bank, as the file the operator hands over: one CSV line per payout,
 * then a total per currency. Exported payouts are in transit; a second export does not list them again.
 */
export async function exportPayouts(deps: ServiceDeps): Promise<{ csv: string; count: number }> {
  const now = deps.clock.now();
  const lines = [csvLine(['payout_id', 'merchant_id', 'integration_id', 'account_type', 'bank_or_provider', 'account_name', 'account_number', 'swift', 'currency', 'amount_minor', 'created_at'])];
  const totals = new Map<string, number>();
  const { all } = await schedulesByMerchant(deps);
  let count = 0;
  for (const p of await listPayouts(deps.store.db, { status: 'pending', mode: 'live' })) {
    if (!(await deps.store.transaction((tx) => setPayoutStatus(tx, p.id, ['pending'], 'in_transit', now)))) continue;
    // The account as it is now: the bank needs the whole number, which the payout keeps only masked.
    const a = all.get(p.merchantId)?.account;
    const to = !a ? ['', '', '', '', ''] : a.type === 'bank' ? ['bank', a.bankName, a.accountName, a.accountNumber, a.swift ?? ''] : ['mobile_money', a.provider, a.accountName, a.phone, ''];
    lines.push(csvLine([p.id, p.merchantId, p.integrationId, ...to, p.currency, p.amountMinor, new Date(p.createdAt).toISOString()]));
    totals.set(p.currency, (totals.get(p.currency) ?? 0) + p.amountMinor);
    count++;
  }
  for (const [currency, total] of [...totals].sort()) lines.push(csvLine(['TOTAL', '', '', '', '', '', '', '', currency, total, '']));
  return { csv: lines.join(''), count };
}
