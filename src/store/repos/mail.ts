import { unreadCount } from '../database.js';
import type { Db } from '../schema.js';
import type { MailOutboxTable } from '../tables/mail.js';

export interface StoredMail {
  id: string;
  to: string;
  subject: string;
  bodyEncrypted: string;
  kind: string;
  createdAt: number;
  sentAt: number | null;
  attempts: number;
  lastError: string | null;
}

const toMail = (r: MailOutboxTable): StoredMail => ({
  id: r.id,
  to: r.to_address,
  subject: r.subject,
  bodyEncrypted: r.body,
  kind: r.kind,
  createdAt: Number(r.created_at),
  sentAt: r.sent_at === null ? null : Number(r.sent_at),
  attempts: Number(r.attempts),
  lastError: r.last_error,
});

export async function insertMail(db: Db, row: MailOutboxTable): Promise<void> {
  await db.insertInto('mail_outbox').values(row).modifyEnd(unreadCount).execute();
}

export async function listMail(db: Db, filter: { to?: string | undefined; limit: number }): Promise<StoredMail[]> {
  let q = db.selectFrom('mail_outbox').selectAll();
  if (filter.to !== undefined) q = q.where('to_address', '=', filter.to.trim().toLowerCase());
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(toMail);
}

export async function dueMail(db: Db, now: number, limit: number): Promise<StoredMail[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('sent_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .where('attempts', '<', 10)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map(toMail);
}

export async function markMailSent(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('mail_outbox').set((eb) => ({ sent_at: now, attempts: eb('attempts', '+', 1), last_error: null })).where('id', '=', id).execute();
}

export async function markMailFailed(db: Db, id: string, error: string, retryAt: number): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500), next_attempt_at: retryAt }))
    .where('id', '=', id)
    .execute();
}
