import type { IntegrationId } from '../../core/ids.js';
import type { Db } from '../schema.js';

export interface StoredFaultSettings {
  rates: Record<string, number>;
  delayMs: number;
  seed: string | null;
  updatedAt: number;
}

export async function findFaultSettings(db: Db, integrationId: IntegrationId): Promise<StoredFaultSettings | undefined> {
  const r = await db.selectFrom('notification_faults').selectAll().where('integration_id', '=', integrationId).executeTakeFirst();
  return r && { rates: JSON.parse(r.rates) as Record<string, number>, delayMs: Number(r.delay_ms), seed: r.seed, updatedAt: Number(r.updated_at) };
}

export async function saveFaultSettings(db: Db, integrationId: IntegrationId, s: StoredFaultSettings): Promise<void> {
  const row = { rates: JSON.stringify(s.rates), delay_ms: s.delayMs, seed: s.seed, updated_at: s.updatedAt };
  await db
    .insertInto('notification_faults')
    .values({ integration_id: integrationId, ...row })
    .onConflict((oc) => oc.column('integration_id').doUpdateSet(row))
    .execute();
}
