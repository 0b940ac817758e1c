/**
 * The canonical payment states and the one table of allowed transitions. Every dialect maps its
 * status words to and from these; nothing else decides whether a payment may move.
 */
export const PAYMENT_STATES = [
  'created',
  'pending',
  'paid',
  'failed',
  'cancelled',
  'expired',
  'awaiting_delivery',
  'delivered',
  'partially_refunded',
  'refunded',
  'disputed',
] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

/**
 * created may end directly (a customer cancels before choosing a method, a BLIK code that errors
 * while the payment is still NEW, a web payment faked as paid, an expiry) as well as through pending.
 */
export const TRANSITIONS = {
  created: ['pending', 'paid', 'failed', 'cancelled', 'expired'],
  pending: ['paid', 'failed', 'cancelled', 'expired'],
  paid: ['awaiting_delivery', 'partially_refunded', 'refunded', 'disputed'],
  awaiting_delivery: ['delivered', 'disputed'],
  // A delivered escrow payment's money is available again, so it is refunded like a paid one.
  delivered: ['partially_refunded', 'refunded', 'disputed'],
  partially_refunded: ['refunded', 'disputed'],
  failed: [],
  cancelled: [],
  expired: [],
  refunded: [],
  disputed: [],
} as const satisfies Record<PaymentState, readonly PaymentState[]>;

export function canTransition(from: PaymentState, to: PaymentState): boolean {
  return (TRANSITIONS[from] as readonly PaymentState[]).includes(to);
}

/** States in which the customer can still pay. */
export function isOpen(state: PaymentState): boolean {
  return state === 'created' || state === 'pending';
}

/** States a payment reaches only after it was paid (Paynow.pl calls them all CONFIRMED). */
export const PAID_STATES: readonly PaymentState[] = ['paid', 'awaiting_delivery', 'delivered', 'partially_refunded', 'refunded', 'disputed'];

/** States in which money was received (refunds are possible from these). */
export const REFUNDABLE_STATES: readonly PaymentState[] = ['paid', 'partially_refunded', 'delivered'];
