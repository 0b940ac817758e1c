/**
 * The money a payment's or refund's change moves, posted in the transaction of that change: a paid
 * payment's receipt (net of its fee), escrow held and released, a refund taken from the available
 * balance and given back when it is cancelled.
 */
import type { CustomerId, IntegrationId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { feeSplit } from '../../core/fees.js';
import type { PaymentState } from '../../core/payment-state.js';
import type { Payment } from '../../store/repos/payments.js';
import { hasLedgerTransaction, receiptLandedIn } from '../../store/repos/ledger.js';
import type { Tx } from '../../store/schema.js';
import type { ServiceDeps } from '../deps.js';
import { clockOwner, scheduleJobs } from '../jobs.js';
import { accountsOf, postMovement, transfer } from './ledger.js';

type Deps = Pick<ServiceDeps, 'clock' | 'ids'>;
type MoveDeps = Pick<ServiceDeps, 'clock' | 'ids' | 'settlementDelayMs'>;

/** What a payment's move to `after.state` posts, if anything. `payerWallet` is the fictitious customer who paid on site. */
export async function postPaymentMove(tx: Tx, deps: MoveDeps, from: PaymentState, after: Payment, payerWallet?: { customerId: CustomerId; refuse: () => Error }): Promise<void> {
  const a = accountsOf(after.integrationId, after.mode, after.currency);
  const base = { refId: after.id, integrationId: after.integrationId, mode: after.mode, currency: after.currency };
  const fee = after.feeMinor;
  const { netMinor: net, grossMinor: gross } = feeSplit(after.amountMinor, fee, after.feePaidBy);
  if (after.state === 'paid' && from !== 'paid') {
    const source = payerWallet ? a.wallet(payerWallet.customerId) : a.world;
    // With a settlement delay the money waits in pending; the settle job makes it available.
    const delay = deps.settlementDelayMs ?? 0;
    await postMovement(tx, deps, {
      ...base,
      kind: 'payment',
      postings: [
        { account: source, amountMinor: -gross },
        { account: delay > 0 ? a.pending : a.available, amountMinor: net },
        { account: a.fees, amountMinor: fee },
      ],
      ...(payerWallet && { refuse: payerWallet.refuse }),
    });
    if (delay > 0) {
      const now = deps.clock.now();
      await scheduleJobs(tx, deps.ids, [{ kind: 'settle', payload: { paymentId: after.id }, runAt: now + delay, integrationId: clockOwner(after) }], now);
    }
  } else if (after.state === 'awaiting_delivery') {
    // Escrow: what the payment brought waits in pending until the goods are delivered; money not yet
    // settled is there already (the settle job leaves an escrow payment alone).
    if ((await receiptLandedIn(tx, after.id)) === 'pending' && !(await hasLedgerTransaction(tx, 'settlement', after.id))) return;
    await postMovement(tx, deps, { ...base, kind: 'escrow_hold', postings: transfer(a.available, a.pending, net), refuse: () => new TollgateError('insufficient_funds', 'the balance available no longer holds this payment: it cannot go into escrow') });
  } else if (after.state === 'delivered' && from === 'awaiting_delivery') {
    await postMovement(tx, deps, { ...base, kind: 'escrow_release', postings: transfer(a.pending, a.available, net) });
  }
}

interface RefundMoney {
  id: string;
  integrationId: IntegrationId;
  mode: 'test' | 'live';
  currency: string;
  amountMinor: number;
}

/** A refund leaves the available balance when it is made; refused when the balance cannot cover it. */
export function postRefund(tx: Tx, deps: Deps, r: RefundMoney): Promise<string | null> {
  const a = accountsOf(r.integrationId, r.mode, r.currency);
  return postMovement(tx, deps, {
    kind: 'refund',
    refId: r.id,
    integrationId: r.integrationId,
    mode: r.mode,
    currency: r.currency,
    postings: transfer(a.available, a.world, r.amountMinor),
    refuse: () => new TollgateError('insufficient_funds', 'the balance available cannot cover this refund'),
  });
}

/** A cancelled refund's money comes back: a reversing transaction, the refund's own never changes. */
export function postRefundReversal(tx: Tx, deps: Deps, r: RefundMoney): Promise<string | null> {
  const a = accountsOf(r.integrationId, r.mode, r.currency);
  return postMovement(tx, deps, { kind: 'refund_reversal', refId: r.id, integrationId: r.integrationId, mode: r.mode, currency: r.currency, postings: transfer(a.world, a.available, r.amountMinor) });
}
