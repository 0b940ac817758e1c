import { type DeliveryId, type IntegrationId, storedId } from '../../core/ids.js';
import { unreadCount } from '../database.js';
import type { Db } from '../schema.js';
import type { DeliveryForwardsTable } from '../tables/jobs.js';
import type { StoredRequestLogEntry } from '../tables/sandbox.js';
import { type Delivery, toDelivery } from './deliveries.js';

/** A delivery with the payment state its event announced (null for an event that is not a payment's change). */
export interface FeedDelivery extends Delivery {
  state: string | null;
}

function deliveriesWithState(db: Db) {
  return db
    .selectFrom('deliveries as d')
    .leftJoin('payment_events as e', (j) => j.onRef('e.payment_id', '=', 'd.payment_id').onRef('e.version', '=', 'd.event_version'))
    .selectAll('d')
    .select('e.to_state');
}

/** An integration's deliveries with an id above `afterId`, oldest first (ids are time-ordered); `next` continues, null at the end. */
export async function deliveriesAfter(db: Db, integrationId: IntegrationId, afterId: string, limit: number): Promise<{ items: FeedDelivery[]; next: string | null }> {
  const rows = await deliveriesWithState(db).where('d.integration_id', '=', integrationId).where('d.id', '>', afterId).orderBy('d.id').limit(limit).execute();
  const items = rows.map((r) => ({ ...toDelivery(r), state: r.to_state ?? null }));
  return { items, next: rows.length < limit ? null : (items[items.length - 1] as FeedDelivery).id };
}

/**
 * The request log's entries in the batches of an integration whose id is above `afterId` (a batch's id
 * is its first entry's), `limit` batches at most; `next` continues after the last batch read, null at the end.
 */
export async function requestLogBatchesAfter(db: Db, integrationId: IntegrationId, afterId: string, limit: number): Promise<{ items: StoredRequestLogEntry[]; next: string | null }> {
  const rows = await db.selectFrom('request_log_batches').select(['id', 'entries']).where('integration_id', '=', integrationId).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return { items: rows.flatMap((r) => JSON.parse(r.entries) as StoredRequestLogEntry[]), next: rows.length < limit ? null : (rows[rows.length - 1] as { id: string }).id };
}

export async function insertForward(db: Db, row: DeliveryForwardsTable): Promise<void> {
  await db.insertInto('delivery_forwards').values(row).execute();
}

/** A pending delivery that a listener delivered: the gateway's retries to its own URL stop. */
export async function markDeliveredByForward(db: Db, deliveryId: DeliveryId, at: number): Promise<void> {
  await db.updateTable('deliveries').set({ status: 'delivered', delivered_at: at, next_attempt_at: null }).where('id', '=', deliveryId).where('status', '=', 'pending').modifyEnd(unreadCount).execute();
}

export interface DeliveryForward {
  id: string;
  deliveryId: DeliveryId;
  forwardedAt: number;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseHead: string | null;
}

export async function listForwards(db: Db, deliveryIds: readonly string[]): Promise<Map<string, DeliveryForward[]>> {
  const map = new Map<string, DeliveryForward[]>();
  if (deliveryIds.length === 0) return map;
  const rows = await db.selectFrom('delivery_forwards').selectAll().where('delivery_id', 'in', [...deliveryIds]).orderBy('forwarded_at').orderBy('id').execute();
  for (const r of rows) {
    const list = map.get(r.delivery_id) ?? [];
    list.push({
      id: r.id,
      deliveryId: storedId('delivery', r.delivery_id),
      forwardedAt: Number(r.forwarded_at),
      url: r.url,
      statusCode: r.status_code === null ? null : Number(r.status_code),
      latencyMs: Number(r.latency_ms),
      error: r.error,
      responseHead: r.response_head,
    });
    map.set(r.delivery_id, list);
  }
  return map;
}
