import type { IntegrationId } from '../../core/ids.js';
import type { CredentialSet } from '../../core/credentials.js';
import { findCredentialByLookup } from '../../store/repos/credentials.js';
import { findIntegrationAnyMerchant, type Integration, listIntegrations } from '../../store/repos/integrations.js';
import type { ServiceDeps } from '../deps.js';
import { currentCredentialSet } from '../merchants/credentials.js';

/**
 * The keys the signature debugger tries a failed test request against: the integration's own (both
 * environments) and its merchant's other integrations'. Read only for a failed request the log keeps,
 * never shown: the diagnosis names which key, not its value.
 */
export interface DiagnosisKeys {
  own: CredentialSet;
  others: CredentialSet[];
}

export async function diagnosisKeys(deps: ServiceDeps, integrationId: IntegrationId): Promise<DiagnosisKeys | undefined> {
  const now = deps.clock.now();
  const integration = await findIntegrationAnyMerchant(deps.store.db, integrationId);
  if (!integration) return undefined;
  const siblings = (await listIntegrations(deps.store.db, integration.merchantId)).filter((i) => i.id !== integration.id);
  const set = (i: Integration) => currentCredentialSet(deps.store.db, deps.keyring, i, now);
  return { own: await set(integration), others: await Promise.all(siblings.map(set)) };
}

/**
 * A test integration named by a PayDunya master key whose other keys failed: the request is logged
 * (and diagnosed) as that integration's, since the master key is what names it.
 */
export async function testIntegrationByMasterKey(deps: ServiceDeps, masterKey: string): Promise<Integration | undefined> {
  const c = await findCredentialByLookup(deps.store.db, 'paydunya.master_key', deps.keyring.lookupHash('paydunya.master_key', masterKey), deps.clock.now());
  const integration = c && (await findIntegrationAnyMerchant(deps.store.db, c.integrationId));
  return integration && integration.mode === 'test' && integration.disabledAt === null ? integration : undefined;
}
