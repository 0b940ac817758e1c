import type { Kysely } from 'kysely';

/**
 * A delivery keeps its body unsigned when its wire signs in a header: `signing` (JSON) says what the
 * signature needs (the payment's mode), and each attempt is signed when it is sent, with the keys of
 * that moment. Null: the stored request is sent as it is (older rows; wires that sign inside the body).
 * Frozen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('signing', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('signing').execute();
}
