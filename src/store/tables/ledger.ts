/** The double-entry ledger: accounts with running totals, immutable transactions and their postings. */
export interface LedgerAccountsTable {
  /** Deterministic from what the account is (integration, mode, currency, kind, customer): found without a read. */
  id: string;
  integration_id: string;
  mode: 'test' | 'live';
  currency: string;
  kind: string;
  customer_id: string | null;
  /** Running total of the account's postings; `ledger verify` replays them against it. */
  balance_minor: number;
  /** 1 for the outside world (and historic overdrafts carried over by the migration); the CHECK refuses a negative balance otherwise. */
  may_go_negative: number;
  created_at: number;
}

/** Credits not yet in their account's running total (0018): the total is balance_minor plus these. */
export interface LedgerAccountDeltasTable {
  account_id: string;
  amount_minor: number;
}

export interface LedgerTransactionsTable {
  id: string;
  integration_id: string;
  mode: 'test' | 'live';
  currency: string;
  kind: string;
  /** What caused it (a payment, refund, payout, disbursement, customer); (kind, ref_id) is unique: a movement posts once. */
  ref_id: string;
  created_at: number;
}

export interface LedgerPostingsTable {
  transaction_id: string;
  seq: number;
  account_id: string;
  integration_id: string;
  amount_minor: number;
  created_at: number;
}

/** A merchant's payout schedule (0012). */
export interface PayoutSchedulesTable {
  merchant_id: string;
  frequency: 'immediate' | 'daily';
  /** JSON array of { currency, amountMinor }: below its minimum a balance waits. */
  minimums: string;
  /** Encrypted JSON of the payout account (bank account or mobile-money number). */
  account: string;
  /** A daily schedule's next run (epoch ms); null for immediate. */
  next_run_at: number | null;
  created_at: number;
  updated_at: number;
}

/** The payments a payout settles; a failed payout releases them for the next one. */
export interface PayoutPaymentsTable {
  payout_id: string;
  payment_id: string;
  amount_minor: number;
  released: number;
}
