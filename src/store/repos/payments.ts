import { type IntegrationId, type MerchantId, type PaymentId, storedId } from '../../core/ids.js';
import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Currency } from '../../core/money.js';
import type { PaymentState } from '../../core/payment-state.js';
import type { Db } from '../schema.js';
import type { PaymentEventsTable, PaymentsTable } from '../tables/payments.js';
import { batchedByKey } from '../batched-read.js';
import { unreadCount } from '../database.js';
import { isUniqueViolation } from '../errors.js';
import { insertRows } from '../insert.js';
import { preparedQuery } from '../prepared.js';

export interface PaymentItem {
  name: string;
  quantity: number;
  unitMinor: number;
}

export interface Payment {
  id: PaymentId;
  integrationId: IntegrationId;
  merchantId: MerchantId;
  mode: 'test' | 'live';
  state: PaymentState;
  amountMinor: number;
  currency: Currency;
  version: number;
  dialect: string;
  publicId: string | null;
  displayRef: string | null;
  reference: string | null;
  description: string | null;
  items: PaymentItem[];
  customer: { email: string | null; phone: string | null; name: string | null };
  returnUrl: string | null;
  cancelUrl: string | null;
  notifyUrl: string | null;
  merchantTrace: string | null;
  expiresAt: number | null;
  method: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  refundedMinor: number;
  feeMinor: number;
  feePaidBy: 'merchant' | 'customer';
  paidAt: number | null;
  testCheckout: 'merchant_only' | 'open';
  wireData: Record<string, unknown>;
  /** The hosted checkout's capability ('' when there is none: nothing matches it). */
  checkoutToken: string;
  /** The shop name given with the payment, if any. */
  storeName: string | null;
  createdAt: number;
  updatedAt: number;
}

const n = (v: number | null): number | null => (v === null ? null : Number(v));

export function rowToPayment(r: Selectable<PaymentsTable>): Payment {
  return {
    id: storedId('payment', r.id),
    integrationId: storedId('integration', r.integration_id),
    merchantId: storedId('merchant', r.merchant_id),
    mode: r.mode,
    state: r.state as PaymentState,
    amountMinor: Number(r.amount_minor),
    currency: r.currency as Currency,
    version: Number(r.version),
    dialect: r.dialect,
    publicId: r.public_id,
    displayRef: r.display_ref,
    reference: r.reference,
    description: r.description,
    items: JSON.parse(r.items) as PaymentItem[],
    customer: { email: r.customer_email, phone: r.customer_phone, name: r.customer_name },
    returnUrl: r.return_url,
    cancelUrl: r.cancel_url,
    notifyUrl: r.notify_url,
    merchantTrace: r.merchant_trace,
    expiresAt: n(r.expires_at),
    method: r.method,
    failureCode: r.failure_code,
    failureMessage: r.failure_message,
    refundedMinor: Number(r.refunded_minor),
    feeMinor: Number(r.fee_minor),
    feePaidBy: r.fee_paid_by,
    paidAt: n(r.paid_at),
    testCheckout: r.test_checkout,
    wireData: JSON.parse(r.wire_data) as Record<string, unknown>,
    checkoutToken: r.checkout_token ?? '',
    storeName: r.store_name ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

// The single-payment lookups the wires make on every request, compiled once (store/prepared.ts).
const byMerchantAndId = preparedQuery((db, p: { id: PaymentId; merchantId: MerchantId }) => db.selectFrom('payments').selectAll().where('id', '=', p.id).where('merchant_id', '=', p.merchantId));
const byPublicId = preparedQuery((db, p: { publicId: string }) => db.selectFrom('payments').selectAll().where('public_id', '=', p.publicId));
const byPublicIds = preparedQuery((db, p: { publicIds: string[] }) => db.selectFrom('payments').selectAll().where('public_id', '=', sql<string>`any(${p.publicIds})`));
const byPublicIdBatched = batchedByKey({
  one: async (db, publicId) => (await byPublicId(db, { publicId }))[0],
  many: (db, publicIds) => byPublicIds(db, { publicIds }),
  keyOf: (r) => r.public_id ?? '',
});
const byId = preparedQuery((db, p: { id: PaymentId }) => db.selectFrom('payments').selectAll().where('id', '=', p.id));
const byIds = preparedQuery((db, p: { ids: string[] }) => db.selectFrom('payments').selectAll().where('id', '=', sql<string>`any(${p.ids})`));
const byIdBatched = batchedByKey({
  one: async (db, id) => (await byId(db, { id: storedId('payment', id) }))[0],
  many: (db, ids) => byIds(db, { ids }),
  keyOf: (r) => r.id,
});
const byDisplayRef = preparedQuery((db, p: { dialect: string; displayRef: string }) => db.selectFrom('payments').selectAll().where('dialect', '=', p.dialect).where('display_ref', '=', p.displayRef));
const byTrace = preparedQuery((db, p: { merchantId: MerchantId; trace: string }) => db.selectFrom('payments').selectAll().where('merchant_id', '=', p.merchantId).where('merchant_trace', '=', p.trace));

export async function insertPayment(db: Db, row: Insertable<PaymentsTable>): Promise<void> {
  await insertRows(db, 'payments', [row]);
}

/** Scoped by merchant: another merchant's payment is not found. */
export async function findPayment(db: Db, merchantId: MerchantId, id: PaymentId): Promise<Payment | undefined> {
  const [r] = await byMerchantAndId(db, { id, merchantId });
  return r && rowToPayment(r);
}

/** By the id a wire handed out; the wire then checks the caller owns it. */
export async function findPaymentByPublicId(db: Db, publicId: string): Promise<Payment | undefined> {
  const r = await byPublicIdBatched(db, publicId);
  return r && rowToPayment(r);
}

/** For the worker and the checkout page, which hold an id from a row they trust. */
export async function findPaymentById(db: Db, id: PaymentId): Promise<Payment | undefined> {
  const r = await byIdBatched(db, id);
  return r && rowToPayment(r);
}

export async function findPaymentByDisplayRef(db: Db, dialect: string, displayRef: string): Promise<Payment | undefined> {
  const [r] = await byDisplayRef(db, { dialect, displayRef });
  return r && rowToPayment(r);
}

export async function findPaymentByTrace(db: Db, merchantId: MerchantId, trace: string): Promise<Payment | undefined> {
  const [r] = await byTrace(db, { merchantId, trace });
  return r && rowToPayment(r);
}

export async function listPayments(db: Db, merchantId: MerchantId, integrationId: IntegrationId, limit: number): Promise<Payment[]> {
  const rows = await db
    .selectFrom('payments')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('integration_id', '=', integrationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToPayment);
}

/** The version check: the update wins only if nobody moved the payment since it was read. */
export async function updatePaymentIfVersion(db: Db, id: PaymentId, version: number, patch: Updateable<PaymentsTable>): Promise<boolean> {
  const r = await db.updateTable('payments').set(patch).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * The version move without its answer: it changes the row only if nobody moved the payment since it
 * was read, and nobody learns whether it did. What decides is the event with the next version, which
 * every move inserts: a lost race finds that version taken (isEventVersionTaken) and fails its
 * transaction. On PostgreSQL, inside a transaction, it then costs no round trip (unreadCount).
 */
export async function movePaymentVersion(db: Db, id: PaymentId, version: number, patch: Updateable<PaymentsTable>): Promise<void> {
  await db.updateTable('payments').set(patch).where('id', '=', id).where('version', '=', version).modifyEnd(unreadCount).execute();
}

/** True when an event's version was already taken: another move of the payment won. */
export function isEventVersionTaken(err: unknown): boolean {
  if (!isUniqueViolation(err)) return false;
  const e = err as { constraint?: unknown; message?: unknown };
  // PostgreSQL names the index; SQLite names its columns.
  return e.constraint === 'payment_events_version' || String(e.message).includes('payment_events.payment_id, payment_events.version');
}

export async function insertPaymentEvent(db: Db, row: PaymentEventsTable): Promise<void> {
  await insertRows(db, 'payment_events', [row]);
}

export interface PaymentEvent {
  version: number;
  from: PaymentState | null;
  to: PaymentState;
  reason: string | null;
  at: number;
}

export async function listPaymentEvents(db: Db, paymentId: PaymentId): Promise<PaymentEvent[]> {
  const rows = await db.selectFrom('payment_events').selectAll().where('payment_id', '=', paymentId).orderBy('version').execute();
  return rows.map((r) => ({ version: Number(r.version), from: r.from_state as PaymentState | null, to: r.to_state as PaymentState, reason: r.reason, at: Number(r.created_at) }));
}

export async function countPayments(db: Db, integrationId: IntegrationId, mode: 'test' | 'live', state: string): Promise<number> {
  const r = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('integration_id', '=', integrationId)
    .where('mode', '=', mode)
    .where('state', '=', state)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function countPaymentsByState(db: Db): Promise<Array<{ state: string; n: number }>> {
  const rows = await db.selectFrom('payments').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
  return rows.map((r) => ({ state: r.state, n: Number(r.n) }));
}

/** Moves a payment's expiry with its integration's sandbox clock. */
export async function shiftPaymentExpiries(db: Db, integrationId: IntegrationId, ms: number): Promise<void> {
  await db
    .updateTable('payments')
    .set((eb) => ({ expires_at: eb('expires_at', '-', ms) }))
    .where('integration_id', '=', integrationId)
    .where('mode', '=', 'test')
    .where('expires_at', 'is not', null)
    .where('state', 'in', ['created', 'pending'])
    .execute();
}

/**
 * Reserves a refund amount against a payment in one statement: it succeeds only while the total
 * refunded stays within the amount paid, so two concurrent refunds cannot both overdraw it.
 */
export async function reserveRefund(db: Db, paymentId: PaymentId, amountMinor: number, refundableStates: readonly string[]): Promise<boolean> {
  const r = await db
    .updateTable('payments')
    .set((eb) => ({ refunded_minor: eb('refunded_minor', '+', amountMinor) }))
    .where('id', '=', paymentId)
    .where('state', 'in', [...refundableStates])
    .where((eb) => eb(eb('refunded_minor', '+', amountMinor), '<=', eb.ref('amount_minor')))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseRefund(db: Db, paymentId: PaymentId, amountMinor: number): Promise<void> {
  await db.updateTable('payments').set((eb) => ({ refunded_minor: eb('refunded_minor', '-', amountMinor) })).where('id', '=', paymentId).execute();
}


/** Adds keys to the wire-only data of a payment (what one dialect keeps and only it reads). */
export async function mergeWireData(db: Db, id: PaymentId, patch: Record<string, unknown>): Promise<void> {
  const r = await db.selectFrom('payments').select('wire_data').where('id', '=', id).executeTakeFirst();
  if (!r) return;
  await db.updateTable('payments').set({ wire_data: JSON.stringify({ ...(JSON.parse(r.wire_data) as Record<string, unknown>), ...patch }) }).where('id', '=', id).execute();
}
