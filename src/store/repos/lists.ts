import { type IntegrationId, type MerchantId, type PaymentId, storedId } from '../../core/ids.js';
import type { PaymentState } from '../../core/payment-state.js';
import { type Keyset, keysetPage } from '../keyset.js';
import type { Db } from '../schema.js';
import type { DeliveriesTable } from '../tables/jobs.js';
import { type Delivery, toDelivery } from './deliveries.js';
import { type Payment, rowToPayment } from './payments.js';

/** The management API's lists with their filters, each read newest first by keyset (lib: keyset.ts). */

export interface PaymentFilter {
  integrationId?: IntegrationId | undefined;
  states?: readonly PaymentState[] | undefined;
  dialect?: string | undefined;
  method?: string | undefined;
  mode?: 'test' | 'live' | undefined;
  currency?: string | undefined;
  /** created_at bounds in epoch ms: from inclusive, to exclusive. */
  createdFrom?: number | undefined;
  createdTo?: number | undefined;
  reference?: string | undefined;
  amountMin?: number | undefined;
  amountMax?: number | undefined;
}

/** A merchant's payments matching every given filter; `limit` + 1 rows when more exist. */
export async function searchPayments(db: Db, merchantId: MerchantId, f: PaymentFilter, before: Keyset | undefined, limit: number): Promise<Payment[]> {
  let q = db.selectFrom('payments').selectAll().where('merchant_id', '=', merchantId);
  if (f.integrationId !== undefined) q = q.where('integration_id', '=', f.integrationId);
  if (f.states !== undefined && f.states.length > 0) q = q.where('state', 'in', [...f.states]);
  if (f.dialect !== undefined) q = q.where('dialect', '=', f.dialect);
  if (f.method !== undefined) q = q.where('method', '=', f.method);
  if (f.mode !== undefined) q = q.where('mode', '=', f.mode);
  if (f.currency !== undefined) q = q.where('currency', '=', f.currency);
  if (f.createdFrom !== undefined) q = q.where('created_at', '>=', f.createdFrom);
  if (f.createdTo !== undefined) q = q.where('created_at', '<', f.createdTo);
  if (f.reference !== undefined) q = q.where('reference', '=', f.reference);
  if (f.amountMin !== undefined) q = q.where('amount_minor', '>=', f.amountMin);
  if (f.amountMax !== undefined) q = q.where('amount_minor', '<=', f.amountMax);
  const rows = await keysetPage(q, 'created_at', 'id', before, limit).execute();
  return rows.map(rowToPayment);
}

export interface DeliveryFilter {
  integrationId?: IntegrationId | undefined;
  paymentId?: PaymentId | undefined;
  status?: DeliveriesTable['status'] | undefined;
  /** The endpoint's URL, exactly as the deliveries were sent to it. */
  url?: string | undefined;
}

export async function searchDeliveries(db: Db, merchantId: MerchantId, f: DeliveryFilter, before: Keyset | undefined, limit: number): Promise<Delivery[]> {
  let q = db.selectFrom('deliveries').selectAll().where('merchant_id', '=', merchantId);
  if (f.integrationId !== undefined) q = q.where('integration_id', '=', f.integrationId);
  if (f.paymentId !== undefined) q = q.where('payment_id', '=', f.paymentId);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.url !== undefined) q = q.where('url', '=', f.url);
  const rows = await keysetPage(q, 'created_at', 'id', before, limit).execute();
  return rows.map(toDelivery);
}

export interface IntegrationEvent {
  id: string;
  paymentId: PaymentId;
  version: number;
  from: string | null;
  to: string;
  reason: string | null;
  at: number;
}

/** Every payment event of an integration, newest first. */
export async function integrationEvents(db: Db, merchantId: MerchantId, integrationId: IntegrationId, before: Keyset | undefined, limit: number): Promise<IntegrationEvent[]> {
  const q = db
    .selectFrom('payment_events as e')
    .innerJoin('payments as p', 'p.id', 'e.payment_id')
    .select(['e.id', 'e.payment_id', 'e.version', 'e.from_state', 'e.to_state', 'e.reason', 'e.created_at'])
    .where('p.merchant_id', '=', merchantId)
    .where('p.integration_id', '=', integrationId);
  const rows = await keysetPage(q, 'e.created_at', 'e.id', before, limit).execute();
  return rows.map((r) => ({ id: r.id, paymentId: storedId('payment', r.payment_id), version: Number(r.version), from: r.from_state, to: r.to_state, reason: r.reason, at: Number(r.created_at) }));
}

/** Endpoint health: per URL of an integration, deliveries by status and the last attempt's outcome. */
export async function endpointHealth(db: Db, merchantId: MerchantId, integrationId: IntegrationId): Promise<Array<{ url: string; status: string; n: number; lastAt: number | null }>> {
  const rows = await db
    .selectFrom('deliveries')
    .select((eb) => ['url', 'status', eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('last_at')])
    .where('merchant_id', '=', merchantId)
    .where('integration_id', '=', integrationId)
    .groupBy(['url', 'status'])
    .execute();
  return rows.map((r) => ({ url: r.url, status: r.status, n: Number(r.n), lastAt: r.last_at === null ? null : Number(r.last_at) }));
}
