import { type IntegrationId, type MerchantId, type PayoutId, storedId } from '../../core/ids.js';
import type { Db } from '../schema.js';
import type { DisbursementsTable } from '../tables/payments.js';

export interface Disbursement {
  id: PayoutId;
  integrationId: IntegrationId;
  merchantId: MerchantId;
  mode: 'test' | 'live';
  token: string;
  externalId: string | null;
  accountAlias: string;
  withdrawMode: string;
  amountMinor: number;
  currency: string;
  callbackUrl: string | null;
  status: DisbursementsTable['status'];
  transactionId: string | null;
  createdAt: number;
}

const toDisbursement = (r: DisbursementsTable): Disbursement => ({
  id: storedId('payout', r.id),
  integrationId: storedId('integration', r.integration_id),
  merchantId: storedId('merchant', r.merchant_id),
  mode: r.mode,
  token: r.token,
  externalId: r.external_id,
  accountAlias: r.account_alias,
  withdrawMode: r.withdraw_mode,
  amountMinor: Number(r.amount_minor),
  currency: r.currency,
  callbackUrl: r.callback_url,
  status: r.status,
  transactionId: r.transaction_id,
  createdAt: Number(r.created_at),
});

export async function insertDisbursement(db: Db, row: DisbursementsTable): Promise<void> {
  await db.insertInto('disbursements').values(row).execute();
}

/** Scoped to the integration and mode that created it. */
export async function findDisbursement(db: Db, integrationId: IntegrationId, mode: 'test' | 'live', token: string): Promise<Disbursement | undefined> {
  const r = await db.selectFrom('disbursements').selectAll().where('integration_id', '=', integrationId).where('mode', '=', mode).where('token', '=', token).executeTakeFirst();
  return r && toDisbursement(r);
}

/** Moves a disbursement only from `from`, in one statement: it is sent at most once. */
export async function setDisbursementStatus(db: Db, id: PayoutId, from: DisbursementsTable['status'], to: DisbursementsTable['status'], transactionId: string | null, now: number): Promise<boolean> {
  const r = await db.updateTable('disbursements').set({ status: to, transaction_id: transactionId, updated_at: now }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
