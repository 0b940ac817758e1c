import type { CustomerId, IntegrationId, MerchantId, PayoutId } from '../../core/ids.js';
/**
 * Money leaving the merchant's available balance: payouts to their bank (a record with a status, the
 * money in transit until it is paid or fails), and transfers to a customer (PayDunya direct pay and
 * disbursements), which land in a fictitious customer's wallet or leave for the outside world.
 */
import { TollgateError } from '../../core/errors.js';
import type { Currency } from '../../core/money.js';
import { attachPayoutPayments, insertPayout, releasePayoutPayments, setPayoutStatus, unsettledPayments } from '../../store/repos/payouts.js';
import type { Tx } from '../../store/schema.js';
import type { ServiceDeps } from '../deps.js';
import { accountsOf, postMovement, transfer } from './ledger.js';

type Deps = Pick<ServiceDeps, 'clock' | 'ids'>;

export interface PayoutInput {
  integrationId: IntegrationId;
  merchantId: MerchantId;
  mode: 'test' | 'live';
  currency: Currency;
  amountMinor: number;
  refusal: string;
  /** The payout account, masked; null when the merchant has none (test payouts, the operator's run). */
  destination?: string | null;
}

/**
 * A payout: the record, its money moved from available to in transit, and the payments it settles
 * (those whose money reached available and that no other payout settles), in the caller's transaction.
 * The guarded debit comes before the payments are read, so a concurrent payout of the same balance has
 * committed (or been refused) by then and its payments are not taken twice.
 */
export async function startPayout(tx: Tx, deps: Deps, p: PayoutInput): Promise<PayoutId> {
  const id = deps.ids.next('payout');
  const now = deps.clock.now();
  await insertPayout(tx, { id, integration_id: p.integrationId, merchant_id: p.merchantId, mode: p.mode, currency: p.currency, amount_minor: p.amountMinor, created_at: now, status: 'pending', updated_at: now, destination: p.destination ?? null });
  const a = accountsOf(p.integrationId, p.mode, p.currency);
  await postMovement(tx, deps, { kind: 'payout', refId: id, integrationId: p.integrationId, mode: p.mode, currency: p.currency, postings: transfer(a.available, a.inTransit, p.amountMinor), refuse: () => new TollgateError('insufficient_funds', p.refusal) });
  await attachPayoutPayments(tx, id, await unsettledPayments(tx, { integrationId: p.integrationId, mode: p.mode, currency: p.currency }));
  return id;
}

/** A payout reaches its end once: paid (the money leaves for the bank) or failed (it returns to available, its payments wait for the next payout). */
export async function finishPayout(tx: Tx, deps: Deps, payout: { id: PayoutId; integrationId: IntegrationId; mode: 'test' | 'live'; currency: string; amountMinor: number }, to: 'paid' | 'failed'): Promise<boolean> {
  if (!(await setPayoutStatus(tx, payout.id, ['pending', 'in_transit'], to, deps.clock.now()))) return false;
  if (to === 'failed') await releasePayoutPayments(tx, payout.id);
  const a = accountsOf(payout.integrationId, payout.mode, payout.currency);
  await postMovement(tx, deps, {
    kind: to === 'paid' ? 'payout_paid' : 'payout_failed',
    refId: payout.id,
    integrationId: payout.integrationId,
    mode: payout.mode,
    currency: payout.currency,
    postings: transfer(a.inTransit, to === 'paid' ? a.world : a.available, payout.amountMinor),
  });
  return true;
}

/** Test money sent from the available balance to a customer's wallet (or out, when the alias names nobody we simulate). */
export function sendToCustomer(tx: Tx, deps: Deps, t: { kind: 'direct_pay' | 'disbursement'; refId: string; integrationId: IntegrationId; currency: string; amountMinor: number; customerId: CustomerId | undefined }): Promise<string | null> {
  const a = accountsOf(t.integrationId, 'test', t.currency);
  return postMovement(tx, deps, {
    kind: t.kind,
    refId: t.refId,
    integrationId: t.integrationId,
    mode: 'test',
    currency: t.currency,
    postings: transfer(a.available, t.customerId ? a.wallet(t.customerId) : a.world, t.amountMinor),
    refuse: () => new TollgateError('insufficient_funds', "You don't have enough funds. Consider crediting your account"),
  });
}

/** Money given to a fictitious customer from outside (their opening balance, a reload). */
export function topUpWallet(tx: Tx, deps: Deps, c: { refId: string; integrationId: IntegrationId; customerId: CustomerId; currency: string; amountMinor: number }): Promise<string | null> {
  const a = accountsOf(c.integrationId, 'test', c.currency);
  return postMovement(tx, deps, { kind: 'wallet_topup', refId: c.refId, integrationId: c.integrationId, mode: 'test', currency: c.currency, postings: transfer(a.world, a.wallet(c.customerId), c.amountMinor) });
}
