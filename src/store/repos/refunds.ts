import { type IntegrationId, type MerchantId, type PaymentId, type RefundId, storedId } from '../../core/ids.js';
import { unreadCount } from '../database.js';
import type { Db } from '../schema.js';
import type { RefundsTable } from '../tables/payments.js';

export interface Refund {
  id: RefundId;
  paymentId: PaymentId;
  integrationId: IntegrationId;
  merchantId: MerchantId;
  publicId: string | null;
  amountMinor: number;
  currency: string;
  status: RefundsTable['status'];
  reason: string | null;
  createdAt: number;
  updatedAt: number;
}

const toRefund = (r: RefundsTable): Refund => ({
  id: storedId('refund', r.id),
  paymentId: storedId('payment', r.payment_id),
  integrationId: storedId('integration', r.integration_id),
  merchantId: storedId('merchant', r.merchant_id),
  publicId: r.public_id,
  amountMinor: Number(r.amount_minor),
  currency: r.currency,
  status: r.status,
  reason: r.reason,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export async function insertRefund(db: Db, row: RefundsTable): Promise<void> {
  await db.insertInto('refunds').values(row).modifyEnd(unreadCount).execute();
}

export async function listRefunds(db: Db, paymentId: PaymentId): Promise<Refund[]> {
  const rows = await db.selectFrom('refunds').selectAll().where('payment_id', '=', paymentId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toRefund);
}

export async function findRefund(db: Db, merchantId: MerchantId, id: RefundId): Promise<Refund | undefined> {
  const r = await db.selectFrom('refunds').selectAll().where('id', '=', id).where('merchant_id', '=', merchantId).executeTakeFirst();
  return r && toRefund(r);
}

/** For the worker, which holds an id from a row it trusts. */
export async function findRefundById(db: Db, id: RefundId): Promise<Refund | undefined> {
  const r = await db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toRefund(r);
}

export async function findRefundByPublicId(db: Db, publicId: string): Promise<Refund | undefined> {
  const r = await db.selectFrom('refunds').selectAll().where('public_id', '=', publicId).executeTakeFirst();
  return r && toRefund(r);
}

/** Moves a refund only from one of the given states, in one statement (concurrent steps cannot cross). */
export async function setRefundStatus(db: Db, id: RefundId, from: RefundsTable['status'] | Array<RefundsTable['status']>, to: RefundsTable['status'], now: number): Promise<boolean> {
  const r = await db.updateTable('refunds').set({ status: to, updated_at: now }).where('id', '=', id).where('status', 'in', Array.isArray(from) ? from : [from]).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** What counts against the paid amount: every refund not failed or cancelled. */
export async function sumActiveRefunds(db: Db, paymentId: PaymentId): Promise<number> {
  const r = await db
    .selectFrom('refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_minor'), eb.lit(0)).as('total'))
    .where('payment_id', '=', paymentId)
    .where('status', 'not in', ['failed', 'cancelled'])
    .executeTakeFirstOrThrow();
  return Number(r.total);
}
