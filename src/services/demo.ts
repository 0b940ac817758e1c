import type { IntegrationId } from '../core/ids.js';
import type { CredentialSet } from '../core/credentials.js';
import type { ServiceDeps } from './deps.js';
import { registerMerchant } from './merchants/accounts.js';
import { createIntegration } from './merchants/integrations.js';
import { generatePassword } from './merchants/passwords.js';

/**
 * Every official SDK must accept the demo login as an authEmail: the paynow npm package wants a
 * top-level domain of 2–3 letters (so not .local). example.com is reserved (RFC 2606) and has a null MX,
 * so the keys mail never reaches anyone when SMTP is configured.
 */
export const DEMO_EMAIL = 'demo@example.com';

export interface DemoAccount {
  email: string;
  password: string;
  integrationId: IntegrationId;
  credentials: CredentialSet;
}

/** The first start's demo: a verified merchant with one test-mode integration, ready for all three SDKs. */
export async function createDemoMerchant(deps: ServiceDeps): Promise<DemoAccount> {
  const password = generatePassword(DEMO_EMAIL);
  const { merchant } = await registerMerchant(deps, { email: DEMO_EMAIL, password, companyName: 'Demo Shop' }, { verified: true });
  const { integration, credentials } = await createIntegration(deps, merchant.id, { name: 'Demo integration', notificationEmail: DEMO_EMAIL }, { kind: 'system', id: null });
  return { email: DEMO_EMAIL, password, integrationId: integration.id, credentials };
}

export function describeCredentials(c: CredentialSet): string[] {
  return [
    `  Paynow Zimbabwe  integration ID ${c.paynowZw.integrationId}, integration key ${c.paynowZw.integrationKey}`,
    `  Paynow.pl        sandbox Api-Key ${c.paynowPl.sandbox.apiKey}, Signature-Key ${c.paynowPl.sandbox.signatureKey}`,
    `  PayDunya         master key ${c.paydunya.masterKey}`,
    `                   test private key ${c.paydunya.test.privateKey}`,
    `                   test public key ${c.paydunya.test.publicKey}`,
    `                   test token ${c.paydunya.test.token}`,
  ];
}
