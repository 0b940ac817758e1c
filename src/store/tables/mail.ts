/** The outbox every outgoing mail passes through. */
export interface MailOutboxTable {
  id: string;
  to_address: string;
  subject: string;
  /** Encrypted: key mails carry credentials. */
  body: string;
  kind: string;
  created_at: number;
  sent_at: number | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}
