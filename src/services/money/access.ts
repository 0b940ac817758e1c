import type { IntegrationId, MerchantId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { findIntegration, type Integration } from '../../store/repos/integrations.js';
import type { ServiceDeps } from '../deps.js';

/** The merchant's own integration, or not found (another merchant's looks the same as none). */
export async function requireIntegration(deps: Pick<ServiceDeps, 'store'>, merchantId: MerchantId, integrationId: IntegrationId): Promise<Integration> {
  const integration = await findIntegration(deps.store.db, merchantId, integrationId);
  if (!integration) throw new TollgateError('not_found', `integration ${integrationId} not found`);
  return integration;
}
