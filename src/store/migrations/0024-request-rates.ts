import type { Kysely } from 'kysely';

/**
 * Requests served per minute and channel (a dialect or the management API), added up by every serving
 * process: each flushes its minute's counts once, adding to the row. Kept for a day. Frozen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('request_rates')
    .addColumn('minute_at', 'bigint', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('client_errors', 'integer', (c) => c.notNull())
    .addColumn('server_errors', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('request_rates_pk', ['minute_at', 'channel'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('request_rates').execute();
}
