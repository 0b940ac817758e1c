import type { CredentialSet } from '../../core/credentials.js';
import type { PaymentState } from '../../core/payment-state.js';
import type { Disbursement } from '../../store/repos/disbursements.js';
import type { Integration } from '../../store/repos/integrations.js';
import type { Payment } from '../../store/repos/payments.js';

/** The wires a payment can be created through; each supplies one formatter. */
export const DIALECT_NAMES = ['tollgate', 'paynow_zw', 'paynow_pl', 'paydunya'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

export interface NotificationContext {
  /** The payment as it is after the change. */
  payment: Payment;
  event: { version: number; from: PaymentState | null; to: PaymentState; at: number };
  integration: Integration;
  credentials: CredentialSet;
}

/** A transfer that was sent (PayDunya's disbursement), for the wires that call the merchant back. */
export interface TransferNotificationContext {
  transfer: Disbursement;
  integration: Integration;
  credentials: CredentialSet;
}

export interface RenderedNotification {
  url: string;
  headers: Record<string, string>;
  /** The exact bytes to send, as UTF-8 text; signatures are computed over them. */
  body: string;
  /**
   * Set when the request is signed at send time: what `sign` needs later (the payment's mode, where
   * the hash goes); stored with the delivery, whose body is then unsigned.
   */
  signing?: Record<string, string>;
}

/** What signing one attempt sees: the stored (unsigned) request, the integration's keys at that moment, its time. */
export interface SigningContext {
  headers: Record<string, string>;
  body: string;
  signing: Record<string, string>;
  credentials: CredentialSet;
  at: number;
}

/** What signing adds to one attempt: signature headers, or the body with its signature inside (a form's hash field). */
export interface AttemptSignature {
  headers?: Record<string, string>;
  body?: string;
}

/**
 * How a wire notifies a merchant: which changes produce which requests (targets, body, headers,
 * signature), when to retry, and what answer counts as delivered.
 */
export interface NotificationFormatter {
  render(ctx: NotificationContext): RenderedNotification[];
  /**
   * The signature of one attempt, computed when it is sent (a signed timestamp is the attempt's; a
   * key rotated since the change signs it), over exactly the bytes sent. For notifications rendered
   * with `signing`.
   */
  sign?(ctx: SigningContext): AttemptSignature;
  /** The callback of a sent transfer; a wire without transfers leaves it out. */
  renderTransfer?(ctx: TransferNotificationContext): RenderedNotification[];
  /** Delay before each attempt, the first included (0 = at once); its length is the attempt limit. */
  retryDelaysMs: readonly number[];
  isDelivered(status: number): boolean;
}

export type Formatters = Record<DialectName, NotificationFormatter>;

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Seed 001's schedule: at once, then 1, 1, 1, 2, 5, 15, 30 min, 1, 2, 4, 8, 16, 24, 48 h after the previous attempt. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [0, MIN, MIN, MIN, 2 * MIN, 5 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 16 * HOUR, 24 * HOUR, 48 * HOUR];

export const is2xx = (status: number): boolean => status >= 200 && status < 300;
