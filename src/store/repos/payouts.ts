import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../schema.js';
import type { PayoutsTable } from '../tables/payments.js';

export type PayoutStatus = 'pending' | 'in_transit' | 'paid' | 'failed';

export interface Payout {
  id: string;
  integrationId: string;
  merchantId: string;
  mode: 'test' | 'live';
  currency: string;
  amountMinor: number;
  status: PayoutStatus;
  createdAt: number;
  updatedAt: number | null;
}

export async function insertPayout(db: Db, row: Insertable<PayoutsTable>): Promise<void> {
  await db.insertInto('payouts').values(row).execute();
}

/** Moves a payout on only from one of `from`: of two workers or operators, one wins. */
export async function setPayoutStatus(db: Db, id: string, from: PayoutStatus[], to: PayoutStatus, now: number): Promise<boolean> {
  const r = await db.updateTable('payouts').set({ status: to, updated_at: now }).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function listPayouts(db: Db, filter: { merchantId?: string; integrationId?: string; status?: PayoutStatus; mode?: 'test' | 'live' }): Promise<Payout[]> {
  let q = db.selectFrom('payouts').selectAll();
  if (filter.merchantId) q = q.where('merchant_id', '=', filter.merchantId);
  if (filter.integrationId) q = q.where('integration_id', '=', filter.integrationId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.mode) q = q.where('mode', '=', filter.mode);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map(toPayout);
}

export async function findPayout(db: Db, id: string): Promise<Payout | undefined> {
  const r = await db.selectFrom('payouts').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toPayout(r);
}

function toPayout(r: Selectable<PayoutsTable>): Payout {
  return {
    id: r.id,
    integrationId: r.integration_id,
    merchantId: r.merchant_id,
    mode: r.mode,
    currency: r.currency,
    amountMinor: Number(r.amount_minor),
    status: r.status,
    createdAt: Number(r.created_at),
    updatedAt: r.updated_at === null ? null : Number(r.updated_at),
  };
}
