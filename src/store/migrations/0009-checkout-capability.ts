import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * Every payment gets a checkout capability: the unguessable part of the URLs that open its hosted
 * page, so that knowing a payment's reference no longer lets anyone see or cancel it. Existing
 * payments get one here (their old links stop working, which is the point). Also the shop name a
 * payment may carry. Frozen.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('checkout_token', 'text').execute();
  // The shop name a wire gives per payment (a PayDunya invoice's store.name), shown on the checkout.
  await db.schema.alterTable('payments').addColumn('store_name', 'text').execute();
  for (;;) {
    const rows: Array<{ id: string }> = await db.selectFrom('payments').select('id').where('checkout_token', 'is', null).limit(500).execute();
    if (rows.length === 0) break;
    for (const { id } of rows) {
      await db.updateTable('payments').set({ checkout_token: randomBytes(16).toString('hex') }).where('id', '=', id).execute();
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> by design
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('store_name').execute();
  await db.schema.alterTable('payments').dropColumn('checkout_token').execute();
}
