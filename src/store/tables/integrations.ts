import type { Generated } from 'kysely';

/** Row shapes of integrations, their encrypted credentials and the audit log. */
export interface IntegrationsTable {
  id: string;
  merchant_id: string;
  /** The Paynow Zimbabwe integration id: a positive integer, unique. */
  number: number;
  name: string;
  absorb_fees: number;
  notification_email: string | null;
  notification_url: string | null;
  note: string | null;
  /** JSON array of payment-method names. */
  enabled_methods: string;
  mode: 'test' | 'live';
  golive_state: 'none' | 'requested' | 'approved' | 'rejected';
  golive_reason: string | null;
  golive_requested_at: number | null;
  golive_decided_at: number | null;
  golive_decided_by: string | null;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
  /** Paynow Zimbabwe has no currency field: each integration has its own (USD or ZWG). */
  zw_currency: Generated<string>;
  /** Where customers go back to when a payment names no return URL (Paynow.pl's continueUrl). */
  return_url: string | null;
}

export interface CredentialsTable {
  id: string;
  integration_id: string;
  slot: string;
  /** Keyed hash of the value: finds the integration without revealing the value. */
  lookup_hash: string;
  /** AES-256-GCM under the master key; the plain value is needed to verify hashes and HMACs. */
  ciphertext: string;
  created_at: number;
  /** Set when a rotation replaced this value; it verifies until then (grace period). */
  expires_at: number | null;
}

export interface AuditLogTable {
  id: string;
  merchant_id: string | null;
  integration_id: string | null;
  actor_kind: 'merchant' | 'operator' | 'cli' | 'system';
  actor_id: string | null;
  action: string;
  detail: string;
  created_at: number;
}
