import type { Kysely } from 'kysely';

/**
 * The test-mode request log keeps one row per flush and integration, its entries a JSON array, where it
 * kept a row per request: on a busy sandbox the per-request row (its index entries, and on PostgreSQL
 * the JSON its columns were converted from) cost the database more than the request it described.
 * Existing entries move over, one batch each. Frozen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('request_log_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addColumn('entries', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_log_batches_integration').on('request_log_batches').columns(['integration_id', 'last_at']).execute();
  for (let after = ''; ; ) {
    const rows = await db.selectFrom('request_log').selectAll().where('id', '>', after).orderBy('id').limit(1000).execute();
    if (rows.length === 0) break;
    await db
      .insertInto('request_log_batches')
      .values(
        rows.map((r) => ({
          id: r.id,
          integration_id: r.integration_id,
          last_at: r.created_at,
          entries: JSON.stringify([{ id: r.id, dialect: r.dialect, method: r.method, path: r.path, headers: JSON.parse(r.headers), body: r.body, status: Number(r.response_status), response: r.response_body, signature: r.signature, at: Number(r.created_at) }]),
        })),
      )
      .execute();
    after = (rows[rows.length - 1] as { id: string }).id;
  }
  await db.schema.dropTable('request_log').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('request_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('dialect', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer', (c) => c.notNull())
    .addColumn('response_body', 'text', (c) => c.notNull())
    .addColumn('signature', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_log_integration').on('request_log').columns(['integration_id', 'created_at']).execute();
  for (let after = ''; ; ) {
    const batches = await db.selectFrom('request_log_batches').selectAll().where('id', '>', after).orderBy('id').limit(100).execute();
    if (batches.length === 0) break;
    for (const b of batches) {
      // biome-ignore lint/suspicious/noExplicitAny: the entries' JSON as written by this version
      const entries = JSON.parse(b.entries) as any[];
      await db
        .insertInto('request_log')
        .values(entries.map((e) => ({ id: e.id, integration_id: b.integration_id, dialect: e.dialect, method: e.method, path: e.path, headers: JSON.stringify(e.headers), body: e.body, response_status: e.status, response_body: e.response, signature: e.signature, created_at: e.at })))
        .execute();
    }
    after = (batches[batches.length - 1] as { id: string }).id;
  }
  await db.schema.dropTable('request_log_batches').execute();
}
