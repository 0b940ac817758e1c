import type { PaymentState } from '../../core/payment-state.js';

export const STATUS_WORDS = ['Created', 'Sent', 'Paid', 'Awaiting Delivery', 'Delivered', 'Cancelled', 'Disputed', 'Refunded', 'Failed'] as const;
export type StatusWord = (typeof STATUS_WORDS)[number];

/**
 * Canonical state → the word Paynow Zimbabwe sends. Paynow has no "expired" (an unpaid transaction is
 * cancelled and cannot be resumed) and no partial refund (Refunded is the nearest: money went back).
 */
export const TO_WIRE = {
  created: 'Created',
  pending: 'Sent',
  paid: 'Paid',
  awaiting_delivery: 'Awaiting Delivery',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  expired: 'Cancelled',
  disputed: 'Disputed',
  partially_refunded: 'Refunded',
  refunded: 'Refunded',
  failed: 'Failed',
} as const satisfies Record<PaymentState, StatusWord>;
