import type { IntegrationId } from '../../core/ids.js';
import type { Mode } from '../../store/repos/integrations.js';
import type { ServiceDeps } from '../deps.js';
import {
  type Authenticated,
  authenticateApiKeyPair,
  authenticateIntegrationNumber,
  authenticateKeyTriple,
  verifyingValues,
} from './credentials.js';

/** How each wire proves which integration (and mode) a request acts for; the wire then checks its hash or signature. */
export function authenticateZw(deps: ServiceDeps, integrationNumber: number): Promise<Authenticated<{ integrationKeys: string[] }>> {
  return authenticateIntegrationNumber(deps, integrationNumber, deps.clock.now());
}

/** The Paynow Zimbabwe keys of an integration that verify now, current first: for signing poll answers. */
export function zwKeys(deps: ServiceDeps, integrationId: IntegrationId): Promise<string[]> {
  return verifyingValues(deps, integrationId, 'paynow_zw.integration_key', deps.clock.now());
}

export function authenticatePl(deps: ServiceDeps, apiKey: string): Promise<Authenticated<{ signatureKeys: string[] }>> {
  return authenticateApiKeyPair(deps, apiKey, deps.clock.now());
}

export function authenticatePaydunya(deps: ServiceDeps, keys: { masterKey: string; privateKey: string; token: string }, mode: Mode): Promise<Authenticated<{ masterKey: string }>> {
  return authenticateKeyTriple(deps, keys, mode, deps.clock.now());
}
