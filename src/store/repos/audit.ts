import { unreadCount } from '../database.js';
import type { Db } from '../schema.js';
import type { AuditLogTable } from '../tables/integrations.js';

export interface AuditEntry {
  id: string;
  merchantId: string | null;
  integrationId: string | null;
  actorKind: AuditLogTable['actor_kind'];
  actorId: string | null;
  action: string;
  detail: Record<string, unknown>;
  createdAt: number;
}

export async function insertAudit(db: Db, row: AuditLogTable): Promise<void> {
  await db.insertInto('audit_log').values(row).modifyEnd(unreadCount).execute();
}

export async function listAudit(db: Db, merchantId: string, limit: number): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    merchantId: r.merchant_id,
    integrationId: r.integration_id,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    action: r.action,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    createdAt: Number(r.created_at),
  }));
}
