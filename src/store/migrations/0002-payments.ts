import type { Kysely } from 'kysely';

/** The payments core: payment details, events, jobs, deliveries, idempotency, refunds, sandbox data. Frozen. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: a column builder of Kysely<any>
  const add = (name: string, type: 'text' | 'bigint' | 'integer', build?: (c: any) => any) =>
    db.schema.alterTable('payments').addColumn(name, type, build ?? ((c) => c)).execute();
  await add('dialect', 'text', (c) => c.notNull().defaultTo(''));
  await add('public_id', 'text');
  await add('display_ref', 'text');
  await add('reference', 'text');
  await add('description', 'text');
  await add('items', 'text', (c) => c.notNull().defaultTo('[]'));
  await add('customer_email', 'text');
  await add('customer_phone', 'text');
  await add('customer_name', 'text');
  await add('return_url', 'text');
  await add('cancel_url', 'text');
  await add('notify_url', 'text');
  await add('merchant_trace', 'text');
  await add('expires_at', 'bigint');
  await add('method', 'text');
  await add('failure_code', 'text');
  await add('failure_message', 'text');
  await add('refunded_minor', 'bigint', (c) => c.notNull().defaultTo(0));
  await add('paid_at', 'bigint');
  await add('test_checkout', 'text', (c) => c.notNull().defaultTo('merchant_only'));
  await add('wire_data', 'text', (c) => c.notNull().defaultTo('{}'));
  await db.schema.createIndex('payments_public_id').on('payments').column('public_id').unique().execute();
  await db.schema.createIndex('payments_merchant_trace').on('payments').columns(['merchant_id', 'merchant_trace']).unique().execute();
  await db.schema.createIndex('payments_integration_created').on('payments').columns(['integration_id', 'created_at']).execute();

  await db.schema
    .createTable('payment_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payment_events_version').on('payment_events').columns(['payment_id', 'version']).unique().execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('integration_id', 'text')
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('lease_owner', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['run_at']).execute();
  await db.schema.createIndex('jobs_integration').on('jobs').columns(['integration_id']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payment_id', 'text', (c) => c.notNull())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('dialect', 'text', (c) => c.notNull())
    .addColumn('event_version', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .addColumn('next_attempt_at', 'bigint')
    .execute();
  await db.schema.createIndex('deliveries_payment').on('deliveries').columns(['payment_id', 'created_at']).execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', 'bigint', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('response_head', 'text')
    .execute();
  await db.schema.createIndex('delivery_attempts_delivery').on('delivery_attempts').columns(['delivery_id', 'attempt']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer', (c) => c.notNull())
    .addColumn('response_body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['integration_id', 'scope', 'key'])
    .execute();

  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('public_id', 'text', (c) => c.unique())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refunds_payment').on('refunds').column('payment_id').execute();

  await db.schema
    .createTable('fictitious_customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('balance_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('fictitious_customers_email').on('fictitious_customers').columns(['integration_id', 'email']).unique().execute();
  await db.schema.createIndex('fictitious_customers_phone').on('fictitious_customers').columns(['integration_id', 'phone']).unique().execute();

  await db.schema
    .createTable('sandbox_clocks')
    .addColumn('integration_id', 'text', (c) => c.primaryKey())
    .addColumn('offset_ms', 'bigint', (c) => c.notNull())
    .execute();

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
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['request_log', 'sandbox_clocks', 'fictitious_customers', 'refunds', 'idempotency_keys', 'delivery_attempts', 'deliveries', 'jobs', 'payment_events']) {
    await db.schema.dropTable(t).execute();
  }
}
