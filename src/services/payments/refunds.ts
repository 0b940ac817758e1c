import type { IntegrationId, MerchantId, PaymentId, RefundId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { PAID_STATES, REFUNDABLE_STATES } from '../../core/payment-state.js';
import { releaseRefund, reserveRefund } from '../../store/repos/payments.js';
import { postRefund, postRefundReversal } from '../money/payments.js';
import { isUniqueViolation } from '../../store/errors.js';
import { deleteExpiredIdempotency, findIdempotencyRecord, insertIdempotencyRecord } from '../../store/repos/idempotency.js';
import { findRefund, findRefundById, findRefundByPublicId, insertRefund, listRefunds, type Refund, setRefundStatus } from '../../store/repos/refunds.js';
import type { ServiceDeps } from '../deps.js';
import type { InTx } from '../in-tx.js';

export type { Refund } from '../../store/repos/refunds.js';
import { clockOwner, scheduleJobs } from '../jobs.js';
import { fingerprint, IDEMPOTENCY_TTL_MS, type IdempotencyInput, storedAnswer } from './create.js';
import { type Payment, requirePayment } from './queries.js';
import { transitionPayment } from './transition.js';

/** Test-mode refunds move on by themselves: pending after 1 s, successful 2 s later. */
export const TEST_REFUND_STEPS_MS = { pending: 1_000, successful: 3_000 } as const;

/** The smallest refund: Paynow.pl takes a card payment's from 1 PLN, anything else's from one minor unit (spec §3.6). */
function smallestRefund(payment: Payment): number {
  return payment.dialect === 'paynow_pl' && payment.method === 'card' ? 100 : 1;
}

/**
 * A refund against a paid payment. The amount is reserved against what was paid minus what is
 * already refunded, in one statement (concurrent refunds cannot overdraw), and checked against the
 * integration's balance. A live refund needs a real connector, which Tollgate does not have. The
 * response is what `inTx` makes of the new refund in its transaction (stored under the key, if any).
 */
export async function createRefund<R = undefined>(
  deps: ServiceDeps,
  merchantId: MerchantId,
  paymentId: PaymentId,
  input: { amountMinor: number; reason?: string | null; publicId?: string | null },
  idem?: IdempotencyInput,
  inTx?: InTx<Refund, R>,
): Promise<{ refund: Refund; response: R; replayed: boolean }> {
  const payment = await requirePayment(deps, merchantId, paymentId);
  // A retry with its key answers as the first request did, before any check that the first changed the outcome of.
  if (idem) {
    const replay = await replayedRefund<R>(deps, merchantId, payment.integrationId, idem);
    if (replay) return replay;
  }
  const notRefundable = () => new TollgateError('invalid_state', `a payment that is ${payment.state.replaceAll('_', ' ')} cannot be refunded`, [], PAID_STATES.includes(payment.state) ? undefined : 'payment_not_paid');
  if (!PAID_STATES.includes(payment.state)) throw notRefundable();
  const smallest = smallestRefund(payment);
  if (input.amountMinor < smallest) throw new TollgateError('validation', `the refund must be at least ${smallest} minor units`, [{ path: 'amount', message: `should be at least ${smallest}` }], 'refund_too_small');
  if (!Number.isSafeInteger(input.amountMinor)) throw new TollgateError('validation', 'the refund amount must be a positive whole number of minor units', [{ path: 'amount', message: 'must be positive' }]);
  if (!REFUNDABLE_STATES.includes(payment.state)) throw notRefundable();
  if (payment.mode === 'live') throw new TollgateError('refused', 'no live connector is configured for refunds: Tollgate does not move real money', [], 'no_live_connector');
  const now = deps.clock.now();
  const id = deps.ids.next('refund');
  const insertRefundInTx = () =>
    deps.store.transaction(async (tx) => {
    if (idem) await deleteExpiredIdempotency(tx, payment.integrationId, idem.scope, idem.key, now);
    // What remains of the payment first, then the available balance, which the ledger guards.
    if (!(await reserveRefund(tx, payment.id, input.amountMinor, REFUNDABLE_STATES))) {
      throw new TollgateError('validation', 'the refund is larger than what remains of the payment', [{ path: 'amount', message: 'exceeds the amount paid minus earlier refunds' }], 'refund_too_large');
    }
    await postRefund(tx, deps, { id, integrationId: payment.integrationId, mode: payment.mode, currency: payment.currency, amountMinor: input.amountMinor });
    await insertRefund(tx, {
      id,
      payment_id: payment.id,
      integration_id: payment.integrationId,
      merchant_id: merchantId,
      public_id: input.publicId ?? null,
      amount_minor: input.amountMinor,
      currency: payment.currency,
      status: 'new',
      reason: input.reason ?? null,
      created_at: now,
      updated_at: now,
    });
    await scheduleJobs(
      tx,
      deps.ids,
      [
        { kind: 'refund', payload: { refundId: id, to: 'pending' }, runAt: now + TEST_REFUND_STEPS_MS.pending, integrationId: clockOwner(payment) },
        { kind: 'refund', payload: { refundId: id, to: 'successful' }, runAt: now + TEST_REFUND_STEPS_MS.successful, integrationId: clockOwner(payment) },
      ],
      now,
    );
    const made: Refund = { id, paymentId: payment.id, integrationId: payment.integrationId, merchantId, publicId: input.publicId ?? null, amountMinor: input.amountMinor, currency: payment.currency, status: 'new', reason: input.reason ?? null, createdAt: now, updatedAt: now };
    const response = inTx ? await inTx(tx, made) : (undefined as R);
    // In the refund's transaction: a concurrent request with the key fails on the key and creates nothing.
    if (idem) await insertIdempotencyRecord(tx, { integration_id: payment.integrationId, scope: idem.scope, key: idem.key, request_hash: fingerprint(idem.request), response_status: 0, response_body: JSON.stringify({ refundId: id, response }), created_at: now, expires_at: now + IDEMPOTENCY_TTL_MS });
    return response;
  });
  let response: R;
  try {
    response = await insertRefundInTx();
  } catch (err) {
    // Another request with this key committed first: answer as it did.
    const replay = idem && isUniqueViolation(err) ? await replayedRefund<R>(deps, merchantId, payment.integrationId, idem) : undefined;
    if (replay) return replay;
    throw err;
  }
  const refund = await findRefund(deps.store.db, merchantId, id);
  if (!refund) throw new TollgateError('internal', 'refund vanished after insert');
  return { refund, response, replayed: false };
}

/** The stored answer to a refund request with this key, if one was made in the last 24 h; a different request with the key is refused. */
async function replayedRefund<R>(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, idem: IdempotencyInput): Promise<{ refund: Refund; response: R; replayed: true } | undefined> {
  const stored = await findIdempotencyRecord(deps.store.db, integrationId, idem.scope, idem.key, deps.clock.now());
  if (!stored) return undefined;
  const body = storedAnswer<{ refundId: RefundId; response: R }>(stored, idem.request);
  const earlier = await findRefund(deps.store.db, merchantId, body.refundId);
  return earlier && { refund: earlier, response: body.response, replayed: true };
}

/** A wire finds a refund by the id it handed out, then checks the caller may see it. */
export function refundByPublicId(deps: ServiceDeps, publicId: string): Promise<Refund | undefined> {
  return findRefundByPublicId(deps.store.db, publicId);
}

/** Only a refund still NEW can be cancelled; its amount is released. */
export async function cancelRefund(deps: ServiceDeps, merchantId: MerchantId, refundId: RefundId): Promise<Refund> {
  const refund = await findRefund(deps.store.db, merchantId, refundId);
  if (!refund) throw new TollgateError('not_found', `refund ${refundId} not found`);
  const payment = await requirePayment(deps, merchantId, refund.paymentId);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    if (!(await setRefundStatus(tx, refund.id, 'new', 'cancelled', now))) throw new TollgateError('invalid_state', `the refund is ${refund.status}; only a new refund can be cancelled`);
    await releaseRefund(tx, refund.paymentId, refund.amountMinor);
    await postRefundReversal(tx, deps, { id: refund.id, integrationId: refund.integrationId, mode: payment.mode, currency: refund.currency, amountMinor: refund.amountMinor });
  });
  return { ...refund, status: 'cancelled', updatedAt: now };
}

/**
 * The worker moves a test refund along. On success the payment becomes refunded when the successful
 * refunds cover it, else partially refunded.
 */
export async function advanceRefund(deps: ServiceDeps, refundId: RefundId, to: 'pending' | 'successful'): Promise<void> {
  const row = await findRefundById(deps.store.db, refundId);
  if (!row) return;
  const now = deps.clock.now();
  // The two steps may come due in one worker pass and run in either order: success also takes a refund still new.
  const moved = await deps.store.transaction((tx) => setRefundStatus(tx, row.id, to === 'pending' ? 'new' : ['new', 'pending'], to, now));
  if (!moved || to !== 'successful') return;
  const refunds = await listRefunds(deps.store.db, row.paymentId);
  const succeeded = refunds.filter((r) => r.status === 'successful').reduce((sum, r) => sum + r.amountMinor, 0);
  const payment = await requirePayment(deps, row.merchantId, row.paymentId);
  const target = succeeded >= payment.amountMinor ? 'refunded' : 'partially_refunded';
  if (payment.state !== target) await transitionPayment(deps, payment.id, { to: target, reason: `refund ${row.id} successful` });
}
