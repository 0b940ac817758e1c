import { TollgateError } from '../../core/errors.js';
import { MIXED_ALPHABET, randomAlphanumeric } from '../../core/ids.js';
import type { Currency } from '../../core/money.js';
import { isUniqueViolation } from '../../store/errors.js';
import { type Disbursement, findDisbursement, insertDisbursement, setDisbursementStatus } from '../../store/repos/disbursements.js';
import type { Integration } from '../../store/repos/integrations.js';
import { type FictitiousCustomer, findFictitiousCustomer } from '../../store/repos/sandbox.js';
import type { ServiceDeps } from '../deps.js';
import { sendToCustomer } from '../money/payouts.js';
import { emitTransferNotifications } from '../notify/emit.js';
import type { DialectName } from '../notify/formatter.js';

export type { Disbursement };

export function transactionId(): string {
  return `TFA-TX-${randomAlphanumeric(20, MIXED_ALPHABET)}`;
}

function refuseLive(mode: 'test' | 'live'): void {
  if (mode === 'live') throw new TollgateError('refused', 'no live connector is configured for transfers: Tollgate does not move real money', [], 'no_live_connector');
}

/** Account-to-account transfer to a customer of the integration (PayDunya direct pay). */
export async function creditAccount(deps: ServiceDeps, integration: Integration, mode: 'test' | 'live', alias: string, amountMinor: number, currency: Currency): Promise<{ transactionId: string; customer: FictitiousCustomer }> {
  refuseLive(mode);
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new TollgateError('validation', 'the amount must be a positive whole number');
  const customer = await findFictitiousCustomer(deps.store.db, integration.id, alias);
  if (!customer) throw new TollgateError('not_found', 'no account with this alias', [], 'unknown_account');
  const id = transactionId();
  await deps.store.transaction((tx) => sendToCustomer(tx, deps, { kind: 'direct_pay', refId: id, integrationId: integration.id, currency, amountMinor, customerId: customer.id }));
  return { transactionId: id, customer };
}

export interface DisbursementInput {
  accountAlias: string;
  amountMinor: number;
  currency: Currency;
  withdrawMode: string;
  callbackUrl: string | null;
  externalId: string | null;
}

/** A disbursement invoice: nothing moves until it is submitted. */
export async function createDisbursement(deps: ServiceDeps, integration: Integration, mode: 'test' | 'live', input: DisbursementInput): Promise<Disbursement> {
  const now = deps.clock.now();
  const token = randomAlphanumeric(20, MIXED_ALPHABET);
  try {
    await deps.store.transaction((tx) =>
      insertDisbursement(tx, {
        id: deps.ids.next('payout'),
        integration_id: integration.id,
        merchant_id: integration.merchantId,
        mode,
        token,
        external_id: input.externalId,
        account_alias: input.accountAlias,
        withdraw_mode: input.withdrawMode,
        amount_minor: input.amountMinor,
        currency: input.currency,
        callback_url: input.callbackUrl,
        status: 'created',
        transaction_id: null,
        created_at: now,
        updated_at: now,
      }),
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw new TollgateError('conflict', 'disburse_id already used', [], 'duplicate_external_id');
    throw err;
  }
  const d = await findDisbursement(deps.store.db, integration.id, mode, token);
  if (!d) throw new TollgateError('internal', 'disbursement vanished after insert');
  return d;
}

export async function disbursementByToken(deps: ServiceDeps, integration: Integration, mode: 'test' | 'live', token: string): Promise<Disbursement> {
  const d = await findDisbursement(deps.store.db, integration.id, mode, token);
  if (!d) throw new TollgateError('not_found', 'Disbursement invoice not found');
  return d;
}

/**
 * Sends a created disbursement once: in test mode from the test balance (to a fictitious customer when
 * the alias names one), and calls its callback URL back in `dialect`'s shape. A disbursement already
 * sent answers as it is.
 */
export async function submitDisbursement(deps: ServiceDeps, integration: Integration, mode: 'test' | 'live', token: string, dialect: DialectName): Promise<Disbursement> {
  refuseLive(mode);
  const d = await disbursementByToken(deps, integration, mode, token);
  if (d.status !== 'created') return d;
  const customer = await findFictitiousCustomer(deps.store.db, integration.id, d.accountAlias);
  const tx = transactionId();
  await deps.store.transaction(async (t) => {
    const now = deps.clock.now();
    if (!(await setDisbursementStatus(t, d.id, 'created', 'success', tx, now))) return;
    await emitTransferNotifications(t, deps, integration, dialect, { ...d, status: 'success', transactionId: tx }, now);
    // Last, so the balance's row stays locked only until the commit.
    await sendToCustomer(t, deps, { kind: 'disbursement', refId: d.id, integrationId: integration.id, currency: d.currency, amountMinor: d.amountMinor, customerId: customer?.id });
  });
  return disbursementByToken(deps, integration, mode, token);
}
