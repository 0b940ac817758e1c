/** Durable work: timed transitions, expiries and notification deliveries, and what each attempt saw. */
export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  /** Set for work that follows an integration's sandbox clock. */
  integration_id: string | null;
  run_at: number;
  attempts: number;
  /** A claimed job is leased; a crashed worker's lease runs out and another takes the job. */
  locked_until: number | null;
  lease_owner: string | null;
  last_error: string | null;
  created_at: number;
}

export interface DeliveriesTable {
  id: string;
  payment_id: string;
  integration_id: string;
  merchant_id: string;
  dialect: string;
  event_version: number;
  url: string;
  /** JSON object of the exact headers sent. */
  headers: string;
  /** The exact body bytes sent (as UTF-8 text). */
  body: string;
  /** JSON: what signing each attempt at send time needs; null when the stored request goes as it is. */
  signing: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  max_attempts: number;
  created_at: number;
  delivered_at: number | null;
  next_attempt_at: number | null;
}

export interface DeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  attempted_at: number;
  url: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  /** The first kilobyte of the response body. */
  response_head: string | null;
  /** The faults injected into this attempt (adversarial notifications), comma-separated; null for none. */
  fault?: string | null;
}

/** Adversarial notifications of a test integration (0017). */
export interface NotificationFaultsTable {
  integration_id: string;
  /** JSON: rate in percent per fault name. */
  rates: string;
  delay_ms: number;
  seed: string | null;
  updated_at: number;
}

/** A notification `tollgate listen` forwarded to a developer's local URL, and the answer it got there. */
export interface DeliveryForwardsTable {
  id: string;
  delivery_id: string;
  integration_id: string;
  merchant_id: string;
  forwarded_at: number;
  url: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_head: string | null;
}
