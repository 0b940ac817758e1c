import type { IdGenerator, IntegrationId } from '../../core/ids.js';
import {
  CREDENTIAL_SLOTS,
  type CredentialSet,
  type CredentialSlot,
  generateCredential,
  ROTATION_GROUPS,
  type RotationGroup,
  toCredentialSet,
} from '../../core/credentials.js';
import { constantTimeEqual, type Keyring } from '../../core/crypto.js';
import {
  activeCredentials,
  expireCurrentCredentials,
  findCredentialByLookup,
  insertCredentials,
} from '../../store/repos/credentials.js';
import { findIntegrationAnyMerchant, findIntegrationByNumber, type Integration, type Mode } from '../../store/repos/integrations.js';
import type { Store } from '../../store/database.js';
import type { Db, Tx } from '../../store/schema.js';
import type { AuthCache } from './auth-cache.js';

interface CredDeps {
  ids: IdGenerator;
  keyring: Keyring;
}

/** Slots looked up by value (the value identifies the integration); the others are only compared. */
const LOOKUP_SLOTS = new Set<CredentialSlot>([
  'paynow_pl.sandbox.api_key',
  'paynow_pl.production.api_key',
  'paydunya.master_key',
]);

async function storeValues(
  tx: Tx,
  deps: CredDeps,
  integrationId: IntegrationId,
  values: ReadonlyMap<CredentialSlot, string>,
  now: number,
): Promise<void> {
  await insertCredentials(
    tx,
    [...values].map(([slot, value]) => ({
      id: deps.ids.next('credential'),
      integration_id: integrationId,
      slot,
      // Only lookup slots need a searchable hash; the others get one too, keyed and unique, so the index holds.
      lookup_hash: deps.keyring.lookupHash(LOOKUP_SLOTS.has(slot) ? slot : `${slot}:${integrationId}`, value),
      ciphertext: deps.keyring.encrypt(value),
      created_at: now,
      expires_at: null,
    })),
  );
}

/** Generates every credential of a new integration; `chosen` values (from a fixture file) win. */
export async function createCredentials(
  tx: Tx,
  deps: CredDeps,
  integrationId: IntegrationId,
  now: number,
  chosen: Partial<Record<CredentialSlot, string>> = {},
): Promise<Map<CredentialSlot, string>> {
  const values = new Map<CredentialSlot, string>();
  for (const slot of CREDENTIAL_SLOTS) values.set(slot, chosen[slot] ?? generateCredential(slot));
  await storeValues(tx, deps, integrationId, values, now);
  return values;
}

/**
 * "Generate New Key": new values for the groups; the old ones stop verifying at once (graceMs 0)
 * or at the end of the grace period.
 */
export async function rotateCredentials(
  tx: Tx,
  deps: CredDeps,
  integrationId: IntegrationId,
  groups: readonly RotationGroup[],
  graceMs: number,
  now: number,
): Promise<Map<CredentialSlot, string>> {
  const slots = groups.flatMap((g) => ROTATION_GROUPS[g] as readonly CredentialSlot[]);
  await expireCurrentCredentials(tx, integrationId, slots, now + graceMs);
  const values = new Map<CredentialSlot, string>();
  for (const slot of slots) values.set(slot, generateCredential(slot));
  await storeValues(tx, deps, integrationId, values, now);
  return values;
}

/** The current (newest) value of each slot, decrypted. */
export async function currentCredentialSet(db: Db, keyring: Keyring, integration: Integration, now: number): Promise<CredentialSet> {
  const rows = await activeCredentials(db, integration.id, now);
  return currentSet(integration, rows, (row) => keyring.decrypt(row.ciphertext));
}

/** Newest first in, the newest value of each slot without an end out (those in a grace period are not current). */
function currentSet<C extends { slot: string; expiresAt: number | null }>(integration: Integration, newestFirst: readonly C[], plain: (c: C) => string): CredentialSet {
  const values = new Map<CredentialSlot, string>();
  for (const c of newestFirst) {
    if (c.expiresAt === null && !values.has(c.slot as CredentialSlot)) values.set(c.slot as CredentialSlot, plain(c));
  }
  return toCredentialSet(integration.number, values);
}

/** What wire authentication reads with: the store (through the short-lived cache) and the keyring. */
export interface AuthReader {
  store: Store;
  keyring: Keyring;
  authCache: AuthCache;
}

interface LiveCredential {
  slot: string;
  value: string;
  expiresAt: number | null;
}

/**
 * An integration's credentials that verified when read, decrypted, newest first; filtered again by `now`.
 * `db` is the transaction when called inside one (SQLite has a single connection: reading beside it would wait forever).
 */
async function liveCredentials(r: AuthReader, integrationId: IntegrationId, now: number, db: Db = r.store.db): Promise<LiveCredential[]> {
  const all = await r.authCache.read(`credentials:${integrationId}`, db, async (db) =>
    (await activeCredentials(db, integrationId, now)).map((c) => ({ slot: c.slot, value: r.keyring.decrypt(c.ciphertext), expiresAt: c.expiresAt })),
  );
  return all.filter((c) => c.expiresAt === null || c.expiresAt > now);
}

/** Every value of a slot that verifies now (current first, then those in a grace period). */
export async function verifyingValues(r: AuthReader, integrationId: IntegrationId, slot: CredentialSlot, now: number): Promise<string[]> {
  return (await liveCredentials(r, integrationId, now)).filter((c) => c.slot === slot).map((c) => c.value);
}

/** An integration by id, as the wires and the payment flow read it (cached briefly); `db` as for liveCredentials. */
export function integrationById(r: AuthReader, id: IntegrationId, db: Db = r.store.db): Promise<Integration | undefined> {
  return r.authCache.read(`integration:${id}`, db, (db) => findIntegrationAnyMerchant(db, id));
}

/** The current value of each slot, for signing what we send (cached briefly, unlike currentCredentialSet). */
export function signingCredentialSet(r: AuthReader, integration: Integration, now: number, db: Db = r.store.db): Promise<CredentialSet> {
  // Kept as built, beside the rows it is built from (every delivery attempt signs); dropped with them.
  return r.authCache.read(`signing:${integration.id}`, db, async (db) => currentSet(integration, await liveCredentials(r, integration.id, now, db), (c) => c.value));
}

export type Authenticated<T> =
  | ({ ok: true; integration: Integration; mode: Mode } & T)
  | { ok: false; reason: 'unknown_credentials' | 'not_live' | 'disabled' };

function modeAllowed(integration: Integration, mode: Mode): 'ok' | 'not_live' | 'disabled' {
  if (integration.disabledAt !== null) return 'disabled';
  if (mode === 'live' && integration.mode !== 'live') return 'not_live';
  return 'ok';
}

/**
 * The integration a presented credential names, looked up by value in each of `slots` in turn (a
 * Paynow.pl Api-Key may be a sandbox or a production key). Cached under the presented value itself, so
 * a cached request computes no HMAC and a live key does not miss the sandbox slot in the database every
 * time. A value not found is never cached, so invented keys leave nothing behind; the values that are
 * kept are no more exposed than the decrypted credentials cached beside them.
 */
async function byLookup(
  r: AuthReader,
  slots: readonly CredentialSlot[],
  value: string,
  now: number,
): Promise<{ slot: CredentialSlot; integration: Integration } | undefined> {
  const cred = await r.authCache.read(`lookup:${slots.join('|')}:${value}`, r.store.db, async (db) => {
    for (const slot of slots) {
      const c = await findCredentialByLookup(db, slot, r.keyring.lookupHash(slot, value), now);
      if (c) return { slot, integrationId: c.integrationId, value: r.keyring.decrypt(c.ciphertext), expiresAt: c.expiresAt };
    }
    return undefined;
  });
  if (!cred || (cred.expiresAt !== null && cred.expiresAt <= now)) return undefined;
  // The lookup hash found it; the constant-time compare of the decrypted value is the proof.
  if (!constantTimeEqual(cred.value, value)) return undefined;
  const integration = await integrationById(r, cred.integrationId);
  return integration && { slot: cred.slot, integration };
}

/** A Paynow.pl Api-Key's pair decides the mode: sandbox keys act in test mode, production keys live. */
const PL_API_KEY_PAIRS = [
  { slot: 'paynow_pl.sandbox.api_key', signatureSlot: 'paynow_pl.sandbox.signature_key', mode: 'test' },
  { slot: 'paynow_pl.production.api_key', signatureSlot: 'paynow_pl.production.signature_key', mode: 'live' },
] as const satisfies readonly { slot: CredentialSlot; signatureSlot: CredentialSlot; mode: Mode }[];
const PL_API_KEY_SLOTS = PL_API_KEY_PAIRS.map((p) => p.slot);

/**
 * Paynow.pl: the Api-Key names the integration and, by which pair it belongs to, the mode.
 * Production keys act only once the integration is live.
 */
export async function authenticateApiKeyPair(
  r: AuthReader,
  apiKey: string,
  now: number,
): Promise<Authenticated<{ signatureKeys: string[] }>> {
  const found = await byLookup(r, PL_API_KEY_SLOTS, apiKey, now);
  const pair = found && PL_API_KEY_PAIRS.find((p) => p.slot === found.slot);
  if (!found || !pair) return { ok: false, reason: 'unknown_credentials' };
  const allowed = modeAllowed(found.integration, pair.mode);
  if (allowed !== 'ok') return { ok: false, reason: allowed };
  const signatureKeys = await verifyingValues(r, found.integration.id, pair.signatureSlot, now);
  return { ok: true, integration: found.integration, mode: pair.mode, signatureKeys };
}

/**
 * PayDunya: the master key names the integration; the private key and token must be the pair of
 * the mode the base path selects. Live acts only once the integration is live.
 */
export async function authenticateKeyTriple(
  r: AuthReader,
  keys: { masterKey: string; privateKey: string; token: string },
  mode: Mode,
  now: number,
): Promise<Authenticated<{ masterKey: string }>> {
  const found = await byLookup(r, ['paydunya.master_key'], keys.masterKey, now);
  if (!found) return { ok: false, reason: 'unknown_credentials' };
  const [privateKeys, tokens] = await Promise.all([
    verifyingValues(r, found.integration.id, `paydunya.${mode}.private_key`, now),
    verifyingValues(r, found.integration.id, `paydunya.${mode}.token`, now),
  ]);
  const privateOk = privateKeys.some((v) => constantTimeEqual(v, keys.privateKey));
  const tokenOk = tokens.some((v) => constantTimeEqual(v, keys.token));
  if (!privateOk || !tokenOk) return { ok: false, reason: 'unknown_credentials' };
  const allowed = modeAllowed(found.integration, mode);
  if (allowed !== 'ok') return { ok: false, reason: allowed };
  return { ok: true, integration: found.integration, mode, masterKey: keys.masterKey };
}

/**
 * Paynow Zimbabwe: the integration id names the integration and its own mode decides; the caller
 * verifies the request hash against each returned key (a rotation's grace period gives two).
 */
async function integrationKeysByNumber(
  r: AuthReader,
  integration: Integration,
  now: number,
): Promise<Authenticated<{ integrationKeys: string[] }>> {
  if (integration.disabledAt !== null) return { ok: false, reason: 'disabled' };
  const integrationKeys = await verifyingValues(r, integration.id, 'paynow_zw.integration_key', now);
  return { ok: true, integration, mode: integration.mode, integrationKeys };
}

/** Paynow Zimbabwe: the integration named by its numeric id, with the keys that verify now. */
export async function authenticateIntegrationNumber(r: AuthReader, number: number, now: number): Promise<Authenticated<{ integrationKeys: string[] }>> {
  const integration = Number.isSafeInteger(number) && number > 0 ? await r.authCache.read(`number:${number}`, r.store.db, (db) => findIntegrationByNumber(db, number)) : undefined;
  if (!integration) return { ok: false, reason: 'unknown_credentials' };
  return integrationKeysByNumber(r, integration, now);
}
