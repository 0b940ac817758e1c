import type { Kysely } from 'kysely';

/**
 * Credits to ledger accounts that no transaction waits on: a movement adds a row here instead of
 * updating the account's running total (whose row lock would last until its commit and queue every
 * other payment of the integration behind it). A guarded debit, and the recurring `ledger_fold` job,
 * fold them into the total under the account's row lock. Frozen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ledger_account_deltas')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_account_deltas_account').on('ledger_account_deltas').column('account_id').execute();
  const now = Date.now();
  await db
    .insertInto('jobs')
    .values({ id: 'job_ledger_fold', kind: 'ledger_fold', payload: '{}', integration_id: null, run_at: now, attempts: 0, locked_until: null, lease_owner: null, last_error: null, created_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('jobs').where('id', '=', 'job_ledger_fold').execute();
  await db.schema.dropTable('ledger_account_deltas').execute();
}
