import { TollgateError } from '../../core/errors.js';
import type { PaymentMethod } from '../../core/payment-methods.js';
import { isOpen, type PaymentState } from '../../core/payment-state.js';
import { findIntegrationAnyMerchant } from '../../store/repos/integrations.js';
import { findPaymentById, type Payment, updatePaymentIfVersion } from '../../store/repos/payments.js';
import { debitFictitiousCustomer } from '../../store/repos/sandbox.js';
import type { Db } from '../../store/schema.js';
import type { ServiceDeps } from '../deps.js';
import { type NewJob, scheduleJobs } from '../jobs.js';
import { payByLinkRail, walletRail } from './rails/bank-and-wallet.js';
import { blikRail } from './rails/blik.js';
import { cardRail } from './rails/cards.js';
import { codeRail, pushRail } from './rails/mobile-money.js';
import type { Rail, RailInput, RailOutcome } from './rails/rail.js';
import { transitionPayment } from './transition.js';

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
  }
}

export interface PayResult {
  payment: Payment;
  instructions?: string;
  authorization?: { code: string; expiresAt: number; qrUrl?: string };
}

function refusal(reason: string, message: string): TollgateError {
  return new TollgateError('refused', message, [], reason);
}

/**
 * The customer (or an express request) pays with a method. In test mode the method's simulator
 * decides; in live mode a method with no real connector refuses, so no live money is ever simulated.
 * A refusal changes nothing; an acceptance moves the payment and schedules the rail's timers in one
 * transaction.
 */
export async function startPayment(deps: ServiceDeps, paymentId: string, method: PaymentMethod, input: RailInput): Promise<PayResult> {
  const payment = await findPaymentById(deps.store.db, paymentId);
  if (!payment) throw new TollgateError('not_found', `payment ${paymentId} not found`);
  const integration = await findIntegrationAnyMerchant(deps.store.db, payment.integrationId);
  if (!integration) throw new TollgateError('internal', 'integration of a payment vanished');
  if (!integration.enabledMethods.includes(method)) throw refusal('method_not_enabled', `${method} is not enabled for this integration`);
  if (!isOpen(payment.state)) throw new TollgateError('invalid_state', `the payment is already ${payment.state.replace('_', ' ')}`);
  if (payment.mode === 'live') {
    throw refusal('no_live_connector', `no live connector is configured for ${method}: Tollgate does not move real money`);
  }
  const now = deps.clock.now();
  const outcome: RailOutcome = await railFor(method, deps.store.db).test({ payment, method, input, now });
  if (outcome.kind === 'refused') throw refusal(outcome.reason, outcome.message);

  const timerJobs = (version: number): NewJob[] =>
    outcome.timers.map((t) => ({
      kind: 'timer',
      payload: { paymentId, version, to: t.to, failureCode: t.failureCode ?? null, failureMessage: t.failureMessage ?? null },
      runAt: now + t.afterMs,
      integrationId: payment.integrationId,
    }));
  let after: Payment = payment;
  const target: PaymentState = outcome.now;
  if (target !== payment.state) {
    const res = await transitionPayment(deps, paymentId, {
      to: target,
      from: ['created', 'pending'],
      version: payment.version,
      reason: `method ${method}`,
      method,
      failureCode: outcome.failureCode ?? null,
      failureMessage: outcome.failureMessage ?? null,
      jobs: timerJobs(payment.version + 1),
      ...(outcome.debitCustomerId !== undefined && {
        effects: async (tx) => {
          if (!(await debitFictitiousCustomer(tx, outcome.debitCustomerId as string, payment.amountMinor))) {
            throw refusal('insufficient_balance', 'insufficient balance');
          }
        },
      }),
    });
    after = res.payment;
  } else if (outcome.timers.length > 0) {
    // The payment stays where it is (BLIK 444444 stays NEW) but its timers start: one transaction,
    // guarded by the version so a concurrent change wins cleanly.
    after = await deps.store.transaction(async (tx) => {
      const moved = await updatePaymentIfVersion(tx, paymentId, payment.version, { method, updated_at: now });
      if (!moved) throw new TollgateError('conflict', 'the payment changed meanwhile');
      await scheduleJobs(tx, deps.ids, timerJobs(payment.version), now);
      return { ...payment, method, updatedAt: now };
    });
  }
  return {
    payment: after,
    ...(outcome.instructions !== undefined && { instructions: outcome.instructions }),
    ...(outcome.authorization !== undefined && { authorization: outcome.authorization }),
  };
}
