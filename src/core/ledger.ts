import type { CustomerId, IntegrationId } from './ids.js';
/**
 * The ledger's vocabulary, pure: the kinds of account, their deterministic ids, and the rule every
 * transaction obeys (integer postings that sum to zero). The store and the migration share it.
 */
import { TollgateError } from './errors.js';

/**
 * available: the merchant's money to pay out or refund from; pending: received but not yet settled
 * (settlement delay, escrow); fees: what the gateway charged; in_transit: payouts on their way to the
 * bank; world: customers' payment methods and banks; wallet: a fictitious customer's balance.
 */
export const ACCOUNT_KINDS = ['available', 'pending', 'fees', 'in_transit', 'world', 'wallet'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export interface AccountKey {
  integrationId: IntegrationId;
  mode: 'test' | 'live';
  currency: string;
  kind: AccountKind;
  /** Only for a wallet. */
  customerId?: CustomerId;
}

export function accountId(k: AccountKey): string {
  return k.kind === 'wallet' ? `acc:${k.integrationId}:${k.mode}:${k.currency}:wallet:${k.customerId}` : `acc:${k.integrationId}:${k.mode}:${k.currency}:${k.kind}`;
}

/** Only the outside world may hold a negative balance: money leaves it when it enters ours. */
export function mayGoNegative(kind: AccountKind): boolean {
  return kind === 'world';
}

export const TRANSACTION_KINDS = [
  'payment',
  'escrow_hold',
  'escrow_release',
  'settlement',
  'refund',
  'refund_reversal',
  'payout',
  'payout_paid',
  'payout_failed',
  'disbursement',
  'direct_pay',
  'wallet_topup',
] as const;
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];

export interface Posting {
  account: AccountKey;
  amountMinor: number;
}

/** Postings merged per account (a statement may touch an account once) and sorted by account id, the order every transaction locks in. */
export function mergedPostings(postings: readonly Posting[]): { id: string; account: AccountKey; amountMinor: number }[] {
  if (postings.length < 2) throw new TollgateError('internal', 'a ledger transaction needs two postings or more');
  let sum = 0;
  const byId = new Map<string, { id: string; account: AccountKey; amountMinor: number }>();
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amountMinor)) throw new TollgateError('internal', `a posting of ${p.amountMinor} is not a whole number of minor units`);
    sum += p.amountMinor;
    const id = accountId(p.account);
    const seen = byId.get(id);
    if (seen) seen.amountMinor += p.amountMinor;
    else byId.set(id, { id, account: p.account, amountMinor: p.amountMinor });
  }
  if (sum !== 0) throw new TollgateError('internal', `a ledger transaction's postings sum to ${sum}, not zero`);
  return [...byId.values()].filter((p) => p.amountMinor !== 0).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
