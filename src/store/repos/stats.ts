import type { IntegrationId, MerchantId } from '../../core/ids.js';
import { sql } from 'kysely';
import type { Db } from '../schema.js';

const DAY_MS = 86_400_000;

export interface DailyVolume {
  /** Days since the epoch (UTC). */
  day: number;
  mode: 'test' | 'live';
  currency: string;
  count: number;
  amount: number;
  paidCount: number;
  paidAmount: number;
}

/** A merchant's payments per UTC day, mode and currency since `from` (epoch ms), optionally of one integration. */
export async function dailyVolume(db: Db, merchantId: MerchantId, from: number, integrationId?: IntegrationId): Promise<DailyVolume[]> {
  const day = sql<number>`(created_at / ${sql.lit(DAY_MS)})`;
  let q = db
    .selectFrom('payments')
    .select((eb) => [
      day.as('day'),
      'mode',
      'currency',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>('amount_minor').as('amount'),
      eb.fn.sum<number>(eb.case().when('paid_at', 'is not', null).then(1).else(0).end()).as('paid_n'),
      eb.fn.sum<number>(eb.case().when('paid_at', 'is not', null).then(eb.ref('amount_minor')).else(0).end()).as('paid_amount'),
    ])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', from);
  if (integrationId !== undefined) q = q.where('integration_id', '=', integrationId);
  const rows = await q.groupBy([day, 'mode', 'currency']).orderBy(day).execute();
  return rows.map((r) => ({
    day: Number(r.day),
    mode: r.mode,
    currency: r.currency,
    count: Number(r.n),
    amount: Number(r.amount),
    paidCount: Number(r.paid_n),
    paidAmount: Number(r.paid_amount),
  }));
}

/** Payments created per dialect since `from`, for the operator's health page. */
export async function paymentsPerDialect(db: Db, from: number): Promise<Array<{ dialect: string; n: number }>> {
  const rows = await db.selectFrom('payments').select((eb) => ['dialect', eb.fn.countAll<number>().as('n')]).where('created_at', '>=', from).groupBy('dialect').execute();
  return rows.map((r) => ({ dialect: r.dialect, n: Number(r.n) }));
}

/** Deliveries by status, with those that failed since `from` counted apart. */
export async function deliveryCounts(db: Db, from: number): Promise<{ pendingRetrying: number; failedRecently: number }> {
  const r = await db
    .selectFrom('deliveries')
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'pending'), eb('attempts', '>', 0)])).then(1).else(0).end()).as('retrying'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('status', '=', 'failed'), eb('created_at', '>=', from)])).then(1).else(0).end()).as('failed'),
    ])
    .executeTakeFirstOrThrow();
  return { pendingRetrying: Number(r.retrying ?? 0), failedRecently: Number(r.failed ?? 0) };
}
