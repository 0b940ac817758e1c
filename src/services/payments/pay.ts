import type { PaymentId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { methodTakes, type PaymentMethod } from '../../core/payment-methods.js';
import { isOpen } from '../../core/payment-state.js';
import { findIntegrationAnyMerchant } from '../../store/repos/integrations.js';
import type { Integration } from '../../store/repos/integrations.js';
import { findPaymentById, type Payment, updatePaymentIfVersion } from '../../store/repos/payments.js';
import type { Db, Tx } from '../../store/schema.js';
import type { ServiceDeps } from '../deps.js';
import type { InTx } from '../in-tx.js';
import { feeFor } from '../money/fees.js';
import { clockOwner, type NewJob, scheduleJobs } from '../jobs.js';
import { payByLinkRail, walletRail } from './rails/bank-and-wallet.js';
import { blikRail } from './rails/blik.js';
import { cardRail } from './rails/cards.js';
import { codeRail, pushRail, xofPushRail } from './rails/mobile-money.js';
import type { Rail, RailInput, RailOutcome } from './rails/rail.js';
import { type CreatePaymentInput, type Created, createPayment, type IdempotencyInput, newCheckoutToken, newPayment, newPaymentRow } from './create.js';
import { transitionInTx } from './transition.js';

/** Every method behind one interface. */
function railFor(method: PaymentMethod, db: Db): Rail {
  switch (method) {
    case 'ecocash':
    case 'onemoney':
      return pushRail;
    case 'innbucks':
    case 'omari':
      return codeRail;
    case 'card':
    case 'zimswitch':
      return cardRail;
    case 'blik':
      return blikRail;
    case 'pay_by_link':
      return payByLinkRail;
    case 'wallet':
      return walletRail(db);
    case 'mobile_money':
      return xofPushRail;
  }
}

export interface PayResult {
  payment: Payment;
  instructions?: string;
  authorization?: { code: string; expiresAt: number; qrUrl?: string };
}

/**
 * The methods that can take live money: each needs a real connector, and this build has none. A live
 * checkout offers only these, and go-live tells the merchant what is missing.
 */
export const LIVE_CONNECTORS: ReadonlySet<PaymentMethod> = new Set<PaymentMethod>();

/** Whether a method can work for a payment of this mode (every method is simulated in test mode). */
export const methodWorksIn = (mode: 'test' | 'live', method: PaymentMethod): boolean => mode === 'test' || LIVE_CONNECTORS.has(method);

function refusal(reason: string, message: string): TollgateError {
  return new TollgateError('refused', message, [], reason);
}

/**
 * Asks the method what happens, without changing anything: the customer's choice is refused (a
 * TollgateError 'refused' with the reason) or accepted with an outcome. In live mode a method with no
 * real connector refuses, so no live money is ever simulated.
 */
async function decide(deps: ServiceDeps, integration: Integration, payment: Payment, method: PaymentMethod, input: RailInput): Promise<Extract<RailOutcome, { kind: 'accepted' }>> {
  if (!integration.enabledMethods.includes(method)) throw refusal('method_not_enabled', `${method} is not enabled for this integration`);
  if (!methodTakes(method, payment.currency)) throw refusal('method_not_enabled', `${method} does not take ${payment.currency} payments`);
  if (!methodWorksIn(payment.mode, method)) throw refusal('no_live_connector', `no live connector is configured for ${method}: Tollgate does not move real money`);
  const outcome = await railFor(method, deps.store.db).test({ payment, method, input, now: deps.clock.now() });
  if (outcome.kind === 'refused') throw refusal(outcome.reason, outcome.message);
  return outcome;
}

/** Applies an accepted outcome inside a transaction: the move, the rail's timers, a wallet debit. */
async function apply(tx: Tx, deps: ServiceDeps, integration: Integration, payment: Payment, method: PaymentMethod, outcome: Extract<RailOutcome, { kind: 'accepted' }>): Promise<Payment> {
  const now = deps.clock.now();
  // The fee is fixed here, when the method that decides it is chosen, before any money moves.
  const fee = await feeFor(tx, integration, payment, method);
  if (!(await updatePaymentIfVersion(tx, payment.id, payment.version, { fee_minor: fee.feeMinor, fee_paid_by: fee.feePaidBy }))) throw new TollgateError('conflict', 'the payment changed meanwhile');
  const timerJobs = (version: number): NewJob[] =>
    outcome.timers.map((t) => ({
      kind: 'timer',
      payload: { paymentId: payment.id, version, to: t.to, failureCode: t.failureCode ?? null, failureMessage: t.failureMessage ?? null },
      runAt: now + t.afterMs,
      integrationId: clockOwner(payment),
    }));
  if (outcome.now !== payment.state) {
    const res = await transitionInTx(tx, deps, payment.id, {
      to: outcome.now,
      from: ['created', 'pending'],
      version: payment.version,
      reason: `method ${method}`,
      method,
      failureCode: outcome.failureCode ?? null,
      failureMessage: outcome.failureMessage ?? null,
      jobs: timerJobs(payment.version + 1),
      ...(outcome.payer && { payer: outcome.payer }),
      ...(outcome.debitCustomerId !== undefined && { payerWallet: { customerId: outcome.debitCustomerId, refuse: () => refusal('insufficient_balance', 'insufficient balance') } }),
    });
    return res.payment;
  }
  // The payment stays where it is (BLIK 444444 stays NEW) but its method is set and its timers start.
  if (!(await updatePaymentIfVersion(tx, payment.id, payment.version, { method, updated_at: now }))) throw new TollgateError('conflict', 'the payment changed meanwhile');
  await scheduleJobs(tx, deps.ids, timerJobs(payment.version), now);
  return { ...payment, ...fee, method, updatedAt: now };
}

function result(payment: Payment, outcome: Extract<RailOutcome, { kind: 'accepted' }>): PayResult {
  return {
    payment,
    ...(outcome.instructions !== undefined && { instructions: outcome.instructions }),
    ...(outcome.authorization !== undefined && { authorization: outcome.authorization }),
  };
}

/**
 * The customer pays an open payment with a method; a refusal changes nothing. `inTx` runs in the same
 * transaction on the payment as it then is (a wire's own detail kept with it).
 */
export async function startPayment(deps: ServiceDeps, paymentId: PaymentId, method: PaymentMethod, input: RailInput, inTx?: InTx<Payment>): Promise<PayResult> {
  const payment = await findPaymentById(deps.store.db, paymentId);
  if (!payment) throw new TollgateError('not_found', `payment ${paymentId} not found`);
  const integration = await findIntegrationAnyMerchant(deps.store.db, payment.integrationId);
  if (!integration) throw new TollgateError('internal', 'integration of a payment vanished');
  if (!isOpen(payment.state)) throw new TollgateError('invalid_state', `the payment is already ${payment.state.replace('_', ' ')}`);
  const outcome = await decide(deps, integration, payment, method, input);
  const after = await deps.store.transaction(async (tx) => {
    const moved = await apply(tx, deps, integration, payment, method, outcome);
    if (inTx) await inTx(tx, moved);
    return moved;
  });
  return result(after, outcome);
}

/**
 * Express checkout: the payment and its method's first step in one transaction. The method decides
 * first, so a refusal (0774444444: "Insufficient balance") stores nothing at all. The response is what
 * `inTx` makes of the started payment in that transaction (stored under the idempotency key, if any).
 */
export async function createAndStartPayment<R>(
  deps: ServiceDeps,
  input: CreatePaymentInput,
  method: PaymentMethod,
  railInput: RailInput,
  inTx: InTx<PayResult, R>,
  idem?: IdempotencyInput,
): Promise<Created<R>> {
  const now = deps.clock.now();
  const id = input.id ?? deps.ids.next('payment');
  const checkoutToken = input.checkoutToken ?? newCheckoutToken();
  // What the payment will be, for the rail to decide on before anything is stored.
  const draft = newPayment(newPaymentRow({ ...input, checkoutToken, displayRef: typeof input.displayRef === 'string' ? input.displayRef : null }, id, now));
  const outcome = await decide(deps, input.integration, draft, method, railInput);
  return createPayment(deps, { ...input, id, checkoutToken }, idem, async (tx, payment) => inTx(tx, result(await apply(tx, deps, input.integration, payment, method, outcome), outcome)));
}
