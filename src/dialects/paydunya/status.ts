import type { PaymentState } from '../../core/payment-state.js';

export const INVOICE_STATUSES = ['pending', 'completed', 'cancelled', 'failed'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** Canonical state → invoice status. Paid and everything after it is completed (PayDunya has no refunds). */
export const TO_WIRE = {
  created: 'pending',
  pending: 'pending',
  paid: 'completed',
  awaiting_delivery: 'completed',
  delivered: 'completed',
  partially_refunded: 'completed',
  refunded: 'completed',
  disputed: 'completed',
  cancelled: 'cancelled',
  expired: 'cancelled',
  failed: 'failed',
} as const satisfies Record<PaymentState, InvoiceStatus>;
