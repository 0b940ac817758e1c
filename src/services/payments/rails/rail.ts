import type { CustomerId } from '../../../core/ids.js';
import type { PaymentMethod } from '../../../core/payment-methods.js';
import type { PaymentState } from '../../../core/payment-state.js';
import type { Payment } from '../../../store/repos/payments.js';

/** What the customer (or the merchant's express request) gave the method. */
export interface RailInput {
  phone?: string | undefined;
  /** A saved-card token (Paynow Zimbabwe vmc and zimswitch). */
  token?: string | undefined;
  /** A BLIK code. */
  code?: string | undefined;
  cardNumber?: string | undefined;
  /** The bank of a pay-by-link payment. */
  bank?: string | undefined;
  /** Who pays, when the customer told us (a mobile-money push names them). */
  payerName?: string | undefined;
  payerEmail?: string | undefined;
  /** A fictitious customer's email or phone (PayDunya wallet). */
  customerAlias?: string | undefined;
}

/** Why a method refused at once; nothing changes. Wires map these to their own error words. */
export type RefusalReason =
  | 'insufficient_balance'
  | 'not_a_test_value'
  | 'no_live_connector'
  | 'method_not_enabled'
  | 'authorization_code_invalid'
  | 'authorization_code_expired'
  | 'authorization_code_used'
  | 'card_declined'
  | 'unknown_customer';

export interface RailTimer {
  afterMs: number;
  to: PaymentState;
  failureCode?: string;
  failureMessage?: string;
}

export type RailOutcome =
  | { kind: 'refused'; reason: RefusalReason; message: string }
  | {
      kind: 'accepted';
      /** The state the payment takes now: still created (BLIK 444444 stays NEW), pending, or already final. */
      now: PaymentState;
      failureCode?: string;
      failureMessage?: string;
      timers: RailTimer[];
      instructions?: string;
      authorization?: { code: string; expiresAt: number; qrUrl?: string };
      /** The wallet rail pays from this fictitious customer's balance, in the same transaction. */
      debitCustomerId?: CustomerId;
      /** Who paid, when the rail knows (a fictitious customer). */
      payer?: { name: string; email: string; phone: string };
    };

export interface RailContext {
  payment: Payment;
  method: PaymentMethod;
  input: RailInput;
  now: number;
}

/** A payment method's behaviour. In test mode each rail is a simulator of the documented magic values. */
export interface Rail {
  test(ctx: RailContext): RailOutcome | Promise<RailOutcome>;
}

export const refuse = (reason: RefusalReason, message: string): RailOutcome => ({ kind: 'refused', reason, message });
