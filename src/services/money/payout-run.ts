/**
 * The payout run (`tollgate payouts run`, once a day): every available balance is paid out whole. Each
 * payout is one transaction (its record and its money moved to in transit), so a run killed midway
 * leaves each balance paid out or not, and a second run (or a second worker) finds only what is still
 * available: nothing is paid twice. Test payouts reach the fictitious bank at once; live ones wait
 * for the operator's export and mark.
 */
import { TollgateError } from '../../core/errors.js';
import type { Currency } from '../../core/money.js';
import { positiveAvailable } from '../../store/repos/ledger.js';
import { listPayouts, setPayoutStatus } from '../../store/repos/payouts.js';
import type { ServiceDeps } from '../deps.js';
import { finishPayout, startPayout } from './payouts.js';

/** Below this, a balance waits for the next run (minor units). */
export const MINIMUM_PAYOUT_MINOR = 100;

export async function runPayouts(deps: ServiceDeps): Promise<{ started: number; skipped: number }> {
  let started = 0;
  let skipped = 0;
  for (const b of await positiveAvailable(deps.store.db)) {
    if (b.balanceMinor < MINIMUM_PAYOUT_MINOR) {
      skipped++;
      continue;
    }
    try {
      await deps.store.transaction(async (tx) => {
        const id = await startPayout(tx, deps, { integrationId: b.integrationId, merchantId: b.merchantId, mode: b.mode, currency: b.currency as Currency, amountMinor: b.balanceMinor, refusal: 'the balance changed during the run' });
        if (b.mode === 'test') await finishPayout(tx, deps, { id, integrationId: b.integrationId, mode: b.mode, currency: b.currency, amountMinor: b.balanceMinor }, 'paid');
      });
      started++;
    } catch (err) {
      // Spent meanwhile (a refund, another run): the next run takes what is left.
      if (!(err instanceof TollgateError && err.code === 'insufficient_funds')) throw err;
      skipped++;
    }
  }
  return { started, skipped };
}

/**
 * The live payouts waiting for the bank, as the file the operator hands over: one CSV line per payout,
 * then a total per currency. Exported payouts are in transit; a second export does not list them again.
 */
export async function exportPayouts(deps: ServiceDeps): Promise<{ csv: string; count: number }> {
  const now = deps.clock.now();
  const lines = ['payout_id,merchant_id,integration_id,currency,amount_minor,created_at'];
  const totals = new Map<string, number>();
  let count = 0;
  for (const p of await listPayouts(deps.store.db, { status: 'pending', mode: 'live' })) {
    if (!(await deps.store.transaction((tx) => setPayoutStatus(tx, p.id, ['pending'], 'in_transit', now)))) continue;
    lines.push([p.id, p.merchantId, p.integrationId, p.currency, p.amountMinor, new Date(p.createdAt).toISOString()].join(','));
    totals.set(p.currency, (totals.get(p.currency) ?? 0) + p.amountMinor);
    count++;
  }
  for (const [currency, total] of [...totals].sort()) lines.push(`TOTAL,,,${currency},${total},`);
  return { csv: `${lines.join('\n')}\n`, count };
}
