import { createHash } from 'node:crypto';
import { TollgateError } from '../../core/errors.js';
import { type PaymentId, randomBytesPooled } from '../../core/ids.js';
import type { Currency } from '../../core/money.js';
import { isUniqueViolation } from '../../store/errors.js';
import { deleteExpiredIdempotency, findIdempotencyRecord, insertIdempotencyRecord, type StoredResponse } from '../../store/repos/idempotency.js';
import type { Integration } from '../../store/repos/integrations.js';
import { insertPayment, insertPaymentEvent, type Payment, type PaymentItem, rowToPayment } from '../../store/repos/payments.js';
import type { Tx } from '../../store/schema.js';
import type { ServiceDeps } from '../deps.js';
import type { InTx } from '../in-tx.js';
import { scheduleJobs } from '../jobs.js';
import type { DialectName } from '../notify/formatter.js';
import { emitNotifications } from '../notify/emit.js';

/** Idempotency records are kept for a day at least (Stripe keeps 24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

export interface CreatePaymentInput {
  integration: Integration;
  mode: 'test' | 'live';
  dialect: DialectName;
  amountMinor: number;
  currency: Currency;
  reference?: string | null;
  description?: string | null;
  items?: PaymentItem[];
  customer?: { email?: string | null; phone?: string | null; name?: string | null };
  returnUrl?: string | null;
  cancelUrl?: string | null;
  notifyUrl?: string | null;
  merchantTrace?: string | null;
  /** How long the payment can be paid; the default is the caller's (each wire has its own). */
  validForMs: number;
  /** The payment's id, when the caller needs it before the insert. */
  id?: PaymentId;
  publicId?: string | null;
  /** The hosted checkout's capability; drawn here unless a caller drew it first (a rail's draft must match the row). */
  checkoutToken?: string;
  /** A shop name given with this payment (shown on the checkout instead of the merchant's company name). */
  storeName?: string | null;
  /** A second reference; a function draws a new one if the first collides. */
  displayRef?: string | null | (() => string);
  testCheckout?: 'merchant_only' | 'open';
  wireData?: Record<string, unknown>;
}

/**
 * What makes a create request replayable: a scope (wire and route), the key, and the request's
 * fingerprint. The answer stored and replayed under the key is what the create's `inTx` returned.
 */
export interface IdempotencyInput {
  scope: string;
  key: string;
  /** Any canonical text of the request; two requests are "the same" when these are equal. */
  request: string;
}

export type Created<R> = { payment: Payment; response: R; replayed: false } | { payment: undefined; response: R; replayed: true };

export function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The body stored under an Idempotency-Key, when this is the request it was stored for; another request under the key is refused. */
export function storedAnswer<T>(stored: StoredResponse, request: string): T {
  if (stored.requestHash !== fingerprint(request)) throw new TollgateError('idempotency_mismatch', 'this Idempotency-Key was already used with a different request');
  return JSON.parse(stored.body) as T;
}

/** 128 random bits: the part of a checkout URL nobody can guess from a payment's reference. */
export function newCheckoutToken(): string {
  return randomBytesPooled(16).toString('hex');
}

/** The row a new payment is inserted as; also what it looks like before it exists (a rail decides on it). */
export function newPaymentRow(input: CreatePaymentInput, id: PaymentId, now: number) {
  return {
    id,
    integration_id: input.integration.id,
    merchant_id: input.integration.merchantId,
    mode: input.mode,
    state: 'created',
    amount_minor: input.amountMinor,
    currency: input.currency,
    version: 1,
    created_at: now,
    updated_at: now,
    dialect: input.dialect,
    public_id: input.publicId ?? null,
    display_ref: typeof input.displayRef === 'function' ? input.displayRef() : (input.displayRef ?? null),
    reference: input.reference ?? null,
    description: input.description ?? null,
    items: JSON.stringify(input.items ?? []),
    customer_email: input.customer?.email ?? null,
    customer_phone: input.customer?.phone ?? null,
    customer_name: input.customer?.name ?? null,
    return_url: input.returnUrl ?? null,
    cancel_url: input.cancelUrl ?? null,
    notify_url: input.notifyUrl ?? null,
    merchant_trace: input.merchantTrace ?? null,
    expires_at: now + input.validForMs,
    method: null,
    failure_code: null,
    failure_message: null,
    paid_at: null,
    test_checkout: input.testCheckout ?? 'merchant_only',
    wire_data: JSON.stringify(input.wireData ?? {}),
    checkout_token: input.checkoutToken ?? newCheckoutToken(),
    store_name: input.storeName ?? null,
  } as const;
}

/** A payment as its new row describes it. */
export function newPayment(row: ReturnType<typeof newPaymentRow>): Payment {
  return rowToPayment({ fee_minor: 0, fee_paid_by: 'merchant', ...row, refunded_minor: 0 });
}

async function insertCreated(tx: Tx, deps: ServiceDeps, input: CreatePaymentInput, now: number): Promise<Payment> {
  const id = input.id ?? deps.ids.next('payment');
  const row = newPaymentRow(input, id, now);
  await insertPayment(tx, row);
  await insertPaymentEvent(tx, { id: deps.ids.next('event'), payment_id: id, version: 1, from_state: null, to_state: 'created', reason: 'created', created_at: now });
  // The row as inserted is the payment: no need to read it back.
  const payment = newPayment(row);
  await emitNotifications(tx, deps, input.integration, payment, { version: 1, from: null, to: 'created', at: now });
  await scheduleJobs(tx, deps.ids, [{ kind: 'expire', payload: { paymentId: id }, runAt: row.expires_at, integrationId: input.mode === 'test' ? input.integration.id : null }], now);
  return payment;
}

function violated(err: unknown, column: string): boolean {
  return isUniqueViolation(err) && String((err as Error)?.message ?? '').includes(column);
}

/**
 * Creates a payment: the row, its first event and its expiry job, the caller's `inTx` (an express
 * checkout's first step, a one-time code's mail; what it returns is the response) and, with an
 * idempotency key, the stored response, in one transaction. The same key with the same request returns
 * the stored response; with a different request it is an error; two concurrent requests with one key
 * create one payment (the loser hits the key's primary key and replays the winner's response).
 */
export async function createPayment<R = undefined>(deps: ServiceDeps, input: CreatePaymentInput, idem?: IdempotencyInput, inTx?: InTx<Payment, R>): Promise<Created<R>> {
  const now = deps.clock.now();
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw new TollgateError('validation', 'the amount must be a positive whole number of minor units');
  const replay = (stored: StoredResponse, request: string): Created<R> => ({ payment: undefined, response: storedAnswer<R>(stored, request), replayed: true });
  // The key is looked up before the transaction (a read outside one sees only committed rows): there
  // concurrent creates do not queue behind each other's round trips, as they would inside a group of
  // transactions. A request that commits the same key in between makes this insert collide, and the
  // next run looks inside its transaction; so does the run after a collision with the key's expired
  // record, which it removes.
  if (idem) {
    const stored = await findIdempotencyRecord(deps.store.db, input.integration.id, idem.scope, idem.key, now);
    if (stored) return replay(stored, idem.request);
  }
  const run = (attempt: number) =>
    deps.store.transaction(async (tx) => {
      if (idem && attempt > 0) {
        await deleteExpiredIdempotency(tx, input.integration.id, idem.scope, idem.key, now);
        const stored = await findIdempotencyRecord(tx, input.integration.id, idem.scope, idem.key, now);
        if (stored) return { stored };
      }
      const payment = await insertCreated(tx, deps, input, now);
      const response = inTx ? await inTx(tx, payment) : (undefined as R);
      if (idem) {
        await insertIdempotencyRecord(tx, {
          integration_id: input.integration.id,
          scope: idem.scope,
          key: idem.key,
          request_hash: fingerprint(idem.request),
          response_status: 0,
          response_body: JSON.stringify(response ?? null),
          created_at: now,
          expires_at: now + IDEMPOTENCY_TTL_MS,
        });
      }
      return { payment, response };
    });
  let result: Awaited<ReturnType<typeof run>> | undefined;
  for (let attempt = 0; result === undefined; attempt++) {
    try {
      result = await run(attempt);
    } catch (err) {
      if (violated(err, 'merchant_trace')) throw new TollgateError('conflict', 'this merchant trace was already used', [{ path: 'merchanttrace', message: 'must be unique' }], 'duplicate_trace');
      // A drawn display reference collided: draw again.
      if (violated(err, 'display_ref') && typeof input.displayRef === 'function' && attempt < 5) continue;
      // Another request with this idempotency key committed first (the next run answers as it did), or the
      // key's record expired (the next run removes it).
      if (idem && isUniqueViolation(err) && attempt < 1) continue;
      throw err;
    }
  }
  if ('stored' in result && result.stored && idem) return replay(result.stored, idem.request);
  const { payment, response } = result as { payment: Payment; response: R };
  return { payment, response, replayed: false };
}
