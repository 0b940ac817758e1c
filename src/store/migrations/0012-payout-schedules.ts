import { type Kysely, sql } from 'kysely';

/**
 * Payout schedules (one per merchant: immediately or daily, minimums per currency, the payout account
 * encrypted), the payments each payout settles (a payment is settled by one payout at a time: the
 * partial unique index; a failed payout releases them), and where a payout went. Frozen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payout_schedules')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey())
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('minimums', 'text', (c) => c.notNull())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('next_run_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('payout_payments')
    .addColumn('payout_id', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('released', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('payout_payments_pk', ['payout_id', 'payment_id'])
    .execute();
  await db.schema.createIndex('payout_payments_settled_once').on('payout_payments').column('payment_id').unique().where(sql.ref('released'), '=', 0).execute();
  await db.schema.alterTable('payouts').addColumn('destination', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payouts').dropColumn('destination').execute();
  await db.schema.dropTable('payout_payments').execute();
  await db.schema.dropTable('payout_schedules').execute();
}
