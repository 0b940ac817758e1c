import { type IntegrationId, type MerchantId, storedId } from '../../core/ids.js';
import { unreadCount } from '../database.js';
import { type Keyset, keysetPage } from '../keyset.js';
import type { Db } from '../schema.js';
import type { AuditLogTable } from '../tables/integrations.js';

export interface AuditEntry {
  id: string;
  merchantId: MerchantId | null;
  integrationId: IntegrationId | null;
  actorKind: AuditLogTable['actor_kind'];
  actorId: string | null;
  action: string;
  detail: Record<string, unknown>;
  createdAt: number;
}

export async function insertAudit(db: Db, row: AuditLogTable): Promise<void> {
  await db.insertInto('audit_log').values(row).modifyEnd(unreadCount).execute();
}

/** Newest first, after `before`, one more than `limit` when more exist (keyset.ts). */
export async function listAudit(db: Db, merchantId: MerchantId, before: Keyset | undefined, limit: number): Promise<AuditEntry[]> {
  const rows = await keysetPage(db.selectFrom('audit_log').selectAll().where('merchant_id', '=', merchantId), 'created_at', 'id', before, limit).execute();
  return rows.map((r) => ({
    id: r.id,
    merchantId: r.merchant_id === null ? null : storedId('merchant', r.merchant_id),
    integrationId: r.integration_id === null ? null : storedId('integration', r.integration_id),
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    action: r.action,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    createdAt: Number(r.created_at),
  }));
}
