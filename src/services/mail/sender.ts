import type { Keyring } from '../../core/crypto.js';
import type { Store } from '../../store/database.js';
import { dueMail, markMailFailed, markMailSent } from '../../store/repos/mail.js';

export interface MailTransport {
  send(mail: { to: string; subject: string; text: string }): Promise<void>;
}

export function smtpTransport(url: string, from: string): MailTransport {
  // nodemailer is loaded with the first mail: most gateways (every sandbox) never send one.
  const transporter = import('nodemailer').then((m) => m.default.createTransport(url));
  transporter.catch(() => {}); // a bad URL fails each send (recorded, retried), not the process
  return {
    async send(mail) {
      await (await transporter).sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}

const RETRY_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

/** Sends what is due from the outbox; a failure is recorded and retried later. Returns how many were sent. */
export async function sendDueMail(
  deps: { store: Store; keyring: Keyring; transport: MailTransport },
  now: number,
): Promise<number> {
  const due = await dueMail(deps.store.db, now, 20);
  let sent = 0;
  for (const mail of due) {
    try {
      await deps.transport.send({ to: mail.to, subject: mail.subject, text: deps.keyring.decrypt(mail.bodyEncrypted) });
      await markMailSent(deps.store.db, mail.id, Date.now());
      sent += 1;
    } catch (err) {
      const wait = RETRY_MS[Math.min(mail.attempts, RETRY_MS.length - 1)] ?? 60_000;
      await markMailFailed(deps.store.db, mail.id, (err as Error).message, now + wait);
    }
  }
  return sent;
}
