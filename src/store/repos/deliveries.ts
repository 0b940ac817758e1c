import { type DeliveryId, type IntegrationId, type MerchantId, storedId } from '../../core/ids.js';
import { type Insertable, sql } from 'kysely';
import { batchedByKey } from '../batched-read.js';
import { unreadCount } from '../database.js';
import type { Db } from '../schema.js';
import type { DeliveriesTable, DeliveryAttemptsTable } from '../tables/jobs.js';
import { insertRows } from '../insert.js';

export interface Delivery {
  id: DeliveryId;
  /** The payment notified about, or a transfer (`po_…`) for a transfer's callback: no PaymentId. */
  paymentId: string;
  integrationId: IntegrationId;
  merchantId: MerchantId;
  dialect: string;
  eventVersion: number;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** What the wire's formatter needs to sign an attempt when it is sent; null: send as stored. */
  signing: Record<string, string> | null;
  status: DeliveriesTable['status'];
  attempts: number;
  maxAttempts: number;
  createdAt: number;
  deliveredAt: number | null;
  nextAttemptAt: number | null;
}

export interface DeliveryAttempt {
  attempt: number;
  attemptedAt: number;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseHead: string | null;
  /** Faults injected into this attempt (adversarial notifications), comma-separated; null for none. */
  fault: string | null;
}

export const toDelivery = (r: DeliveriesTable): Delivery => ({
  id: storedId('delivery', r.id),
  paymentId: r.payment_id,
  integrationId: storedId('integration', r.integration_id),
  merchantId: storedId('merchant', r.merchant_id),
  dialect: r.dialect,
  eventVersion: Number(r.event_version),
  url: r.url,
  headers: JSON.parse(r.headers) as Record<string, string>,
  body: r.body,
  signing: r.signing === null || r.signing === undefined ? null : (JSON.parse(r.signing) as Record<string, string>),
  status: r.status,
  attempts: Number(r.attempts),
  maxAttempts: Number(r.max_attempts),
  createdAt: Number(r.created_at),
  deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  nextAttemptAt: r.next_attempt_at === null ? null : Number(r.next_attempt_at),
});

export async function insertDeliveries(db: Db, rows: Insertable<DeliveriesTable>[]): Promise<void> {
  await insertRows(db, 'deliveries', rows);
}

// The worker loads the deliveries of the jobs it claimed together: one statement for the lot.
const byIdBatched = batchedByKey<DeliveriesTable>({
  one: (db, id) => db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst(),
  many: (db, ids) => db.selectFrom('deliveries').selectAll().where('id', '=', sql<string>`any(${ids})`).execute(),
  keyOf: (r) => r.id,
});

export async function findDelivery(db: Db, id: DeliveryId): Promise<Delivery | undefined> {
  const r = await byIdBatched(db, id);
  return r && toDelivery(r);
}

export async function findMerchantDelivery(db: Db, merchantId: MerchantId, id: DeliveryId): Promise<Delivery | undefined> {
  const r = await db.selectFrom('deliveries').selectAll().where('id', '=', id).where('merchant_id', '=', merchantId).executeTakeFirst();
  return r && toDelivery(r);
}

export async function listPaymentDeliveries(db: Db, merchantId: MerchantId, paymentId: string): Promise<Delivery[]> {
  const rows = await db
    .selectFrom('deliveries')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toDelivery);
}

/** `value` for a delivery still pending, else the column as it is (SET reads the row as it was). */
function whilePending<T>(value: T, column: 'status' | 'delivered_at' | 'next_attempt_at') {
  return sql<T>`case when status = 'pending' then ${value} else ${sql.ref(column)} end`;
}

export async function recordAttempt(
  db: Db,
  attempt: DeliveryAttemptsTable,
  outcome: { status: DeliveriesTable['status']; deliveredAt: number | null; nextAttemptAt: number | null },
): Promise<void> {
  await insertRows(db, 'delivery_attempts', [attempt]);
  // Only a delivery still pending takes the outcome: `listen` may have delivered it (a forward) while
  // this attempt was out, and a late failure must not undo that.
  await db
    .updateTable('deliveries')
    .set({
      attempts: attempt.attempt,
      status: whilePending(outcome.status, 'status'),
      delivered_at: whilePending(outcome.deliveredAt, 'delivered_at'),
      next_attempt_at: whilePending(outcome.nextAttemptAt, 'next_attempt_at'),
    })
    .where('id', '=', attempt.delivery_id)
    .modifyEnd(unreadCount)
    .execute();
}

/** Opens a delivery for `maxAttempts` in all (a manual redelivery adds one). */
export async function resetDelivery(db: Db, id: DeliveryId, now: number, maxAttempts: number): Promise<void> {
  await db.updateTable('deliveries').set({ status: 'pending', next_attempt_at: now, max_attempts: maxAttempts }).where('id', '=', id).execute();
}

export async function listAttempts(db: Db, deliveryIds: string[]): Promise<Map<string, DeliveryAttempt[]>> {
  const map = new Map<string, DeliveryAttempt[]>();
  if (deliveryIds.length === 0) return map;
  const rows = await db.selectFrom('delivery_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('attempted_at').orderBy('attempt').execute();
  for (const r of rows) {
    const list = map.get(r.delivery_id) ?? [];
    list.push({
      attempt: Number(r.attempt),
      attemptedAt: Number(r.attempted_at),
      url: r.url,
      statusCode: r.status_code === null ? null : Number(r.status_code),
      latencyMs: Number(r.latency_ms),
      error: r.error,
      responseHead: r.response_head,
      fault: r.fault ?? null,
    });
    map.set(r.delivery_id, list);
  }
  return map;
}

