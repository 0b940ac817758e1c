/** Row shapes of the account tables: merchants, operators, sessions, API tokens. Times are epoch milliseconds. */
export interface MerchantsTable {
  id: string;
  email: string;
  /** Lower-cased email: the unique key, so two spellings of one address cannot register twice. */
  email_key: string;
  password_hash: string;
  company_name: string;
  company_email: string;
  /** Encrypted JSON of the payout bank account, or null. */
  bank_account: string | null;
  email_verified_at: number | null;
  verify_token_hash: string | null;
  failed_logins: number;
  locked_until: number | null;
  /** SHA-256 of the pending password-reset token, and when it expires (0007). */
  reset_token_hash: string | null;
  reset_expires_at: number | null;
  /** When an operator disabled the account (0014); null while it may log in. */
  disabled_at?: number | null;
  created_at: number;
  updated_at: number;
}

export interface OperatorsTable {
  id: string;
  email: string;
  email_key: string;
  password_hash: string;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value: a stolen database holds no usable session. */
  id: string;
  principal_kind: 'merchant' | 'operator';
  principal_id: string;
  csrf_token: string;
  expires_at: number;
  created_at: number;
}

export interface ApiTokensTable {
  id: string;
  merchant_id: string;
  name: string;
  token_hash: string;
  hint: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
