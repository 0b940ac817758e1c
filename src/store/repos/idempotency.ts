import type { IntegrationId } from '../../core/ids.js';
import { unreadCount } from '../database.js';
import { sql } from 'kysely';
import { batchedByKey } from '../batched-read.js';
import type { Db } from '../schema.js';
import type { IdempotencyKeysTable } from '../tables/payments.js';

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: string;
}

type KeyRow = Pick<IdempotencyKeysTable, 'integration_id' | 'scope' | 'key' | 'request_hash' | 'response_status' | 'response_body' | 'expires_at'>;
const COLUMNS = ['integration_id', 'scope', 'key', 'request_hash', 'response_status', 'response_body', 'expires_at'] as const;

/** The three parts of a key as one text, for batchedByKey; JSON keeps any characters apart. */
const keyText = (integrationId: string, scope: string, key: string) => JSON.stringify([integrationId, scope, key]);
const keyParts = (text: string) => JSON.parse(text) as [string, string, string];

// Every create with an Idempotency-Key looks its key up first: those of one moment share a statement.
const byKeyBatched = batchedByKey<KeyRow>({
  one: (db, text) => {
    const [integrationId, scope, key] = keyParts(text);
    return db.selectFrom('idempotency_keys').select(COLUMNS).where('integration_id', '=', integrationId).where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
  },
  many: async (db, texts) => {
    const parts = texts.map(keyParts);
    const column = (i: number) => parts.map((p) => p[i] as string);
    return db
      .selectFrom('idempotency_keys')
      .select(COLUMNS)
      .where(sql<boolean>`(integration_id, scope, key) in (select * from unnest(${column(0)}::text[], ${column(1)}::text[], ${column(2)}::text[]))`)
      .execute();
  },
  keyOf: (r) => keyText(r.integration_id, r.scope, r.key),
});

/** The stored answer under a key, unless it expired by `now`. */
export async function findIdempotencyRecord(db: Db, integrationId: IntegrationId, scope: string, key: string, now: number): Promise<StoredResponse | undefined> {
  const r = await byKeyBatched(db, keyText(integrationId, scope, key));
  return r && Number(r.expires_at) > now ? { requestHash: r.request_hash, status: Number(r.response_status), body: r.response_body } : undefined;
}

/** Inserted in the transaction that creates the resource: a unique violation means another request won. */
export async function insertIdempotencyRecord(db: Db, row: IdempotencyKeysTable): Promise<void> {
  await db.insertInto('idempotency_keys').values(row).modifyEnd(unreadCount).execute();
}

/** An expired record no longer counts; it is removed so the key can be used again. */
export async function deleteExpiredIdempotency(db: Db, integrationId: IntegrationId, scope: string, key: string, now: number): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('integration_id', '=', integrationId)
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('expires_at', '<=', now)
    .execute();
}
