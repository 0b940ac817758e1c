/** Test-mode helpers: fictitious customers, per-integration clocks, and the log of what test requests carried. */
export interface FictitiousCustomersTable {
  id: string;
  integration_id: string;
  name: string;
  email: string;
  phone: string;
  balance_minor: number;
  currency: string;
  created_at: number;
}

export interface SandboxClocksTable {
  integration_id: string;
  offset_ms: number;
}

/** What the test requests of one integration carried, as one flush wrote them. */
export interface RequestLogBatchesTable {
  /** The id of its first entry. */
  id: string;
  integration_id: string;
  /** Its newest entry's time: listing reads batches newest first by it. */
  last_at: number;
  /** JSON array of StoredRequestLogEntry. */
  entries: string;
  /** How many entries it holds: the oldest are removed by count without reading their JSON. */
  n: number;
}

/** Failed test requests that came faster than the log keeps them: only counted. */
export interface RequestLogCountsTable {
  integration_id: string;
  failed_not_logged: number;
  last_at: number;
}

/** Requests served in one minute (epoch ms of its start) on one channel, summed over every process. */
export interface RequestRatesTable {
  minute_at: number;
  channel: string;
  requests: number;
  client_errors: number;
  server_errors: number;
}

/** One request in a batch's JSON (short keys: a busy sandbox writes thousands a second). */
export interface StoredRequestLogEntry {
  id: string;
  dialect: string;
  method: string;
  path: string;
  /** Secrets masked. */
  headers: Record<string, string>;
  body: string;
  status: number;
  response: string;
  /** The hash or signature we computed and compared, when the wire has one. */
  signature: string | null;
  /** The signature debugger's diagnosis of a failed check (core/diagnosis.ts), absent otherwise. */
  diagnosis?: unknown;
  at: number;
}
