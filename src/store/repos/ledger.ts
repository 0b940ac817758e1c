import { type CustomerId, type IntegrationId, type MerchantId, type PaymentId, storedId } from '../../core/ids.js';
import { CompiledQuery, PostgresAdapter, sql } from 'kysely';
import type { AccountKey, AccountKind } from '../../core/ledger.js';
import { mayGoNegative } from '../../core/ledger.js';
import { UNREAD_MARK } from '../database.js';
import { insertRows, recordsetInsert } from '../insert.js';
import type { Db } from '../schema.js';
import type { LedgerAccountsTable, LedgerPostingsTable, LedgerTransactionsTable } from '../tables/ledger.js';

/**
 * An account's balance: its running total plus the credits not yet folded into it (0018). Credits are
 * never negative on a guarded account, so the total alone never overstates what it holds.
 */
export function balanceOf(table: string) {
  return sql<number>`(${sql.ref(`${table}.balance_minor`)} + coalesce((select sum(d.amount_minor) from ledger_account_deltas d where d.account_id = ${sql.ref(`${table}.id`)}), 0))`;
}

/**
 * Folds the account's unfolded credits into its running total, its row locked first (the no-op UPDATE:
 * PostgreSQL's row lock, nothing on SQLite's one writer), so two folds of one account queue and each
 * credit is taken once. Then adds `extraMinor` when `guarded` allows: false when refused (or no such row).
 */
async function fold(db: Db, accountId: string, extraMinor: number, guarded: boolean): Promise<boolean> {
  const locked = await db.updateTable('ledger_accounts').set((eb) => ({ balance_minor: eb.ref('balance_minor') })).where('id', '=', accountId).executeTakeFirst();
  if (Number(locked.numUpdatedRows) !== 1) return false;
  const taken = await db.deleteFrom('ledger_account_deltas').where('account_id', '=', accountId).returning('amount_minor').execute();
  const delta = taken.reduce((sum, r) => sum + Number(r.amount_minor), 0) + extraMinor;
  if (delta === 0) return true;
  let q = db
    .updateTable('ledger_accounts')
    .set((eb) => ({ balance_minor: eb('balance_minor', '+', delta) }))
    .where('id', '=', accountId);
  if (guarded) q = q.where((eb) => eb(eb('balance_minor', '+', delta), '>=', 0));
  return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
}

/**
 * Takes `amountMinor` (negative) off a guarded account only if its balance covers it: the account's
 * row is locked and its pending credits folded in, then one guarded UPDATE. Concurrent debits queue on
 * the row, so exactly the affordable ones pass. False when refused (or no such account).
 */
export function debitGuarded(db: Db, accountId: string, amountMinor: number): Promise<boolean> {
  return fold(db, accountId, amountMinor, true);
}

/** Folds an account's pending credits into its running total (the `ledger_fold` job). */
export async function foldAccount(db: Db, accountId: string): Promise<void> {
  await fold(db, accountId, 0, false);
}

/** Accounts with credits not yet folded, in id order (the order every transaction locks in). */
export async function accountsWithDeltas(db: Db, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('ledger_account_deltas').select('account_id').distinct().orderBy('account_id').limit(limit).execute();
  return rows.map((r) => r.account_id);
}

const ACCOUNT_COLUMNS: readonly (keyof LedgerAccountsTable)[] = ['id', 'integration_id', 'mode', 'currency', 'kind', 'customer_id', 'balance_minor', 'may_go_negative', 'created_at'];
const TRANSACTION_COLUMNS: readonly (keyof LedgerTransactionsTable)[] = ['id', 'integration_id', 'mode', 'currency', 'kind', 'ref_id', 'created_at'];
const POSTING_COLUMNS: readonly (keyof LedgerPostingsTable)[] = ['transaction_id', 'seq', 'account_id', 'integration_id', 'amount_minor', 'created_at'];
/** SQLite's credit: the account's row is created with it, or the credit is added to its total. */
const ADD_TO_TOTAL = 'on conflict ("id") do update set "balance_minor" = "ledger_accounts"."balance_minor" + excluded."balance_minor"';
/** writeMovement on PostgreSQL: the rows of each table travel as one JSON parameter, so the text is fixed. */
const MOVEMENT_PG = [
  // A fold or a guarded debit may hold an existing account's row: a payment must not wait for it.
  `with a as (${recordsetInsert('ledger_accounts', ACCOUNT_COLUMNS, '$1', { skipCommittedBy: 'id' })} on conflict ("id") do nothing),`,
  `d as (${recordsetInsert('ledger_account_deltas', ['account_id', 'amount_minor'], '$2')}),`,
  `t as (${recordsetInsert('ledger_transactions', TRANSACTION_COLUMNS, '$3')})`,
  `${recordsetInsert('ledger_postings', POSTING_COLUMNS, '$4')} ${UNREAD_MARK}`,
].join(' ');

/**
 * Writes a movement: credits its accounts (and the world's side), creating those not yet there, and
 * inserts its transaction and postings. Nobody waits for the answer.
 *
 * On PostgreSQL each credit is a delta row and an account row is only inserted, never updated, so
 * nothing is locked and no other transaction waits; and the four inserts are one statement, each
 * part one JSON parameter, as a payment's ledger would otherwise be a third of its statements. SQLite
 * has one writer, so nothing could wait: the totals are added to at once, which writes fewer pages
 * than delta rows would.
 */
export async function writeMovement(
  db: Db,
  credits: readonly { id: string; key: AccountKey; amountMinor: number }[],
  transaction: LedgerTransactionsTable,
  postings: LedgerPostingsTable[],
  now: number,
): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const accounts = credits.map(({ id, key, amountMinor }) => ({
    id,
    integration_id: key.integrationId,
    mode: key.mode,
    currency: key.currency,
    kind: key.kind,
    customer_id: key.customerId ?? null,
    balance_minor: postgres ? 0 : amountMinor,
    may_go_negative: mayGoNegative(key.kind) ? 1 : 0,
    created_at: now,
  }));
  if (postgres) {
    const deltas = credits.map((c) => ({ account_id: c.id, amount_minor: c.amountMinor }));
    await db.executeQuery(CompiledQuery.raw(MOVEMENT_PG, [accounts, deltas, [transaction], postings].map((rows) => JSON.stringify(rows))));
    return;
  }
  await insertRows(db, 'ledger_accounts', accounts, ADD_TO_TOTAL);
  await insertRows(db, 'ledger_transactions', [transaction]);
  await insertRows(db, 'ledger_postings', postings);
}

export async function hasLedgerTransaction(db: Db, kind: string, refId: string): Promise<boolean> {
  const r = await db.selectFrom('ledger_transactions').select('id').where('kind', '=', kind).where('ref_id', '=', refId).executeTakeFirst();
  return r !== undefined;
}

export interface AccountBalance {
  id: string;
  integrationId: IntegrationId;
  mode: 'test' | 'live';
  currency: string;
  kind: AccountKind;
  customerId: CustomerId | null;
  balanceMinor: number;
}

export async function accountBalances(db: Db, integrationId?: IntegrationId): Promise<AccountBalance[]> {
  let q = db.selectFrom('ledger_accounts').select(['id', 'integration_id', 'mode', 'currency', 'kind', 'customer_id', balanceOf('ledger_accounts').as('balance_minor')]);
  if (integrationId) q = q.where('integration_id', '=', integrationId);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, integrationId: storedId('integration', r.integration_id), mode: r.mode, currency: r.currency, kind: r.kind as AccountKind, customerId: r.customer_id === null ? null : storedId('customer', r.customer_id), balanceMinor: Number(r.balance_minor) }));
}

export async function accountBalance(db: Db, accountId: string): Promise<number> {
  const r = await db.selectFrom('ledger_accounts').select(balanceOf('ledger_accounts').as('balance_minor')).where('id', '=', accountId).executeTakeFirst();
  return r ? Number(r.balance_minor) : 0;
}

/** Every account's postings summed, by account id. */
export async function replayedBalances(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('ledger_postings').select((eb) => ['account_id', eb.fn.sum<number>('amount_minor').as('total')]).groupBy('account_id').execute();
  return new Map(rows.map((r) => [r.account_id, Number(r.total)]));
}

/** Transactions whose postings do not sum to zero, or that have fewer than two (none at all included). */
export async function unbalancedTransactions(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('ledger_transactions as t')
    .leftJoin('ledger_postings as p', 'p.transaction_id', 't.id')
    .select('t.id')
    .groupBy('t.id')
    .having((eb) => eb.or([eb(eb.fn.coalesce(eb.fn.sum('p.amount_minor'), sql.lit(0)), '!=', 0), eb(eb.fn.count('p.seq'), '<', 2)]))
    .execute();
  return rows.map((r) => r.id);
}

/** Per currency and mode, the sum over every posting: zero in a whole ledger. */
export async function currencyTotals(db: Db): Promise<{ currency: string; total: number }[]> {
  const rows = await db
    .selectFrom('ledger_postings')
    .innerJoin('ledger_accounts', 'ledger_accounts.id', 'ledger_postings.account_id')
    .select((eb) => ['ledger_accounts.currency', eb.fn.sum<number>('ledger_postings.amount_minor').as('total')])
    .groupBy('ledger_accounts.currency')
    .execute();
  return rows.map((r) => ({ currency: r.currency, total: Number(r.total) }));
}

export interface LedgerEntry {
  transactionId: string;
  seq: number;
  kind: string;
  refId: string;
  accountId: string;
  amountMinor: number;
  currency: string;
  mode: 'test' | 'live';
  createdAt: number;
}

/** Postings of one integration, newest first, after an opaque (created_at, transaction, seq) cursor. */
export async function listEntries(
  db: Db,
  integrationId: IntegrationId,
  filter: { mode?: 'test' | 'live'; currency?: string; kind?: string; accountKind?: string; refId?: string; before?: { at: number; tx: string; seq: number }; limit: number },
): Promise<LedgerEntry[]> {
  let q = db
    .selectFrom('ledger_postings as p')
    .innerJoin('ledger_transactions as t', 't.id', 'p.transaction_id')
    .select(['p.transaction_id', 'p.seq', 't.kind', 't.ref_id', 'p.account_id', 'p.amount_minor', 't.currency', 't.mode', 'p.created_at'])
    .where('p.integration_id', '=', integrationId);
  if (filter.mode) q = q.where('t.mode', '=', filter.mode);
  if (filter.currency) q = q.where('t.currency', '=', filter.currency);
  if (filter.kind) q = q.where('t.kind', '=', filter.kind);
  if (filter.refId) q = q.where('t.ref_id', '=', filter.refId);
  if (filter.accountKind) q = q.where('p.account_id', 'like', `%:${filter.accountKind}%`);
  const b = filter.before;
  if (b) {
    q = q.where((eb) =>
      eb.or([
        eb('p.created_at', '<', b.at),
        eb.and([eb('p.created_at', '=', b.at), eb('p.transaction_id', '<', b.tx)]),
        eb.and([eb('p.created_at', '=', b.at), eb('p.transaction_id', '=', b.tx), eb('p.seq', '<', b.seq)]),
      ]),
    );
  }
  const rows = await q.orderBy('p.created_at', 'desc').orderBy('p.transaction_id', 'desc').orderBy('p.seq', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({
    transactionId: r.transaction_id,
    seq: Number(r.seq),
    kind: r.kind,
    refId: r.ref_id,
    accountId: r.account_id,
    amountMinor: Number(r.amount_minor),
    currency: r.currency,
    mode: r.mode,
    createdAt: Number(r.created_at),
  }));
}

/** Merchants' available balances above zero, with the merchant that owns each: what a payout run pays out. */
export async function positiveAvailable(db: Db): Promise<{ integrationId: IntegrationId; merchantId: MerchantId; mode: 'test' | 'live'; currency: string; balanceMinor: number }[]> {
  const rows = await db
    .selectFrom('ledger_accounts')
    .innerJoin('integrations as i', 'i.id', 'ledger_accounts.integration_id')
    .select(['ledger_accounts.integration_id', 'i.merchant_id', 'ledger_accounts.mode', 'ledger_accounts.currency', balanceOf('ledger_accounts').as('balance_minor')])
    .where('ledger_accounts.kind', '=', 'available')
    .orderBy('ledger_accounts.id')
    .execute();
  return rows.filter((r) => Number(r.balance_minor) > 0).map((r) => ({ integrationId: storedId('integration', r.integration_id), merchantId: storedId('merchant', r.merchant_id), mode: r.mode, currency: r.currency, balanceMinor: Number(r.balance_minor) }));
}

/** Where a payment's receipt landed: its merchant's available or pending account; null before it is paid. */
export async function receiptLandedIn(db: Db, paymentId: PaymentId): Promise<'available' | 'pending' | null> {
  const r = await db
    .selectFrom('ledger_transactions as t')
    .innerJoin('ledger_postings as p', 'p.transaction_id', 't.id')
    .select('p.account_id')
    .where('t.kind', '=', 'payment')
    .where('t.ref_id', '=', paymentId)
    .where((eb) => eb.or([eb('p.account_id', 'like', '%:available'), eb('p.account_id', 'like', '%:pending')]))
    .executeTakeFirst();
  return r ? (r.account_id.endsWith(':pending') ? 'pending' : 'available') : null;
}

/**
 * What settling a payment needs of it, its row locked on PostgreSQL (SQLite has one writer): a
 * concurrent transition (escrow hold) waits for the settlement, or the settlement for it.
 */
export async function paymentForSettlement(
  db: Db,
  postgres: boolean,
  paymentId: PaymentId,
): Promise<{ state: string; integrationId: IntegrationId; mode: 'test' | 'live'; currency: string; amountMinor: number; feeMinor: number; feePaidBy: 'merchant' | 'customer' } | undefined> {
  const q = db.selectFrom('payments').select(['state', 'integration_id', 'mode', 'currency', 'amount_minor', 'fee_minor', 'fee_paid_by']).where('id', '=', paymentId);
  const r = await (postgres ? q.forUpdate() : q).executeTakeFirst();
  return r && { state: r.state, integrationId: storedId('integration', r.integration_id), mode: r.mode, currency: r.currency, amountMinor: Number(r.amount_minor), feeMinor: Number(r.fee_minor), feePaidBy: r.fee_paid_by };
}
