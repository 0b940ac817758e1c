import type { PaymentId } from '../../core/ids.js';
/**
 * The settlement delay: with one configured, a paid payment's money lands in pending and a `settle`
 * job moves it to available when the delay has passed. An escrow payment's money stays pending until
 * it is delivered (the release moves it), whatever the delay.
 */
import { feeSplit } from '../../core/fees.js';
import { hasLedgerTransaction, paymentForSettlement, receiptLandedIn } from '../../store/repos/ledger.js';
import type { ServiceDeps } from '../deps.js';
import { accountsOf, postMovement, transfer } from './ledger.js';

/**
 * Moves a paid payment's money from pending to available, once: not while it waits in escrow, not
 * after its release, not twice (the payment's row is locked while this decides).
 */
export async function settlePayment(deps: ServiceDeps, paymentId: PaymentId): Promise<boolean> {
  return deps.store.transaction(async (tx) => {
    const p = await paymentForSettlement(tx, deps.store.kind === 'postgres', paymentId);
    if (!p || p.state === 'awaiting_delivery') return false;
    if ((await receiptLandedIn(tx, paymentId)) !== 'pending') return false;
    if ((await hasLedgerTransaction(tx, 'settlement', paymentId)) || (await hasLedgerTransaction(tx, 'escrow_release', paymentId))) return false;
    const a = accountsOf(p.integrationId, p.mode, p.currency);
    const { netMinor } = feeSplit(p.amountMinor, p.feeMinor, p.feePaidBy);
    if (netMinor === 0) return false;
    await postMovement(tx, deps, { kind: 'settlement', refId: paymentId, integrationId: p.integrationId, mode: p.mode, currency: p.currency, postings: transfer(a.pending, a.available, netMinor) });
    return true;
  });
}
