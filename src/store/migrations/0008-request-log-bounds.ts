import type { Kysely } from 'kysely';

/**
 * The test-mode request log is bounded per integration (entries, age): each batch row says how many
 * entries it holds, so the oldest can be removed without reading their JSON; and the failed requests
 * that came too fast to be stored are counted per integration. Existing rows are counted. Frozen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('request_log_batches').addColumn('n', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  for (let after = ''; ; ) {
    const rows = await db.selectFrom('request_log_batches').select(['id', 'entries']).where('id', '>', after).orderBy('id').limit(500).execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const n = (JSON.parse(r.entries) as unknown[]).length;
      if (n !== 1) await db.updateTable('request_log_batches').set({ n }).where('id', '=', r.id).execute();
    }
    after = (rows[rows.length - 1] as { id: string }).id;
  }
  await db.schema
    .createTable('request_log_counts')
    .addColumn('integration_id', 'text', (c) => c.primaryKey())
    .addColumn('failed_not_logged', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('request_log_counts').execute();
  await db.schema.alterTable('request_log_batches').dropColumn('n').execute();
}
