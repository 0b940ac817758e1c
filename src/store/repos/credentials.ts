import { type IntegrationId, storedId } from '../../core/ids.js';
import type { Db } from '../schema.js';
import type { CredentialsTable } from '../tables/integrations.js';

export interface StoredCredential {
  id: string;
  integrationId: IntegrationId;
  slot: string;
  ciphertext: string;
  createdAt: number;
  expiresAt: number | null;
}

const toStored = (r: CredentialsTable): StoredCredential => ({
  id: r.id,
  integrationId: storedId('integration', r.integration_id),
  slot: r.slot,
  ciphertext: r.ciphertext,
  createdAt: Number(r.created_at),
  expiresAt: r.expires_at === null ? null : Number(r.expires_at),
});

export async function insertCredentials(db: Db, rows: CredentialsTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('credentials').values(rows).execute();
}

/** Values of a slot that still verify at `now`: the current one and any inside its grace period. */
export async function activeCredentials(db: Db, integrationId: IntegrationId, now: number): Promise<StoredCredential[]> {
  const rows = await db
    .selectFrom('credentials')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toStored);
}

/** Finds the credential whose keyed lookup hash matches; expired values do not match. */
export async function findCredentialByLookup(
  db: Db,
  slot: string,
  lookupHash: string,
  now: number,
): Promise<StoredCredential | undefined> {
  const r = await db
    .selectFrom('credentials')
    .selectAll()
    .where('slot', '=', slot)
    .where('lookup_hash', '=', lookupHash)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return r && toStored(r);
}

/** Ends the current values of the given slots at `expiresAt` (now, or the end of a grace period). */
export async function expireCurrentCredentials(
  db: Db,
  integrationId: IntegrationId,
  slots: readonly string[],
  expiresAt: number,
): Promise<void> {
  await db
    .updateTable('credentials')
    .set({ expires_at: expiresAt })
    .where('integration_id', '=', integrationId)
    .where('slot', 'in', [...slots])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', expiresAt)]))
    .execute();
}
