import type { IntegrationId, MerchantId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { findIntegration } from '../../store/repos/integrations.js';
import { listAttempts } from '../../store/repos/deliveries.js';
import { type DeliveryForward, listForwards } from '../../store/repos/feeds.js';
import { type DeliveryFilter, endpointHealth, type IntegrationEvent, integrationEvents, searchDeliveries } from '../../store/repos/lists.js';
import { findPayment } from '../../store/repos/payments.js';
import type { ServiceDeps } from '../deps.js';
import { decodeCursor, type Page, type PageRequest, pageOf } from '../paging.js';
import type { Delivery, DeliveryAttempt } from '../../store/repos/deliveries.js';

export type DeliveryWithAttempts = Delivery & { attemptLog: DeliveryAttempt[]; forwards: DeliveryForward[] };

async function requireIntegration(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId): Promise<void> {
  if (!(await findIntegration(deps.store.db, merchantId, integrationId))) throw new TollgateError('not_found', `integration ${integrationId} not found`);
}

/** A merchant's notifications, newest first, each with every attempt; the integration or payment named must be the merchant's. */
export async function searchMerchantDeliveries(deps: ServiceDeps, merchantId: MerchantId, filter: DeliveryFilter, page: PageRequest): Promise<Page<DeliveryWithAttempts>> {
  if (filter.integrationId !== undefined) await requireIntegration(deps, merchantId, filter.integrationId);
  if (filter.paymentId !== undefined && !(await findPayment(deps.store.db, merchantId, filter.paymentId))) throw new TollgateError('not_found', `payment ${filter.paymentId} not found`);
  const rows = await searchDeliveries(deps.store.db, merchantId, filter, decodeCursor(page.cursor), page.limit);
  const kept = rows.slice(0, page.limit);
  const ids = kept.map((d) => d.id);
  const [attempts, forwards] = await Promise.all([listAttempts(deps.store.db, ids), listForwards(deps.store.db, ids)]);
  return pageOf(rows, page.limit, (d) => ({ at: d.createdAt, id: d.id }), (d) => ({ ...d, attemptLog: attempts.get(d.id) ?? [], forwards: forwards.get(d.id) ?? [] }));
}

/** Every payment event of an integration, newest first. */
export async function integrationEventPage(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, page: PageRequest): Promise<Page<IntegrationEvent>> {
  await requireIntegration(deps, merchantId, integrationId);
  const rows = await integrationEvents(deps.store.db, merchantId, integrationId, decodeCursor(page.cursor), page.limit);
  return pageOf(rows, page.limit, (e) => ({ at: e.at, id: e.id }), (e) => e);
}

export interface EndpointHealth {
  url: string;
  delivered: number;
  pending: number;
  failed: number;
  lastAt: number | null;
  /** Failing: some deliveries gave up and none got through since (the dashboard's alert). */
  failing: boolean;
}

/** Each endpoint an integration's notifications went to, with how its deliveries fared. */
export async function integrationEndpoints(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId): Promise<EndpointHealth[]> {
  await requireIntegration(deps, merchantId, integrationId);
  const byUrl = new Map<string, EndpointHealth>();
  const lastOk = new Map<string, number>();
  const lastFailed = new Map<string, number>();
  for (const r of await endpointHealth(deps.store.db, merchantId, integrationId)) {
    const e = byUrl.get(r.url) ?? { url: r.url, delivered: 0, pending: 0, failed: 0, lastAt: null, failing: false };
    if (r.status === 'delivered' || r.status === 'pending' || r.status === 'failed') e[r.status] += r.n;
    if (r.lastAt !== null) {
      e.lastAt = Math.max(e.lastAt ?? 0, r.lastAt);
      if (r.status === 'delivered') lastOk.set(r.url, r.lastAt);
      if (r.status === 'failed') lastFailed.set(r.url, r.lastAt);
    }
    byUrl.set(r.url, e);
  }
  for (const e of byUrl.values()) e.failing = (lastFailed.get(e.url) ?? -1) > (lastOk.get(e.url) ?? -1);
  return [...byUrl.values()].sort((a, b) => (b.lastAt ?? 0) - (a.lastAt ?? 0));
}
