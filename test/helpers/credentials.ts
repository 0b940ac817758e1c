import type { CredentialSet } from '../../src/core/credentials.js';

/** Every secret value of a credential set (the Paynow Zimbabwe integration id is public). */
export function secretsOf(c: CredentialSet): string[] {
  return [
    c.paynowZw.integrationKey,
    c.paynowPl.sandbox.apiKey,
    c.paynowPl.sandbox.signatureKey,
    c.paynowPl.production.apiKey,
    c.paynowPl.production.signatureKey,
    c.paydunya.masterKey,
    c.paydunya.test.privateKey,
    c.paydunya.test.publicKey,
    c.paydunya.test.token,
    c.paydunya.live.privateKey,
    c.paydunya.live.publicKey,
    c.paydunya.live.token,
    ...(c.tollgate.webhookSecret ? [c.tollgate.webhookSecret] : []),
  ];
}
