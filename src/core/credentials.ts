import { randomBytes, randomUUID } from 'node:crypto';
import { MIXED_ALPHABET, randomAlphanumeric } from './ids.js';

/**
 * The credential slots an integration holds, and the format each one's clients require
 * (see the specs: Paynow Zimbabwe keys are lower-case GUIDs, Paynow.pl keys are UUIDs,
 * PayDunya keys carry test_/live_ prefixes). Each slot is generated from a CSPRNG.
 */
export const CREDENTIAL_SLOTS = [
  'paynow_zw.integration_key',
  'paynow_pl.sandbox.api_key',
  'paynow_pl.sandbox.signature_key',
  'paynow_pl.production.api_key',
  'paynow_pl.production.signature_key',
  'paydunya.master_key',
  'paydunya.test.private_key',
  'paydunya.test.public_key',
  'paydunya.test.token',
  'paydunya.live.private_key',
  'paydunya.live.public_key',
  'paydunya.live.token',
  'tollgate.webhook_secret',
] as const;
export type CredentialSlot = (typeof CREDENTIAL_SLOTS)[number];


const GENERATORS: Record<CredentialSlot, () => string> = {
  'paynow_zw.integration_key': () => randomUUID(),
  'paynow_pl.sandbox.api_key': () => randomUUID(),
  'paynow_pl.sandbox.signature_key': () => randomUUID(),
  'paynow_pl.production.api_key': () => randomUUID(),
  'paynow_pl.production.signature_key': () => randomUUID(),
  'paydunya.master_key': () => [8, 4, 4, 4, 12].map((n) => randomAlphanumeric(n, MIXED_ALPHABET)).join('-'),
  'paydunya.test.private_key': () => `test_private_${randomAlphanumeric(27, MIXED_ALPHABET)}`,
  'paydunya.test.public_key': () => `test_public_${randomAlphanumeric(27, MIXED_ALPHABET)}`,
  'paydunya.test.token': () => randomAlphanumeric(20, MIXED_ALPHABET),
  'paydunya.live.private_key': () => `live_private_${randomAlphanumeric(27, MIXED_ALPHABET)}`,
  'paydunya.live.public_key': () => `live_public_${randomAlphanumeric(27, MIXED_ALPHABET)}`,
  'paydunya.live.token': () => randomAlphanumeric(20, MIXED_ALPHABET),
  // Standard Webhooks' form: whsec_ and the base64 of the HMAC key's bytes.
  'tollgate.webhook_secret': () => `whsec_${randomBytes(24).toString('base64')}`,
};

const FORMATS: Record<CredentialSlot, RegExp> = {
  'paynow_zw.integration_key': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'paynow_pl.sandbox.api_key': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'paynow_pl.sandbox.signature_key': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'paynow_pl.production.api_key': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'paynow_pl.production.signature_key': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'paydunya.master_key': /^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$/,
  'paydunya.test.private_key': /^test_private_[A-Za-z0-9]{27}$/,
  'paydunya.test.public_key': /^test_public_[A-Za-z0-9-]{27,43}$/,
  'paydunya.test.token': /^[A-Za-z0-9]{20}$/,
  'paydunya.live.private_key': /^live_private_[A-Za-z0-9]{27}$/,
  'paydunya.live.public_key': /^live_public_[A-Za-z0-9-]{27,43}$/,
  'paydunya.live.token': /^[A-Za-z0-9]{20}$/,
  'tollgate.webhook_secret': /^whsec_[A-Za-z0-9+/]{32}$/,
};

export function generateCredential(slot: CredentialSlot): string {
  return GENERATORS[slot]();
}

/** Whether a value (e.g. one chosen in a sandbox fixture file) has the format the slot's clients accept. */
export function isValidCredential(slot: CredentialSlot, value: string): boolean {
  return FORMATS[slot].test(value);
}

/**
 * Groups rotated together by "Generate New Key". A Paynow.pl key pair and a PayDunya mode's
 * private key, public key and token belong together; the PayDunya master key is shared by both modes.
 */
export const ROTATION_GROUPS = {
  'paynow-zw': ['paynow_zw.integration_key'],
  'paynow-pl-sandbox': ['paynow_pl.sandbox.api_key', 'paynow_pl.sandbox.signature_key'],
  'paynow-pl-production': ['paynow_pl.production.api_key', 'paynow_pl.production.signature_key'],
  'paydunya-master': ['paydunya.master_key'],
  'paydunya-test': ['paydunya.test.private_key', 'paydunya.test.public_key', 'paydunya.test.token'],
  'paydunya-live': ['paydunya.live.private_key', 'paydunya.live.public_key', 'paydunya.live.token'],
  'tollgate-webhook': ['tollgate.webhook_secret'],
} as const satisfies Record<string, readonly CredentialSlot[]>;
export type RotationGroup = keyof typeof ROTATION_GROUPS;
export const ROTATION_GROUP_NAMES = Object.keys(ROTATION_GROUPS) as RotationGroup[];

/** What going live renews: every credential that can act on live data. */
export const LIVE_GROUPS: readonly RotationGroup[] = ['paynow-zw', 'paynow-pl-production', 'paydunya-live'];

/** A Paynow Zimbabwe integration id: a positive integer, shown to the merchant, not secret. */
export function generateIntegrationNumber(): number {
  return 10_000 + Math.floor(Math.random() * 89_990_000);
}

/** The plain credentials of one integration, in the shape scripts and tests rely on. */
export interface CredentialSet {
  paynowZw: { integrationId: number; integrationKey: string };
  paynowPl: {
    sandbox: { apiKey: string; signatureKey: string };
    production: { apiKey: string; signatureKey: string };
  };
  paydunya: {
    masterKey: string;
    test: { privateKey: string; publicKey: string; token: string };
    live: { privateKey: string; publicKey: string; token: string };
  };
  /** Signs Tollgate's own webhook; null for an integration made before it existed, until it is rotated in. */
  tollgate: { webhookSecret: string | null };
}

function required(values: ReadonlyMap<CredentialSlot, string>, slot: CredentialSlot): string {
  const v = values.get(slot);
  if (v === undefined) throw new Error(`credential ${slot} missing`);
  return v;
}

export function toCredentialSet(integrationId: number, values: ReadonlyMap<CredentialSlot, string>): CredentialSet {
  return {
    paynowZw: { integrationId, integrationKey: required(values, 'paynow_zw.integration_key') },
    paynowPl: {
      sandbox: { apiKey: required(values, 'paynow_pl.sandbox.api_key'), signatureKey: required(values, 'paynow_pl.sandbox.signature_key') },
      production: {
        apiKey: required(values, 'paynow_pl.production.api_key'),
        signatureKey: required(values, 'paynow_pl.production.signature_key'),
      },
    },
    paydunya: {
      masterKey: required(values, 'paydunya.master_key'),
      test: {
        privateKey: required(values, 'paydunya.test.private_key'),
        publicKey: required(values, 'paydunya.test.public_key'),
        token: required(values, 'paydunya.test.token'),
      },
      live: {
        privateKey: required(values, 'paydunya.live.private_key'),
        publicKey: required(values, 'paydunya.live.public_key'),
        token: required(values, 'paydunya.live.token'),
      },
    },
    tollgate: { webhookSecret: values.get('tollgate.webhook_secret') ?? null },
  };
}
