import type { Kysely } from 'kysely';

/** Lookups the wires need: a payment by its display reference per wire, and each integration's Paynow Zimbabwe currency. Frozen. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('payments_display_ref').on('payments').columns(['dialect', 'display_ref']).unique().execute();
  await db.schema.alterTable('integrations').addColumn('zw_currency', 'text', (c) => c.notNull().defaultTo('USD')).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('payments_display_ref').execute();
  await db.schema.alterTable('integrations').dropColumn('zw_currency').execute();
}
