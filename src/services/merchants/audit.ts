import type { IdGenerator, IntegrationId, MerchantId } from '../../core/ids.js';
import { insertAudit } from '../../store/repos/audit.js';
import type { Tx } from '../../store/schema.js';
import type { AuditLogTable } from '../../store/tables/integrations.js';

export interface Actor {
  kind: AuditLogTable['actor_kind'];
  id: string | null;
}

export const CLI_ACTOR: Actor = { kind: 'cli', id: null };

/** Appends to the audit log inside the caller's transaction. Never pass a secret in detail. */
export async function audit(
  tx: Tx,
  ids: IdGenerator,
  entry: { merchantId: MerchantId | null; integrationId: IntegrationId | null; actor: Actor; action: string; detail?: Record<string, unknown> },
  now: number,
): Promise<void> {
  await insertAudit(tx, {
    id: ids.next('audit'),
    merchant_id: entry.merchantId,
    integration_id: entry.integrationId,
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id,
    action: entry.action,
    detail: JSON.stringify(entry.detail ?? {}),
    created_at: now,
  });
}
