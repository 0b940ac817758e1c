import type { Kysely } from 'kysely';
import type { ApiTokensTable, MerchantsTable, OperatorsTable, SessionsTable } from './tables/accounts.js';
import type { AuditLogTable, CredentialsTable, IntegrationsTable } from './tables/integrations.js';
import type { MailOutboxTable, MetaTable } from './tables/mail.js';
import type { DeliveriesTable, DeliveryAttemptsTable, DeliveryForwardsTable, JobsTable, NotificationFaultsTable } from './tables/jobs.js';
import type { DisbursementsTable, IdempotencyKeysTable, PaymentEventsTable, PaymentsTable, PayoutsTable, RefundsTable } from './tables/payments.js';
import type { LedgerAccountDeltasTable, LedgerAccountsTable, LedgerPostingsTable, LedgerTransactionsTable, PayoutPaymentsTable, PayoutSchedulesTable } from './tables/ledger.js';
import type { FictitiousCustomersTable, RequestLogBatchesTable, RequestLogCountsTable, RequestRatesTable, SandboxClocksTable } from './tables/sandbox.js';

export interface Database {
  meta: MetaTable;
  merchants: MerchantsTable;
  operators: OperatorsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  integrations: IntegrationsTable;
  credentials: CredentialsTable;
  audit_log: AuditLogTable;
  mail_outbox: MailOutboxTable;
  payments: PaymentsTable;
  payment_events: PaymentEventsTable;
  jobs: JobsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  delivery_forwards: DeliveryForwardsTable;
  notification_faults: NotificationFaultsTable;
  idempotency_keys: IdempotencyKeysTable;
  refunds: RefundsTable;
  payouts: PayoutsTable;
  disbursements: DisbursementsTable;
  fictitious_customers: FictitiousCustomersTable;
  sandbox_clocks: SandboxClocksTable;
  request_log_batches: RequestLogBatchesTable;
  request_log_counts: RequestLogCountsTable;
  request_rates: RequestRatesTable;
  ledger_accounts: LedgerAccountsTable;
  ledger_account_deltas: LedgerAccountDeltasTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_postings: LedgerPostingsTable;
  payout_schedules: PayoutSchedulesTable;
  payout_payments: PayoutPaymentsTable;
}

/** Any handle repos accept: the database or an open transaction. */
export type Db = Kysely<Database>;
/**
 * A handle inside a transaction. Structurally the same as Db; the name documents that the
 * function must be called from store.transaction().
 */
export type Tx = Kysely<Database>;
