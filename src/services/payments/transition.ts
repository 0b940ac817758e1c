import type { CustomerId, PaymentId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { canTransition, type PaymentState } from '../../core/payment-state.js';
import { integrationById } from '../merchants/credentials.js';
import { findPaymentById, insertPaymentEvent, isEventVersionTaken, movePaymentVersion, type Payment, updatePaymentIfVersion } from '../../store/repos/payments.js';
import type { Tx } from '../../store/schema.js';
import type { ServiceDeps } from '../deps.js';
import type { InTx } from '../in-tx.js';
import { type NewJob, scheduleJobs } from '../jobs.js';
import { postPaymentMove } from '../money/payments.js';
import { emitNotifications } from '../notify/emit.js';

export interface TransitionInput {
  to: PaymentState;
  reason: string;
  /** Only move if the payment is still in one of these states (a timer set for one attempt). */
  from?: readonly PaymentState[];
  /** Only move if nobody changed the payment since this version. */
  version?: number;
  method?: string | null;
  failureCode?: string | null;
  failureMessage?: string | null;
  /** Who paid, when it becomes known. */
  payer?: { name: string; email: string; phone: string };
  /** Jobs this change causes besides notifications (the timers of a rail). */
  jobs?: NewJob[];
  /** Other writes that must commit with the change, on the payment as moved; throwing aborts everything. */
  inTx?: InTx<Payment>;
  /** The fictitious customer whose wallet pays (on-site payment), and the refusal when it cannot. */
  payerWallet?: { customerId: CustomerId; refuse: () => Error };
}

export interface TransitionResult {
  payment: Payment;
  /** False when the payment was already in the target state: repeating a transition changes nothing. */
  changed: boolean;
}

function found(payment: Payment | undefined, paymentId: PaymentId): Payment {
  if (!payment) throw new TollgateError('not_found', `payment ${paymentId} not found`);
  return payment;
}

/**
 * Whether `payment` may move as asked: false when it is already in the target state (repeating a
 * transition changes nothing); throws when it may not.
 */
function mayMove(payment: Payment, paymentId: PaymentId, input: TransitionInput): boolean {
  if (payment.state === input.to) return false;
  if (input.version !== undefined && payment.version !== input.version) {
    throw new TollgateError('conflict', `payment ${paymentId} changed since version ${input.version}`);
  }
  if (input.from && !input.from.includes(payment.state)) {
    throw new TollgateError('invalid_state', `the payment is ${payment.state.replace('_', ' ')}; it cannot become ${input.to.replace('_', ' ')}`);
  }
  if (!canTransition(payment.state, input.to)) {
    throw new TollgateError('invalid_state', `the payment is ${payment.state.replace('_', ' ')}; it cannot become ${input.to.replace('_', ' ')}`);
  }
  return true;
}

/**
 * The writes of a move from `payment` as read: the row with a version check, the caller's `inTx`, the event
 * with the next version, and every job the change causes (deliveries, timers). `checked` waits for the
 * version check's answer and throws 'conflict' at once when it lost; otherwise the event's version,
 * taken by the winner, fails the transaction (isEventVersionTaken), and nothing waits on the way.
 */
async function move(tx: Tx, deps: ServiceDeps, payment: Payment, input: TransitionInput, checked: boolean): Promise<Payment> {
  const now = deps.clock.now();
  const version = payment.version + 1;
  // What the payer told us completes what the payment knew; an empty field keeps the earlier value.
  const customer = input.payer
    ? { name: input.payer.name || payment.customer.name, email: input.payer.email || payment.customer.email, phone: input.payer.phone || payment.customer.phone }
    : payment.customer;
  const patch = {
    state: input.to,
    version,
    updated_at: now,
    ...(input.method !== undefined && { method: input.method }),
    ...(input.failureCode !== undefined && { failure_code: input.failureCode }),
    ...(input.failureMessage !== undefined && { failure_message: input.failureMessage }),
    ...(input.to === 'paid' && { paid_at: now }),
    ...(input.payer && { customer_name: customer.name, customer_email: customer.email, customer_phone: customer.phone }),
  };
  if (!checked) await movePaymentVersion(tx, payment.id, payment.version, patch);
  else if (!(await updatePaymentIfVersion(tx, payment.id, payment.version, patch))) throw new TollgateError('conflict', `payment ${payment.id} was changed concurrently`);
  const after: Payment = {
    ...payment,
    state: input.to,
    version,
    updatedAt: now,
    method: input.method !== undefined ? input.method : payment.method,
    failureCode: input.failureCode !== undefined ? input.failureCode : payment.failureCode,
    failureMessage: input.failureMessage !== undefined ? input.failureMessage : payment.failureMessage,
    paidAt: input.to === 'paid' ? now : payment.paidAt,
    customer,
  };
  if (input.inTx) await input.inTx(tx, after);
  await insertPaymentEvent(tx, { id: deps.ids.next('event'), payment_id: payment.id, version, from_state: payment.state, to_state: input.to, reason: input.reason, created_at: now });
  const integration = await integrationById(deps, payment.integrationId, tx);
  if (!integration) throw new TollgateError('internal', 'integration of a payment vanished');
  await emitNotifications(tx, deps, integration, after, { version, from: payment.state, to: input.to, at: now });
  if (input.jobs?.length) await scheduleJobs(tx, deps.ids, input.jobs, now);
  // Last: the event's unique version decides a race before the ledger's own uniqueness does, and the
  // account rows stay locked only from here to the commit (nothing after this waits for the pool).
  await postPaymentMove(tx, deps, payment.state, after, input.payerWallet);
  return after;
}

/**
 * The one function that changes a payment's state, in the caller's transaction: it reads the payment
 * there, updates the row with a version check, appends the event with the next version, and inserts
 * every job the change causes. Two concurrent transitions cannot both win: the loser sees the
 * version moved ('conflict').
 */
export async function transitionInTx(tx: Tx, deps: ServiceDeps, paymentId: PaymentId, input: TransitionInput): Promise<TransitionResult> {
  const payment = found(await findPaymentById(tx, paymentId), paymentId);
  if (!mayMove(payment, paymentId, input)) return { payment, changed: false };
  return { payment: await move(tx, deps, payment, input, true), changed: true };
}

/**
 * A transition in its own transaction. The payment is read before it (the transitions asked for at
 * one moment share that read on PostgreSQL), so the transaction itself waits for nothing until its
 * commit; a payment moved meanwhile makes the event's version taken, and the transition runs again
 * against the new state (once more at most): a repeated transition then reports "unchanged", not an
 * error. With `input.version` there is no second try: the caller asked for that version only.
 */
export async function transitionPayment(deps: ServiceDeps, paymentId: PaymentId, input: TransitionInput): Promise<TransitionResult> {
  for (let attempt = 0; ; attempt++) {
    const payment = found(await findPaymentById(deps.store.db, paymentId), paymentId);
    if (!mayMove(payment, paymentId, input)) return { payment, changed: false };
    try {
      return { payment: await deps.store.transaction((tx) => move(tx, deps, payment, input, false)), changed: true };
    } catch (err) {
      if (!isEventVersionTaken(err)) throw err;
      if (input.version !== undefined || attempt >= 2) throw new TollgateError('conflict', `payment ${paymentId} was changed concurrently`);
    }
  }
}
