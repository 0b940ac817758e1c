import type { PaymentState } from '../../core/payment-state.js';

export const PL_STATUSES = ['NEW', 'PENDING', 'CONFIRMED', 'REJECTED', 'ERROR', 'EXPIRED', 'ABANDONED'] as const;
export type PlStatus = (typeof PL_STATUSES)[number];

/**
 * Canonical state → Paynow.pl status. A failed payment is REJECTED (the buyer or the issuer declined)
 * unless it failed on the gateway's side (failure code "error": BLIK 444444), which is ERROR. A payment
 * the customer cancelled on the paywall is ABANDONED. After payment the status stays CONFIRMED: refunds
 * have statuses of their own.
 */
export const TO_WIRE = {
  created: 'NEW',
  pending: 'PENDING',
  paid: 'CONFIRMED',
  failed: 'REJECTED',
  cancelled: 'ABANDONED',
  expired: 'EXPIRED',
  awaiting_delivery: 'CONFIRMED',
  delivered: 'CONFIRMED',
  partially_refunded: 'CONFIRMED',
  refunded: 'CONFIRMED',
  disputed: 'CONFIRMED',
} as const satisfies Record<PaymentState, PlStatus>;

export function plStatus(payment: { state: PaymentState; failureCode: string | null }): PlStatus {
  if (payment.state === 'failed' && payment.failureCode === 'error') return 'ERROR';
  return TO_WIRE[payment.state];
}

export const REFUND_STATUSES = { new: 'NEW', pending: 'PENDING', successful: 'SUCCESSFUL', failed: 'FAILED', cancelled: 'CANCELLED' } as const;
