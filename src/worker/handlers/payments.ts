import { TollgateError } from '../../core/errors.js';
import { findPaymentById } from '../../store/repos/payments.js';
import { advanceRefund } from '../../services/payments/refunds.js';
import { transitionPayment } from '../../services/payments/transition.js';
import { DONE, type Handler } from './types.js';

/** A timer that no longer applies (the payment moved on) is simply dropped. */
function staleIsDone(err: unknown): typeof DONE {
  if (err instanceof TollgateError && (err.code === 'conflict' || err.code === 'invalid_state' || err.code === 'not_found')) return DONE;
  throw err;
}

/** A sandbox rail's timed outcome: a test phone that pays after 5 s, a BLIK code that errors after 20 s. */
export const timer: Handler<'timer'> = async (ctx, p) => {
  try {
    await transitionPayment(ctx.deps, p.paymentId, {
      to: p.to,
      version: p.version,
      from: ['created', 'pending'],
      reason: 'sandbox timer',
      failureCode: p.failureCode,
      failureMessage: p.failureMessage,
    });
    return DONE;
  } catch (err) {
    return staleIsDone(err);
  }
};

/** The payment's validity ran out while it was still open. */
export const expire: Handler<'expire'> = async (ctx, { paymentId }) => {
  const payment = await findPaymentById(ctx.deps.store.db, paymentId);
  if (!payment || (payment.state !== 'created' && payment.state !== 'pending')) return DONE;
  try {
    await transitionPayment(ctx.deps, paymentId, { to: 'expired', from: ['created', 'pending'], reason: 'validity time passed' });
    return DONE;
  } catch (err) {
    return staleIsDone(err);
  }
};

export const refund: Handler<'refund'> = async (ctx, { refundId, to }) => {
  await advanceRefund(ctx.deps, refundId, to);
  return DONE;
};
