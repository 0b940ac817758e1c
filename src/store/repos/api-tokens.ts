import { type MerchantId, storedId } from '../../core/ids.js';
import type { Db } from '../schema.js';
import type { ApiTokensTable } from '../tables/accounts.js';

export interface ApiToken {
  id: string;
  name: string;
  hint: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export async function insertApiToken(db: Db, row: ApiTokensTable): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

export async function findMerchantByTokenHash(db: Db, tokenHash: string): Promise<{ id: string; merchantId: MerchantId } | undefined> {
  const r = await db
    .selectFrom('api_tokens')
    .innerJoin('merchants', 'merchants.id', 'api_tokens.merchant_id')
    .select(['api_tokens.id as id', 'api_tokens.merchant_id as merchant_id'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    // A disabled merchant's tokens stop working (and work again when enabled).
    .where('merchants.disabled_at', 'is', null)
    .executeTakeFirst();
  return r && { id: r.id, merchantId: storedId('merchant', r.merchant_id) };
}

export async function touchApiToken(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function listApiTokens(db: Db, merchantId: MerchantId): Promise<ApiToken[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    hint: r.hint,
    createdAt: Number(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  }));
}

/** Scoped by merchant: another merchant's token id revokes nothing. */
export async function revokeApiToken(db: Db, merchantId: MerchantId, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('merchant_id', '=', merchantId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
