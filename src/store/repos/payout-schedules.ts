import { type MerchantId, storedId } from '../../core/ids.js';
import type { Insertable } from 'kysely';
import type { Db } from '../schema.js';
import type { JobsTable } from '../tables/jobs.js';
import type { PayoutSchedulesTable } from '../tables/ledger.js';

export interface PayoutScheduleRow {
  merchantId: MerchantId;
  frequency: 'immediate' | 'daily';
  minimums: { currency: string; amountMinor: number }[];
  /** Still encrypted. */
  accountEncrypted: string;
  nextRunAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export async function upsertPayoutSchedule(db: Db, row: Insertable<PayoutSchedulesTable>): Promise<void> {
  await db
    .insertInto('payout_schedules')
    .values(row)
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ frequency: row.frequency, minimums: row.minimums, account: row.account, next_run_at: row.next_run_at ?? null, updated_at: row.updated_at }))
    .execute();
}

export async function deletePayoutSchedule(db: Db, merchantId: MerchantId): Promise<boolean> {
  const r = await db.deleteFrom('payout_schedules').where('merchant_id', '=', merchantId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function findPayoutSchedule(db: Db, merchantId: MerchantId): Promise<PayoutScheduleRow | undefined> {
  const r = await db.selectFrom('payout_schedules').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst();
  return r && toRow(r);
}

export async function listPayoutSchedules(db: Db): Promise<PayoutScheduleRow[]> {
  return (await db.selectFrom('payout_schedules').selectAll().orderBy('merchant_id').execute()).map(toRow);
}

/** A daily schedule moves on to its next run only from the run it was at: of two runners, one moves it. */
export async function advanceDailyRun(db: Db, merchantId: MerchantId, from: number, to: number): Promise<boolean> {
  const r = await db.updateTable('payout_schedules').set({ next_run_at: to }).where('merchant_id', '=', merchantId).where('next_run_at', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Inserts a job with a fixed id unless it exists: a recurring job of which there is only ever one. */
export async function ensureJob(db: Db, row: Insertable<JobsTable>): Promise<void> {
  await db.insertInto('jobs').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

function toRow(r: { merchant_id: string; frequency: 'immediate' | 'daily'; minimums: string; account: string; next_run_at: number | null; created_at: number; updated_at: number }): PayoutScheduleRow {
  return {
    merchantId: storedId('merchant', r.merchant_id),
    frequency: r.frequency,
    minimums: JSON.parse(r.minimums) as PayoutScheduleRow['minimums'],
    accountEncrypted: r.account,
    nextRunAt: r.next_run_at === null ? null : Number(r.next_run_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
