import type { IntegrationId, MerchantId, PaymentId } from '../../core/ids.js';
import { constantTimeEqual } from '../../core/crypto.js';
import { TollgateError } from '../../core/errors.js';
import { feeSplit } from '../../core/fees.js';
import { findIntegration } from '../../store/repos/integrations.js';
import { countPaymentsByState, findPayment, mergeWireData, findPaymentByDisplayRef, findPaymentByPublicId, findPaymentByTrace, listPaymentEvents, type Payment } from '../../store/repos/payments.js';
import { type PaymentFilter, searchPayments } from '../../store/repos/lists.js';
import { listRefunds, type Refund } from '../../store/repos/refunds.js';
import { decodeCursor, type Page, type PageRequest, pageOf } from '../paging.js';
import type { ServiceDeps } from '../deps.js';
import type { InTx } from '../in-tx.js';

export type { Payment } from '../../store/repos/payments.js';

/** A payment as the management API shows it: every amount in minor units of `currency`. */
export interface PaymentView {
  id: PaymentId;
  integrationId: IntegrationId;
  mode: 'test' | 'live';
  dialect: string;
  state: Payment['state'];
  version: number;
  amount: number;
  currency: string;
  refunded: number;
  /** The gateway's fee, who pays it, and what the merchant receives (amount less a merchant-paid fee). */
  fee: number;
  feePaidBy: 'merchant' | 'customer';
  net: number;
  reference: string | null;
  description: string | null;
  items: Payment['items'];
  customer: Payment['customer'];
  method: string | null;
  failure: { code: string; message: string | null } | null;
  returnUrl: string | null;
  cancelUrl: string | null;
  notifyUrl: string | null;
  merchantTrace: string | null;
  checkoutUrl: string;
  expiresAt: string | null;
  paidAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** The query parameter of a checkout URL that carries the payment's capability. */
export const CHECKOUT_CAPABILITY_PARAM = 't';

/** A path of the hosted checkout (its page, or one of its forms), with the capability that opens it. */
export function checkoutPath(payment: Pick<Payment, 'id' | 'checkoutToken'>, form = ''): string {
  return `/pay/${payment.id}${form === '' ? '' : `/${form}`}?${CHECKOUT_CAPABILITY_PARAM}=${payment.checkoutToken}`;
}

/** Whether a capability presented with a payment's own reference is that payment's (constant time; none matches a payment without one). */
export function holdsCheckoutCapability(payment: Pick<Payment, 'checkoutToken'>, capability: string): boolean {
  return payment.checkoutToken !== '' && constantTimeEqual(capability, payment.checkoutToken);
}

/** The hosted checkout's URL handed to merchants and customers: the payment id alone opens nothing. */
export function checkoutUrl(publicUrl: string, payment: Pick<Payment, 'id' | 'checkoutToken'>): string {
  return `${publicUrl}${checkoutPath(payment)}`;
}

export function paymentView(deps: Pick<ServiceDeps, 'publicUrl'>, p: Payment): PaymentView {
  return {
    id: p.id,
    integrationId: p.integrationId,
    mode: p.mode,
    dialect: p.dialect,
    state: p.state,
    version: p.version,
    amount: p.amountMinor,
    currency: p.currency,
    refunded: p.refundedMinor,
    fee: p.feeMinor,
    feePaidBy: p.feePaidBy,
    net: feeSplit(p.amountMinor, p.feeMinor, p.feePaidBy).netMinor,
    reference: p.reference,
    description: p.description,
    items: p.items,
    customer: p.customer,
    method: p.method,
    failure: p.failureCode ? { code: p.failureCode, message: p.failureMessage } : null,
    returnUrl: p.returnUrl,
    cancelUrl: p.cancelUrl,
    notifyUrl: p.notifyUrl,
    merchantTrace: p.merchantTrace,
    checkoutUrl: checkoutUrl(deps.publicUrl, p),
    expiresAt: iso(p.expiresAt),
    paidAt: iso(p.paidAt),
    createdAt: new Date(p.createdAt).toISOString(),
    updatedAt: new Date(p.updatedAt).toISOString(),
  };
}

export async function requirePayment(deps: ServiceDeps, merchantId: MerchantId, id: PaymentId): Promise<Payment> {
  const p = await findPayment(deps.store.db, merchantId, id);
  if (!p) throw new TollgateError('not_found', `payment ${id} not found`);
  return p;
}

/** Refunds as the API shows them: the amount in minor units of `currency`. */
export function refundView(r: Refund) {
  return { id: r.id, paymentId: r.paymentId, amount: r.amountMinor, currency: r.currency, status: r.status, reason: r.reason, createdAt: r.createdAt, updatedAt: r.updatedAt };
}

export async function getPaymentDetail(deps: ServiceDeps, merchantId: MerchantId, id: PaymentId) {
  const p = await requirePayment(deps, merchantId, id);
  const [events, refunds] = await Promise.all([listPaymentEvents(deps.store.db, p.id), listRefunds(deps.store.db, p.id)]);
  return { payment: paymentView(deps, p), events, refunds: refunds.map(refundView) };
}

async function requireIntegration(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId): Promise<void> {
  if (!(await findIntegration(deps.store.db, merchantId, integrationId))) throw new TollgateError('not_found', `integration ${integrationId} not found`);
}

/** A merchant's payments, newest first, filtered; an integration named in the filter must be the merchant's. */
export async function searchMerchantPayments(deps: ServiceDeps, merchantId: MerchantId, filter: PaymentFilter, page: PageRequest): Promise<Page<PaymentView>> {
  if (filter.integrationId !== undefined) await requireIntegration(deps, merchantId, filter.integrationId);
  const rows = await searchPayments(deps.store.db, merchantId, filter, decodeCursor(page.cursor), page.limit);
  return pageOf(rows, page.limit, (p) => ({ at: p.createdAt, id: p.id }), (p) => paymentView(deps, p));
}

/** Every payment matching the filter, a page at a time, for an export that never holds them all. */
export async function* eachMerchantPayment(deps: ServiceDeps, merchantId: MerchantId, filter: PaymentFilter): AsyncGenerator<PaymentView> {
  for (let cursor: string | undefined; ; ) {
    const page = await searchMerchantPayments(deps, merchantId, filter, { limit: 200, cursor });
    yield* page.data;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/** Payments by canonical state, for the metrics. */
export async function paymentStateCounts(deps: ServiceDeps): Promise<Array<{ state: string; n: number }>> {
  return countPaymentsByState(deps.store.db);
}

/** A wire finds a payment by the id it handed out; it then checks the caller may see it. */
export function paymentByPublicId(deps: ServiceDeps, publicId: string): Promise<Payment | undefined> {
  return findPaymentByPublicId(deps.store.db, publicId);
}

export function paymentByDisplayRef(deps: ServiceDeps, dialect: string, displayRef: string): Promise<Payment | undefined> {
  return findPaymentByDisplayRef(deps.store.db, dialect, displayRef);
}

/** Scoped by merchant: merchant traces are unique per merchant. */
export function paymentByTrace(deps: ServiceDeps, merchantId: MerchantId, trace: string): Promise<Payment | undefined> {
  return findPaymentByTrace(deps.store.db, merchantId, trace);
}

/** A wire keeps a detail of its own on a payment (the operator a PayDunya SOFTPAY push went through), in the change's transaction. */
export function keepWireDetail(patch: Record<string, unknown>): InTx<Payment> {
  return async (tx, payment) => {
    await mergeWireData(tx, payment.id, patch);
  };
}
