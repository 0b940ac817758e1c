import type { DeliveryId, MerchantId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { findMerchantDelivery } from '../../store/repos/deliveries.js';
import { insertForward, markDeliveredByForward } from '../../store/repos/feeds.js';
import type { ServiceDeps } from '../deps.js';
import type { DialectName } from './formatter.js';

export interface ForwardReport {
  /** The developer's local URL the listener POSTed to. */
  url: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseHead: string | null;
}

/**
 * What `tollgate listen` reports after forwarding a notification: kept beside the gateway's own
 * attempts. An answer the wire counts as delivered delivers a pending notification (its retries to
 * the gateway's own URL, which may be unreachable from here, stop); a failed one changes nothing else.
 */
export async function recordForward(deps: ServiceDeps, merchantId: MerchantId, deliveryId: DeliveryId, report: ForwardReport): Promise<{ id: string; delivered: boolean }> {
  const d = await findMerchantDelivery(deps.store.db, merchantId, deliveryId);
  if (!d) throw new TollgateError('not_found', `delivery ${deliveryId} not found`);
  const formatter = deps.formatters[d.dialect as DialectName];
  const delivered = report.statusCode !== null && formatter?.isDelivered(report.statusCode) === true;
  const id = deps.ids.next('forward');
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    await insertForward(tx, {
      id,
      delivery_id: d.id,
      integration_id: d.integrationId,
      merchant_id: merchantId,
      forwarded_at: now,
      url: report.url,
      status_code: report.statusCode,
      latency_ms: report.latencyMs,
      error: report.error,
      response_head: report.responseHead,
    });
    if (delivered) await markDeliveredByForward(tx, d.id, now);
  });
  return { id, delivered };
}
