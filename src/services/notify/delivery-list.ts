import { TollgateError } from '../../core/errors.js';
import { findIntegration } from '../../store/repos/integrations.js';
import type { Delivery } from '../../store/repos/deliveries.js';
import { listDeliveriesOf } from '../../store/repos/feeds.js';
import type { ServiceDeps } from '../deps.js';
import { deliveryViews } from './deliveries.js';

/** An integration's notifications, newest first, each with its attempts and what `tollgate listen` did with it. */
export async function integrationDeliveries(
  deps: ServiceDeps,
  merchantId: string,
  integrationId: string,
  q: { limit: number; cursor?: string; status?: Delivery['status']; paymentId?: string },
) {
  if (!(await findIntegration(deps.store.db, merchantId, integrationId))) throw new TollgateError('not_found', `integration ${integrationId} not found`);
  const rows = await listDeliveriesOf(deps.store.db, merchantId, integrationId, { limit: q.limit + 1, beforeId: q.cursor, status: q.status, paymentId: q.paymentId });
  const page = rows.slice(0, q.limit);
  const views = await deliveryViews(deps, page);
  return {
    data: views.map(({ signing: _signing, ...d }) => d),
    nextCursor: rows.length > q.limit ? (page[page.length - 1] as { id: string }).id : null,
  };
}
