import { type MerchantId, type OperatorId, storedId } from '../../core/ids.js';
import type { Db } from '../schema.js';
import type { SessionsTable } from '../tables/accounts.js';

export type Session = ({ principalKind: 'merchant'; principalId: MerchantId } | { principalKind: 'operator'; principalId: OperatorId }) & {
  csrfToken: string;
  expiresAt: number;
};

export async function insertSession(db: Db, row: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function findLiveSession(db: Db, idHash: string, now: number): Promise<Session | undefined> {
  const r = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', idHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!r) return undefined;
  const rest = { csrfToken: r.csrf_token, expiresAt: Number(r.expires_at) };
  return r.principal_kind === 'merchant'
    ? { principalKind: 'merchant', principalId: storedId('merchant', r.principal_id), ...rest }
    : { principalKind: 'operator', principalId: storedId('operator', r.principal_id), ...rest };
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', idHash).execute();
}

/** Ends every session of a principal, but the one whose hash is `keep` (the session that made the change). */
export async function deleteSessionsOf(db: Db, kind: 'merchant' | 'operator', principalId: string, keep: string | null): Promise<void> {
  let q = db.deleteFrom('sessions').where('principal_kind', '=', kind).where('principal_id', '=', principalId);
  if (keep !== null) q = q.where('id', '!=', keep);
  await q.execute();
}

export async function deleteExpiredSessions(db: Db, now: number): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}
