/**
 * The one function through which money moves: a ledger transaction of postings that sum to zero,
 * written in the caller's database transaction (with the state change that causes it). Accounts
 * that must not go negative are debited by a guarded UPDATE, so the database refuses an overdraft
 * whatever the concurrency; the refusal is TollgateError('insufficient_funds') and undoes the caller's
 * whole transaction.
 *
 * On PostgreSQL only guarded debits touch an account's row; every other posting (credits, which cannot
 * overdraw, and the outside world's side) is a delta row beside it that nobody waits on, folded into the
 * running total by the next guarded debit of that account or by the recurring `ledger_fold` job. A
 * payment thus locks no account row, and concurrent payments of one integration do not queue on its
 * accounts. SQLite's one writer queues nothing, so there credits add to the totals at once.
 *
 * Zero postings are dropped (a payment whose fee is its whole amount credits the merchant nothing), and
 * a movement left with none moves no money and writes nothing: no ledger transaction is ever empty.
 */
import type { CustomerId, IntegrationId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { type AccountKey, mayGoNegative, mergedPostings, type Posting, type TransactionKind } from '../../core/ledger.js';
import { accountsWithDeltas, debitGuarded, foldAccount, writeMovement } from '../../store/repos/ledger.js';
import type { Tx } from '../../store/schema.js';
import type { ServiceDeps } from '../deps.js';

export type { AccountKey, Posting, TransactionKind };

/** How often the `ledger_fold` job folds credits into running totals, and how many accounts one pass takes. */
export const LEDGER_FOLD_MS = 10_000;
const FOLD_BATCH = 500;

/**
 * Folds pending credits into their accounts' running totals, one account per transaction (a short row
 * lock each, in id order), so that reading a balance sums few delta rows. Returns how many it folded.
 */
export async function foldLedger(deps: Pick<ServiceDeps, 'store'>): Promise<number> {
  const ids = await accountsWithDeltas(deps.store.db, FOLD_BATCH);
  for (const id of ids) await deps.store.transaction((tx) => foldAccount(tx, id));
  return ids.length;
}

export interface Movement {
  kind: TransactionKind;
  /** What caused it; a (kind, ref) pair posts once. */
  refId: string;
  integrationId: IntegrationId;
  mode: 'test' | 'live';
  currency: string;
  postings: Posting[];
  /** The refusal when a guarded account cannot cover its debit (else insufficient_funds). */
  refuse?: () => Error;
}

/** A debit of an account that must not go negative: checked against its balance. */
function isGuarded(l: { account: AccountKey; amountMinor: number }): boolean {
  return l.amountMinor < 0 && !mayGoNegative(l.account.kind);
}

/** The ledger transaction's id, or null when the movement moved nothing (every posting zero). */
export async function postMovement(tx: Tx, deps: Pick<ServiceDeps, 'clock' | 'ids'>, m: Movement): Promise<string | null> {
  const lines = mergedPostings(m.postings);
  if (lines.length === 0) return null;
  for (const l of lines) {
    if (l.account.currency !== m.currency || l.account.mode !== m.mode) throw new TollgateError('internal', 'a ledger transaction moves one currency in one mode');
  }
  const now = deps.clock.now();
  // Credits, the transaction and its postings first, in one write: a new account's row is inserted
  // before any lock is taken, as every movement does, so two movements never wait on each other in a
  // cycle. A refused debit throws, which undoes the caller's transaction, these rows with it.
  const id = deps.ids.next('ledgerTx');
  await writeMovement(
    tx,
    lines.filter((l) => !isGuarded(l)).map((l) => ({ id: l.id, key: l.account, amountMinor: l.amountMinor })),
    { id, integration_id: m.integrationId, mode: m.mode, currency: m.currency, kind: m.kind, ref_id: m.refId, created_at: now },
    lines.map((l, seq) => ({ transaction_id: id, seq, account_id: l.id, integration_id: m.integrationId, amount_minor: l.amountMinor, created_at: now })),
    now,
  );
  // In account-id order, the order every transaction takes its row locks in: no deadlock between two movements.
  for (const l of lines) {
    if (isGuarded(l) && !(await debitGuarded(tx, l.id, l.amountMinor))) throw m.refuse ? m.refuse() : new TollgateError('insufficient_funds', 'the balance available cannot cover this amount');
  }
  return id;
}

/** The accounts of one integration, mode and currency, by kind. */
export function accountsOf(integrationId: IntegrationId, mode: 'test' | 'live', currency: string) {
  const key = (kind: Exclude<AccountKey['kind'], 'wallet'>): AccountKey => ({ integrationId, mode, currency, kind });
  return {
    available: key('available'),
    pending: key('pending'),
    fees: key('fees'),
    inTransit: key('in_transit'),
    world: key('world'),
    wallet: (customerId: CustomerId): AccountKey => ({ integrationId, mode, currency, kind: 'wallet', customerId }),
  };
}

/** A movement of `amount` from one account to another. */
export function transfer(from: AccountKey, to: AccountKey, amountMinor: number): Posting[] {
  return [
    { account: from, amountMinor: -amountMinor },
    { account: to, amountMinor },
  ];
}
