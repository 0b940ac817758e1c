import type { Kysely } from 'kysely';

/**
 * What `tollgate listen` did with a notification: each forward to a developer's local URL and the
 * answer it got, beside the gateway's own attempts. The indexes let streams and lists read an
 * integration's deliveries and request log in id order (ids are time-ordered). Frozen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('delivery_forwards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('forwarded_at', 'bigint', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('response_head', 'text')
    .execute();
  await db.schema.createIndex('delivery_forwards_delivery').on('delivery_forwards').columns(['delivery_id', 'forwarded_at']).execute();
  await db.schema.createIndex('deliveries_integration_id').on('deliveries').columns(['integration_id', 'id']).execute();
  await db.schema.createIndex('request_log_batches_integration_id').on('request_log_batches').columns(['integration_id', 'id']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('request_log_batches_integration_id').execute();
  await db.schema.dropIndex('deliveries_integration_id').execute();
  await db.schema.dropTable('delivery_forwards').execute();
}
