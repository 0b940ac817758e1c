import type { Db } from '../schema.js';
import type { PaymentsTable } from '../tables/payments.js';

export async function insertPayment(db: Db, row: PaymentsTable): Promise<void> {
  await db.insertInto('payments').values(row).execute();
}

export async function countPayments(db: Db, integrationId: string, mode: 'test' | 'live', state: string): Promise<number> {
  const r = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('integration_id', '=', integrationId)
    .where('mode', '=', mode)
    .where('state', '=', state)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
