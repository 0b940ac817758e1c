import type { Kysely } from 'kysely';

/**
 * A merchant's pending password reset: the SHA-256 of the mailed token (the database alone cannot
 * reset a password) and when it stops working. One at a time; a new request replaces it. Frozen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('merchants').addColumn('reset_token_hash', 'text').execute();
  await db.schema.alterTable('merchants').addColumn('reset_expires_at', 'bigint').execute();
  await db.schema.createIndex('merchants_reset_token').on('merchants').column('reset_token_hash').unique().execute();
  await db.schema.createIndex('sessions_principal').on('sessions').columns(['principal_kind', 'principal_id']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_principal').execute();
  await db.schema.dropIndex('merchants_reset_token').execute();
  await db.schema.alterTable('merchants').dropColumn('reset_expires_at').execute();
  await db.schema.alterTable('merchants').dropColumn('reset_token_hash').execute();
}
