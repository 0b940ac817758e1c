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

export interface RequestLogTable {
  id: string;
  integration_id: string;
  dialect: string;
  method: string;
  path: string;
  /** JSON object; secrets masked. */
  headers: string;
  body: string;
  response_status: number;
  response_body: string;
  /** The hash or signature we computed and compared, when the wire has one. */
  signature: string | null;
  created_at: number;
}
