import { TollgateError } from '../../core/errors.js';
import type { Currency } from '../../core/money.js';
import { findIntegration } from '../../store/repos/integrations.js';
import { shiftJobs } from '../../store/repos/jobs.js';
import { type CustomerId, type IntegrationId, type MerchantId, type PaymentId, randomAlphanumeric } from '../../core/ids.js';
import { shiftPaymentExpiries } from '../../store/repos/payments.js';
import {
  addSandboxOffset,
  type FictitiousCustomer,
  findFictitiousCustomerById,
  getSandboxOffset,
  insertFictitiousCustomer,
  listFictitiousCustomers,
  type RequestLogEntry,
} from '../../store/repos/sandbox.js';
import { conflictAs } from '../../store/errors.js';
import type { ServiceDeps } from '../deps.js';
import { type Page, type PageRequest, pageInMemory } from '../paging.js';
import { listTestRequests } from './request-log.js';
import { availableBalance } from '../money/balances.js';
import { accountsOf } from '../money/ledger.js';
import { finishPayout, startPayout, topUpWallet } from '../money/payouts.js';
import { requirePayment } from '../payments/queries.js';
import { transitionPayment, type TransitionResult } from '../payments/transition.js';

export type SandboxOutcome = 'paid' | 'failed' | 'cancelled' | 'expired';

/** What a CI test does instead of clicking the checkout page: finish a test payment as it likes. */
export async function completeTestPayment(deps: ServiceDeps, merchantId: MerchantId, paymentId: PaymentId, outcome: SandboxOutcome): Promise<TransitionResult> {
  const payment = await requirePayment(deps, merchantId, paymentId);
  if (payment.mode !== 'test') throw new TollgateError('forbidden', 'sandbox controls act on test payments only');
  return transitionPayment(deps, paymentId, {
    to: outcome,
    from: ['created', 'pending'],
    reason: `sandbox: completed as ${outcome}`,
    ...(outcome === 'failed' && { failureCode: 'sandbox', failureMessage: 'Failed by the sandbox controls' }),
  });
}

async function requireOwnIntegration(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId) {
  const integration = await findIntegration(deps.store.db, merchantId, integrationId);
  if (!integration) throw new TollgateError('not_found', `integration ${integrationId} not found`);
  return integration;
}

/**
 * The integration a sandbox control may change: the merchant's own and still in test mode. A live
 * integration's jobs include live deliveries and expiries, which no control may move.
 */
async function requireTestIntegration(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId) {
  const integration = await requireOwnIntegration(deps, merchantId, integrationId);
  if (integration.mode === 'live') throw liveRefusal(integrationId);
  return integration;
}

export function liveRefusal(integrationId: IntegrationId): TollgateError {
  return new TollgateError('forbidden', `sandbox controls act on test-mode integrations only: integration ${integrationId} is live`);
}

/**
 * Moves an integration's sandbox clock forward: its waiting timers, expiries and retry waits come
 * closer by `ms`, so those that fall due fire at the worker's next pass.
 */
export async function advanceSandboxClock(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, ms: number): Promise<{ offsetMs: number; jobsMoved: number }> {
  await requireTestIntegration(deps, merchantId, integrationId);
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new TollgateError('validation', 'advance by a positive number of seconds');
  const jobsMoved = await deps.store.transaction(async (tx) => {
    await addSandboxOffset(tx, integrationId, ms);
    await shiftPaymentExpiries(tx, integrationId, ms);
    return shiftJobs(tx, integrationId, ms);
  });
  return { offsetMs: await getSandboxOffset(deps.store.db, integrationId), jobsMoved };
}

/** Readable for a live integration too: it only shows what test-mode requests carried. */
export async function requestLog(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, limit: number): Promise<{ requests: RequestLogEntry[]; failedNotLogged: number }> {
  await requireOwnIntegration(deps, merchantId, integrationId);
  return listTestRequests(deps, integrationId, limit);
}

/**
 * A page of the request log, newest first, optionally only the entries that name a payment (its id, or
 * the id or reference a wire handed out for it, in the path, the body or our answer). The log is
 * bounded per integration (maxEntries), so a page is cut from the bounded list.
 */
export async function requestLogPage(
  deps: ServiceDeps,
  merchantId: MerchantId,
  integrationId: IntegrationId,
  q: PageRequest & { paymentId?: PaymentId | undefined },
): Promise<Page<RequestLogEntry> & { failedNotLogged: number }> {
  await requireOwnIntegration(deps, merchantId, integrationId);
  const marks = q.paymentId === undefined ? undefined : await paymentMarks(deps, merchantId, integrationId, q.paymentId);
  const { requests, failedNotLogged } = await listTestRequests(deps, integrationId, Number.MAX_SAFE_INTEGER);
  const kept = marks === undefined ? requests : requests.filter((e) => marks.some((m) => e.path.includes(m) || e.body.includes(m) || e.responseBody.includes(m)));
  return { ...pageInMemory(kept, q, (e) => ({ at: e.createdAt, id: e.id }), (e) => e), failedNotLogged };
}

async function paymentMarks(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, paymentId: PaymentId): Promise<string[]> {
  const p = await requirePayment(deps, merchantId, paymentId);
  if (p.integrationId !== integrationId) throw new TollgateError('not_found', `payment ${paymentId} not found`);
  return [p.id, p.publicId, p.displayRef].filter((m): m is string => typeof m === 'string' && m.length >= 6);
}

export interface CustomerInput {
  name: string;
  email: string;
  phone: string;
  balanceMinor: number;
  currency: Currency;
}

/** Fictitious customers of an integration, who pay test invoices from their balance. */
export async function createFictitiousCustomer(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, input: CustomerInput): Promise<FictitiousCustomer> {
  await requireTestIntegration(deps, merchantId, integrationId);
  const id = deps.ids.next('customer');
  const now = deps.clock.now();
  await conflictAs('a fictitious customer with this email or phone already exists', () =>
    deps.store.transaction(async (tx) => {
      // The row's balance column is not kept: the wallet's ledger account holds the balance.
      await insertFictitiousCustomer(tx, { id, integration_id: integrationId, name: input.name, email: input.email.trim().toLowerCase(), phone: input.phone.trim(), balance_minor: 0, currency: input.currency, created_at: now });
      if (input.balanceMinor > 0) await topUpWallet(tx, deps, { refId: id, integrationId, customerId: id, currency: input.currency, amountMinor: input.balanceMinor });
    }),
  );
  return (await findFictitiousCustomerById(deps.store.db, integrationId, id))!;
}

export async function reloadFictitiousCustomer(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, customerId: CustomerId, amountMinor: number): Promise<FictitiousCustomer> {
  await requireTestIntegration(deps, merchantId, integrationId);
  const c = await findFictitiousCustomerById(deps.store.db, integrationId, customerId);
  if (!c) throw new TollgateError('not_found', `customer ${customerId} not found`);
  await deps.store.transaction((tx) => topUpWallet(tx, deps, { refId: `reload_${randomAlphanumeric(16)}`, integrationId, customerId, currency: c.currency, amountMinor }));
  return (await findFictitiousCustomerById(deps.store.db, integrationId, customerId))!;
}

/** Readable for a live integration too: PayDunya's sandbox base still serves its test keys. */
export async function fictitiousCustomers(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId): Promise<FictitiousCustomer[]> {
  await requireOwnIntegration(deps, merchantId, integrationId);
  return listFictitiousCustomers(deps.store.db, integrationId);
}

/**
 * A test payout: takes money off the integration's test balance, as the daily payout does. What a
 * test uses to reach "insufficient balance" for a refund.
 */
export async function sandboxPayout(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, currency: Currency, amountMinor?: number): Promise<{ paidOut: number; balance: number }> {
  await requireTestIntegration(deps, merchantId, integrationId);
  const account = accountsOf(integrationId, 'test', currency).available;
  // Without an amount, everything available at this moment; the guarded debit still decides.
  const amount = amountMinor ?? (await availableBalance(deps, account));
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new TollgateError('validation', 'there is nothing to pay out');
  await deps.store.transaction(async (tx) => {
    const id = await startPayout(tx, deps, { integrationId, merchantId, mode: 'test', currency, amountMinor: amount, refusal: 'the test balance is smaller than this payout' });
    // A test payout is simulated end to end: it reaches the (fictitious) bank at once.
    await finishPayout(tx, deps, { id, integrationId, mode: 'test', currency, amountMinor: amount }, 'paid');
  });
  return { paidOut: amount, balance: await availableBalance(deps, account) };
}
