import type { Keyring } from '../../core/crypto.js';
import type { IdGenerator } from '../../core/ids.js';
import type { Db, Tx } from '../../store/schema.js';
import { insertMail, listMail } from '../../store/repos/mail.js';

export type MailKind = 'verify_email' | 'account_exists' | 'password_reset' | 'keys' | 'golive' | 'transaction_update' | 'one_time_code';

export interface OutgoingMail {
  to: string;
  subject: string;
  body: string;
  kind: MailKind;
}

export interface MailView {
  id: string;
  to: string;
  subject: string;
  body: string;
  kind: string;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
}

/**
 * Queues a mail inside the caller's transaction: it exists exactly when the change that caused it
 * committed. The body is encrypted because key mails carry credentials.
 */
export async function enqueueMail(
  tx: Tx,
  deps: { ids: IdGenerator; keyring: Keyring },
  mail: OutgoingMail,
  now: number,
): Promise<string> {
  const id = deps.ids.next('mail');
  await insertMail(tx, {
    id,
    to_address: mail.to.trim().toLowerCase(),
    subject: mail.subject,
    body: deps.keyring.encrypt(mail.body),
    kind: mail.kind,
    created_at: now,
    sent_at: null,
    attempts: 0,
    next_attempt_at: now,
    last_error: null,
  });
  return id;
}

/** Mails as the local administrator sees them (`tollgate mail list`), newest first. */
export async function listOutbox(db: Db, keyring: Keyring, filter: { to?: string | undefined; limit?: number }): Promise<MailView[]> {
  const rows = await listMail(db, { to: filter.to, limit: filter.limit ?? 100 });
  return rows.map((m) => ({
    id: m.id,
    to: m.to,
    subject: m.subject,
    body: keyring.decrypt(m.bodyEncrypted),
    kind: m.kind,
    createdAt: new Date(m.createdAt).toISOString(),
    sentAt: m.sentAt === null ? null : new Date(m.sentAt).toISOString(),
    attempts: m.attempts,
    lastError: m.lastError,
  }));
}
