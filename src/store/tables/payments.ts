import type { Generated } from 'kysely';

/** Row shapes of the payments core. Times are epoch milliseconds; money is integer minor units. */
export interface PaymentsTable {
  id: string;
  integration_id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  state: string;
  amount_minor: number;
  currency: string;
  version: number;
  created_at: number;
  updated_at: number;
  /** Which wire created it; only used to find its notification formatter. */
  dialect: Generated<string>;
  /** The id the dialect hands out and looks the payment up by (poll guid, paymentId, invoice token). */
  public_id: string | null;
  /** A second, human-facing reference (Paynow Zimbabwe's paynowreference). */
  display_ref: string | null;
  reference: string | null;
  description: string | null;
  /** JSON array of {name, quantity, unitMinor}. */
  items: Generated<string>;
  customer_email: string | null;
  customer_phone: string | null;
  customer_name: string | null;
  return_url: string | null;
  cancel_url: string | null;
  notify_url: string | null;
  merchant_trace: string | null;
  expires_at: number | null;
  method: string | null;
  failure_code: string | null;
  failure_message: string | null;
  refunded_minor: Generated<number>;
  /** The gateway's fee on this payment, fixed when it is created. */
  fee_minor: Generated<number>;
  /** Who pays the fee: the merchant (deducted from what they receive) or the customer (added to what they pay). */
  fee_paid_by: Generated<'merchant' | 'customer'>;
  paid_at: number | null;
  /** Who may pay in test mode on the hosted checkout: only the owning merchant, or anyone with the link. */
  test_checkout: Generated<'merchant_only' | 'open'>;
  /** Wire-only fields that one dialect keeps and only it reads. */
  wire_data: Generated<string>;
  /** The capability in every URL that opens the hosted checkout (32 hex digits); the reference alone opens nothing. */
  checkout_token: string | null;
  /** The shop name the wire gave for this payment (PayDunya's store.name), shown instead of the merchant's company. */
  store_name: string | null;
}

export interface PaymentEventsTable {
  id: string;
  payment_id: string;
  version: number;
  from_state: string | null;
  to_state: string;
  reason: string | null;
  created_at: number;
}

export interface RefundsTable {
  id: string;
  payment_id: string;
  integration_id: string;
  merchant_id: string;
  public_id: string | null;
  amount_minor: number;
  currency: string;
  status: 'new' | 'pending' | 'successful' | 'failed' | 'cancelled';
  reason: string | null;
  created_at: number;
  updated_at: number;
}

export interface PayoutsTable {
  id: string;
  integration_id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  currency: string;
  amount_minor: number;
  created_at: number;
  /** pending (money held in transit), in_transit (exported to the bank), paid, failed (money back to available). */
  status: Generated<'pending' | 'in_transit' | 'paid' | 'failed'>;
  updated_at: number | null;
  /** Where it went, masked ("bank ••••6789", "mobile money ••••4567"); null without a payout account (0012). */
  destination: Generated<string | null>;
}

export interface DisbursementsTable {
  id: string;
  integration_id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  /** The token the wire hands out for the disbursement. */
  token: string;
  /** The merchant's own id for it (PayDunya disburse_id), unique per integration. */
  external_id: string | null;
  account_alias: string;
  withdraw_mode: string;
  amount_minor: number;
  currency: string;
  callback_url: string | null;
  status: 'created' | 'pending' | 'success' | 'failed';
  transaction_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface IdempotencyKeysTable {
  integration_id: string;
  scope: string;
  key: string;
  request_hash: string;
  response_status: number;
  response_body: string;
  created_at: number;
  expires_at: number;
}
