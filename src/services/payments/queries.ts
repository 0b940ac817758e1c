import { constantTimeEqual } from '../../core/crypto.js';
import { TollgateError } from '../../core/errors.js';
import { feeSplit } from '../../core/fees.js';
import { formatDecimal } from '../../core/money.js';
import { findIntegration } from '../../store/repos/integrations.js';
import { countPaymentsByState, findPayment, mergeWireData, findPaymentByDisplayRef, findPaymentByPublicId, findPaymentByTrace, listPaymentEvents, listPayments, type Payment } from '../../store/repos/payments.js';
import { listRefunds } from '../../store/repos/refunds.js';
import type { ServiceDeps } from '../deps.js';

export type { Payment } from '../../store/repos/payments.js';

export interface PaymentView {
  id: string;
  integrationId: string;
  mode: 'test' | 'live';
  state: string;
  version: number;
  amount: { minor: number; currency: string; decimal: string };
  refunded: { minor: number; decimal: string };
  /** The gateway's fee, who pays it, and what the merchant receives (amount less a merchant-paid fee). */
  fee: { minor: number; decimal: string; paidBy: 'merchant' | 'customer' };
  net: { minor: number; decimal: string };
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
  const net = feeSplit(p.amountMinor, p.feeMinor, p.feePaidBy).netMinor;
  return {
    id: p.id,
    integrationId: p.integrationId,
    mode: p.mode,
    state: p.state,
    version: p.version,
    amount: { minor: p.amountMinor, currency: p.currency, decimal: formatDecimal(p.amountMinor, p.currency) },
    refunded: { minor: p.refundedMinor, decimal: formatDecimal(p.refundedMinor, p.currency) },
    fee: { minor: p.feeMinor, decimal: formatDecimal(p.feeMinor, p.currency), paidBy: p.feePaidBy },
    net: { minor: net, decimal: formatDecimal(net, p.currency) },
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

export async function requirePayment(deps: ServiceDeps, merchantId: string, id: string): Promise<Payment> {
  const p = await findPayment(deps.store.db, merchantId, id);
  if (!p) throw new TollgateError('not_found', `payment ${id} not found`);
  return p;
}

export async function getPaymentDetail(deps: ServiceDeps, merchantId: string, id: string) {
  const p = await requirePayment(deps, merchantId, id);
  const [events, refunds] = await Promise.all([listPaymentEvents(deps.store.db, p.id), listRefunds(deps.store.db, p.id)]);
  return {
    payment: paymentView(deps, p),
    events: events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    refunds: refunds.map((r) => ({ id: r.id, amountMinor: r.amountMinor, currency: r.currency, status: r.status, reason: r.reason, createdAt: new Date(r.createdAt).toISOString() })),
  };
}

export async function listIntegrationPayments(deps: ServiceDeps, merchantId: string, integrationId: string, limit: number): Promise<PaymentView[]> {
  if (!(await findIntegration(deps.store.db, merchantId, integrationId))) throw new TollgateError('not_found', `integration ${integrationId} not found`);
  return (await listPayments(deps.store.db, merchantId, integrationId, limit)).map((p) => paymentView(deps, p));
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
export function paymentByTrace(deps: ServiceDeps, merchantId: string, trace: string): Promise<Payment | undefined> {
  return findPaymentByTrace(deps.store.db, merchantId, trace);
}

/** A wire keeps a detail of its own on a payment (the operator a PayDunya SOFTPAY push went through). */
export async function keepWireDetail(deps: ServiceDeps, paymentId: string, patch: Record<string, unknown>): Promise<void> {
  await deps.store.transaction((tx) => mergeWireData(tx, paymentId, patch));
}
