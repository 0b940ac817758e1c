import { type IntegrationId, type MerchantId, storedId } from '../../core/ids.js';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../schema.js';
import type { IntegrationsTable } from '../tables/integrations.js';

export type Mode = 'test' | 'live';
export type GoLiveState = IntegrationsTable['golive_state'];

export interface Integration {
  id: IntegrationId;
  merchantId: MerchantId;
  number: number;
  name: string;
  absorbFees: boolean;
  notificationEmail: string | null;
  notificationUrl: string | null;
  note: string | null;
  enabledMethods: string[];
  mode: Mode;
  goLive: {
    state: GoLiveState;
    reason: string | null;
    requestedAt: number | null;
    decidedAt: number | null;
  };
  disabledAt: number | null;
  /** The currency of Paynow Zimbabwe payments on this integration. */
  zwCurrency: string;
  returnUrl: string | null;
  createdAt: number;
  updatedAt: number;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

export function rowToIntegration(r: Selectable<IntegrationsTable>): Integration {
  return {
    id: storedId('integration', r.id),
    merchantId: storedId('merchant', r.merchant_id),
    number: Number(r.number),
    name: r.name,
    absorbFees: Number(r.absorb_fees) === 1,
    notificationEmail: r.notification_email,
    notificationUrl: r.notification_url,
    note: r.note,
    enabledMethods: JSON.parse(r.enabled_methods) as string[],
    mode: r.mode,
    goLive: {
      state: r.golive_state,
      reason: r.golive_reason,
      requestedAt: num(r.golive_requested_at),
      decidedAt: num(r.golive_decided_at),
    },
    disabledAt: num(r.disabled_at),
    zwCurrency: r.zw_currency,
    returnUrl: r.return_url,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export async function insertIntegration(db: Db, row: Insertable<IntegrationsTable>): Promise<void> {
  await db.insertInto('integrations').values(row).execute();
}

/** Scoped: an integration of another merchant is simply not found. */
export async function findIntegration(db: Db, merchantId: MerchantId, id: IntegrationId): Promise<Integration | undefined> {
  const r = await db
    .selectFrom('integrations')
    .selectAll()
    .where('id', '=', id)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  return r && rowToIntegration(r);
}

/** For operators, who see every merchant, and for resolving credentials (which prove the owner). */
export async function findIntegrationAnyMerchant(db: Db, id: IntegrationId): Promise<Integration | undefined> {
  const r = await db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst();
  return r && rowToIntegration(r);
}

export async function findIntegrationByNumber(db: Db, number: number): Promise<Integration | undefined> {
  const r = await db.selectFrom('integrations').selectAll().where('number', '=', number).executeTakeFirst();
  return r && rowToIntegration(r);
}

export async function listIntegrations(db: Db, merchantId: MerchantId): Promise<Integration[]> {
  const rows = await db
    .selectFrom('integrations')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(rowToIntegration);
}

export async function listIntegrationsByGoLiveState(db: Db, state: GoLiveState): Promise<Integration[]> {
  const rows = await db
    .selectFrom('integrations')
    .selectAll()
    .where('golive_state', '=', state)
    .orderBy('golive_requested_at')
    .execute();
  return rows.map(rowToIntegration);
}

export type IntegrationPatch = Partial<
  Pick<
    Updateable<IntegrationsTable>,
    | 'name'
    | 'absorb_fees'
    | 'notification_email'
    | 'notification_url'
    | 'note'
    | 'enabled_methods'
    | 'disabled_at'
    | 'mode'
    | 'golive_state'
    | 'golive_reason'
    | 'golive_requested_at'
    | 'golive_decided_at'
    | 'golive_decided_by'
    | 'zw_currency'
    | 'return_url'
  >
>;

export async function updateIntegration(
  db: Db,
  merchantId: MerchantId,
  id: IntegrationId,
  patch: IntegrationPatch,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('integrations')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
