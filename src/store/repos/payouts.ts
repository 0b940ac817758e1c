import { type IntegrationId, type MerchantId, type PaymentId, type PayoutId, storedId } from '../../core/ids.js';
import type { Insertable, Selectable } from 'kysely';
import { accountId } from '../../core/ledger.js';
import { type Keyset, keysetPage } from '../keyset.js';
import type { Db } from '../schema.js';
import type { PayoutsTable } from '../tables/payments.js';

export type PayoutStatus = 'pending' | 'in_transit' | 'paid' | 'failed';

export interface Payout {
  id: PayoutId;
  integrationId: IntegrationId;
  merchantId: MerchantId;
  mode: 'test' | 'live';
  currency: string;
  amountMinor: number;
  status: PayoutStatus;
  createdAt: number;
  updatedAt: number | null;
  destination: string | null;
}

export async function insertPayout(db: Db, row: Insertable<PayoutsTable>): Promise<void> {
  await db.insertInto('payouts').values(row).execute();
}

/** Moves a payout on only from one of `from`: of two workers or operators, one wins. */
export async function setPayoutStatus(db: Db, id: PayoutId, from: PayoutStatus[], to: PayoutStatus, now: number): Promise<boolean> {
  const r = await db.updateTable('payouts').set({ status: to, updated_at: now }).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface PayoutFilter {
  merchantId?: MerchantId | undefined;
  integrationId?: IntegrationId | undefined;
  status?: PayoutStatus | undefined;
  mode?: 'test' | 'live' | undefined;
}

function filtered(db: Db, filter: PayoutFilter) {
  let q = db.selectFrom('payouts').selectAll();
  if (filter.merchantId) q = q.where('merchant_id', '=', filter.merchantId);
  if (filter.integrationId) q = q.where('integration_id', '=', filter.integrationId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.mode) q = q.where('mode', '=', filter.mode);
  return q;
}

/** Every payout matching the filter, oldest first (the payout run, the export, the CLI). */
export async function listPayouts(db: Db, filter: PayoutFilter): Promise<Payout[]> {
  const rows = await filtered(db, filter).orderBy('created_at').orderBy('id').execute();
  return rows.map(toPayout);
}

/** Newest first after `before`, at most `limit` + 1 (the extra one says a next page exists). */
export async function payoutPage(db: Db, filter: PayoutFilter, before: Keyset | undefined, limit: number): Promise<Payout[]> {
  const rows = await keysetPage(filtered(db, filter), 'created_at', 'id', before, limit).execute();
  return rows.map(toPayout);
}

export async function findPayout(db: Db, id: PayoutId): Promise<Payout | undefined> {
  const r = await db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toPayout(r);
}

function toPayout(r: Selectable<PayoutsTable>): Payout {
  return {
    id: storedId('payout', r.id),
    integrationId: storedId('integration', r.integration_id),
    merchantId: storedId('merchant', r.merchant_id),
    mode: r.mode,
    currency: r.currency,
    amountMinor: Number(r.amount_minor),
    status: r.status,
    createdAt: Number(r.created_at),
    updatedAt: r.updated_at === null ? null : Number(r.updated_at),
    destination: r.destination ?? null,
  };
}

/**
 * The payments whose money reached the available balance of (integration, mode, currency) and that no
 * payout settles yet: received straight into available, settled after the delay, or released from
 * escrow; not those held in escrow now.
 */
export async function unsettledPayments(db: Db, k: { integrationId: IntegrationId; mode: 'test' | 'live'; currency: string }): Promise<{ paymentId: PaymentId; amountMinor: number }[]> {
  const available = accountId({ ...k, kind: 'available' });
  const rows = await db
    .selectFrom('ledger_transactions as t')
    .innerJoin('ledger_postings as p', 'p.transaction_id', 't.id')
    .select((eb) => ['t.ref_id', eb.fn.max('p.amount_minor').as('amount')])
    .where('p.account_id', '=', available)
    .where('p.amount_minor', '>', 0)
    .where('t.kind', 'in', ['payment', 'settlement', 'escrow_release'])
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('payout_payments as pp').select('pp.payment_id').whereRef('pp.payment_id', '=', 't.ref_id').where('pp.released', '=', 0))))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('ledger_transactions as h')
            .select('h.id')
            .whereRef('h.ref_id', '=', 't.ref_id')
            .where('h.kind', '=', 'escrow_hold')
            .where(({ not: n, exists: e, selectFrom: sf }) => n(e(sf('ledger_transactions as r').select('r.id').whereRef('r.ref_id', '=', 't.ref_id').where('r.kind', '=', 'escrow_release')))),
        ),
      ),
    )
    .groupBy('t.ref_id')
    .orderBy('t.ref_id')
    .execute();
  return rows.map((r) => ({ paymentId: storedId('payment', r.ref_id), amountMinor: Number(r.amount) }));
}

/** The payments a payout settles; the partial unique index refuses a payment a live payout already settles. */
export async function attachPayoutPayments(db: Db, payoutId: PayoutId, payments: { paymentId: PaymentId; amountMinor: number }[]): Promise<void> {
  if (payments.length === 0) return;
  await db
    .insertInto('payout_payments')
    .values(payments.map((p) => ({ payout_id: payoutId, payment_id: p.paymentId, amount_minor: p.amountMinor, released: 0 })))
    .execute();
}

/** A failed payout's payments wait for the next payout. */
export async function releasePayoutPayments(db: Db, payoutId: PayoutId): Promise<void> {
  await db.updateTable('payout_payments').set({ released: 1 }).where('payout_id', '=', payoutId).execute();
}

export async function payoutPayments(db: Db, payoutId: PayoutId): Promise<{ paymentId: PaymentId; amountMinor: number; released: boolean }[]> {
  const rows = await db.selectFrom('payout_payments').selectAll().where('payout_id', '=', payoutId).orderBy('payment_id').execute();
  return rows.map((r) => ({ paymentId: storedId('payment', r.payment_id), amountMinor: Number(r.amount_minor), released: r.released === 1 }));
}
