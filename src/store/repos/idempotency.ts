import type { Db } from '../schema.js';
import type { IdempotencyKeysTable } from '../tables/payments.js';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: string;
}

export async function findIdempotencyRecord(db: Db, integrationId: string, scope: string, key: string, now: number): Promise<StoredResponse | undefined> {
  const r = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response_status', 'response_body'])
    .where('integration_id', '=', integrationId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return r && { requestHash: r.request_hash, status: Number(r.response_status), body: r.response_body };
}

/** Inserted in the transaction that creates the resource: a unique violation means another request won. */
export async function insertIdempotencyRecord(db: Db, row: IdempotencyKeysTable): Promise<void> {
  await db.insertInto('idempotency_keys').values(row).execute();
}

/** An expired record no longer counts; it is removed so the key can be used again. */
export async function deleteExpiredIdempotency(db: Db, integrationId: string, scope: string, key: string, now: number): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('integration_id', '=', integrationId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('expires_at', '<=', now)
    .execute();
}
