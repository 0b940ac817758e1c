import type { MerchantId, PaymentId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { isPaymentMethod, methodTakes, PAYMENT_METHODS, type PaymentMethod } from '../../core/payment-methods.js';
import { isOpen } from '../../core/payment-state.js';
import { findIntegrationAnyMerchant } from '../../store/repos/integrations.js';
import { findMerchant } from '../../store/repos/merchants.js';
import { findPaymentById, type Payment } from '../../store/repos/payments.js';
import type { ServiceDeps } from '../deps.js';
import { feeFor } from '../money/fees.js';
import { completeTestPayment } from '../sandbox/controls.js';
import { methodWorksIn, type PayResult, startPayment } from './pay.js';
import { holdsCheckoutCapability } from './queries.js';
import type { RailInput } from './rails/rail.js';
import { transitionPayment } from './transition.js';

/** Who is looking at a checkout page: a merchant logged in, or anyone with the link. */
export interface CheckoutViewer {
  merchantId: MerchantId | null;
}

/** What a checkout URL names: the payment, and the capability that alone lets a visitor see or act on it. */
export interface CheckoutKey {
  paymentId: PaymentId;
  capability: string;
}

/** Why nobody can pay this payment from the page, although it is still open. */
export type CheckoutBlock = 'expired' | 'integration_disabled';

/** What the hosted checkout page shows, decided here so the page only renders. */
export interface CheckoutView {
  payment: Payment;
  merchantName: string;
  /** The shop name given with the payment (a PayDunya invoice's store), shown where it is given. */
  storeName: string | null;
  /** The integration's enabled methods that can work for this payment (its currency, and a live connector in live mode), in the gateway's order. */
  methods: PaymentMethod[];
  /** The visitor is the merchant who owns the integration, logged in. */
  isOwner: boolean;
  /**
   * Test mode with `merchant_only` and a visitor who is not the owning merchant: the merchant is in
   * testing and this visitor cannot pay (Paynow Zimbabwe's rule).
   */
  merchantTesting: boolean;
  /** The visitor may use the methods (and cancel) now. */
  canPay: boolean;
  /** The visitor may fake the outcome (test mode, the owning merchant only). */
  canFake: boolean;
  blocked: CheckoutBlock | null;
  /** The fee each method adds to what the customer pays (none when the integration absorbs fees). */
  customerFees: Partial<Record<PaymentMethod, number>>;
}

export const MERCHANT_TESTING_MESSAGE =
  'This merchant is in testing: the payment cannot be made. Only the merchant account used to create the integration can log in and test it.';

async function load(deps: ServiceDeps, key: CheckoutKey) {
  const payment = await findPaymentById(deps.store.db, key.paymentId);
  // A wrong or missing capability answers exactly like an unknown payment: the id alone reveals nothing.
  if (!payment || !holdsCheckoutCapability(payment, key.capability)) throw new TollgateError('not_found', 'this payment does not exist');
  const [integration, merchant] = await Promise.all([findIntegrationAnyMerchant(deps.store.db, payment.integrationId), findMerchant(deps.store.db, payment.merchantId)]);
  if (!integration || !merchant) throw new TollgateError('internal', 'the integration or merchant of a payment vanished');
  return { payment, integration, merchant };
}

function decide(deps: ServiceDeps, loaded: Awaited<ReturnType<typeof load>>, viewer: CheckoutViewer): CheckoutView {
  const { payment, integration, merchant } = loaded;
  const isOwner = viewer.merchantId !== null && viewer.merchantId === payment.merchantId;
  const test = payment.mode === 'test';
  const merchantTesting = test && payment.testCheckout === 'merchant_only' && !isOwner;
  const blocked: CheckoutBlock | null =
    integration.disabledAt !== null ? 'integration_disabled' : payment.expiresAt !== null && payment.expiresAt <= deps.clock.now() ? 'expired' : null;
  const open = isOpen(payment.state);
  const enabled = new Set(integration.enabledMethods.filter(isPaymentMethod));
  return {
    payment,
    merchantName: merchant.companyName,
    storeName: payment.storeName,
    methods: PAYMENT_METHODS.filter((m) => enabled.has(m) && methodTakes(m, payment.currency) && methodWorksIn(payment.mode, m)),
    isOwner,
    merchantTesting,
    canPay: open && !merchantTesting && blocked === null,
    canFake: open && test && isOwner,
    blocked,
    customerFees: {},
  };
}

/** The checkout page's view of a payment for this visitor. Unknown ids, and known ones without their capability, are not found. */
export async function loadCheckout(deps: ServiceDeps, key: CheckoutKey, viewer: CheckoutViewer): Promise<CheckoutView> {
  const loaded = await load(deps, key);
  const view = decide(deps, loaded, viewer);
  if (loaded.integration.absorbFees || !view.canPay) return view;
  // The same function that fixes the fee when the method is chosen, so the page shows what will be charged.
  for (const m of view.methods) view.customerFees[m] = (await feeFor(deps.store.db, loaded.integration, loaded.payment, m)).feeMinor;
  return view;
}

function requireCanPay(view: CheckoutView): void {
  if (view.merchantTesting) throw new TollgateError('forbidden', MERCHANT_TESTING_MESSAGE);
  if (!isOpen(view.payment.state)) throw new TollgateError('invalid_state', `the payment is already ${view.payment.state.replace('_', ' ')}`);
  if (view.blocked === 'expired') throw new TollgateError('invalid_state', 'the payment has expired');
  if (view.blocked === 'integration_disabled') throw new TollgateError('refused', 'the merchant cannot take payments at the moment', [], 'integration_disabled');
}

/**
 * The customer pays on the checkout page: the visitor rule of test mode first (a merchant in testing
 * takes no payment from others), then the method's rail through startPayment.
 */
export async function payAtCheckout(deps: ServiceDeps, key: CheckoutKey, viewer: CheckoutViewer, method: PaymentMethod, input: RailInput): Promise<PayResult> {
  const view = await loadCheckout(deps, key, viewer);
  requireCanPay(view);
  return startPayment(deps, view.payment.id, method, input);
}

/** The customer cancels on the checkout page: the payment becomes cancelled (from created or pending). */
export async function cancelAtCheckout(deps: ServiceDeps, key: CheckoutKey, viewer: CheckoutViewer): Promise<Payment> {
  const view = await loadCheckout(deps, key, viewer);
  if (view.merchantTesting) throw new TollgateError('forbidden', MERCHANT_TESTING_MESSAGE);
  if (!isOpen(view.payment.state)) throw new TollgateError('invalid_state', `the payment is already ${view.payment.state.replace('_', ' ')}`);
  const r = await transitionPayment(deps, view.payment.id, { to: 'cancelled', from: ['created', 'pending'], reason: 'cancelled by the customer on the checkout page' });
  return r.payment;
}

/** "TESTING: Faked Success / Faked Failure": only the owning merchant, logged in, on a test payment. */
export async function fakeAtCheckout(deps: ServiceDeps, key: CheckoutKey, viewer: CheckoutViewer, outcome: 'paid' | 'failed'): Promise<Payment> {
  const view = await loadCheckout(deps, key, viewer);
  if (view.payment.mode !== 'test') throw new TollgateError('forbidden', 'only a test payment can be faked');
  if (!view.isOwner || viewer.merchantId === null) {
    throw new TollgateError('forbidden', 'only the merchant account used to create the integration, logged in, can fake a payment');
  }
  if (!isOpen(view.payment.state)) throw new TollgateError('invalid_state', `the payment is already ${view.payment.state.replace('_', ' ')}`);
  return (await completeTestPayment(deps, viewer.merchantId, view.payment.id, outcome)).payment;
}
