import { type MerchantId, storedId } from '../../core/ids.js';
import type { Selectable } from 'kysely';
import type { Db } from '../schema.js';
import type { MerchantsTable, OperatorsTable } from '../tables/accounts.js';

export interface Merchant {
  id: MerchantId;
  email: string;
  companyName: string;
  companyEmail: string;
  /** Encrypted JSON; only the service decrypts it. */
  bankAccountEncrypted: string | null;
  emailVerifiedAt: number | null;
  disabledAt: number | null;
  createdAt: number;
}

/** What login needs and nothing else reads: the hash and the lockout counters. */
export interface LoginRecord {
  id: string;
  passwordHash: string;
  failedLogins: number;
  lockedUntil: number | null;
}

export function rowToMerchant(r: Selectable<MerchantsTable>): Merchant {
  return {
    id: storedId('merchant', r.id),
    email: r.email,
    companyName: r.company_name,
    companyEmail: r.company_email,
    bankAccountEncrypted: r.bank_account,
    emailVerifiedAt: r.email_verified_at === null ? null : Number(r.email_verified_at),
    disabledAt: r.disabled_at === null || r.disabled_at === undefined ? null : Number(r.disabled_at),
    createdAt: Number(r.created_at),
  };
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export async function insertMerchant(db: Db, row: MerchantsTable): Promise<void> {
  await db.insertInto('merchants').values(row).execute();
}

export async function findMerchant(db: Db, id: MerchantId): Promise<Merchant | undefined> {
  const r = await db.selectFrom('merchants').selectAll().where('id', '=', id).executeTakeFirst();
  return r && rowToMerchant(r);
}

export async function findMerchantByEmail(db: Db, email: string): Promise<Merchant | undefined> {
  const r = await db.selectFrom('merchants').selectAll().where('email_key', '=', emailKey(email)).executeTakeFirst();
  return r && rowToMerchant(r);
}

export async function listMerchants(db: Db): Promise<Merchant[]> {
  const rows = await db.selectFrom('merchants').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(rowToMerchant);
}

/** Disables (at) or enables (null) a merchant, and ends its sessions when disabling. */
export async function setMerchantDisabled(db: Db, id: MerchantId, at: number | null, now: number): Promise<boolean> {
  const r = await db.updateTable('merchants').set({ disabled_at: at, updated_at: now }).where('id', '=', id).executeTakeFirst();
  if (at !== null) await db.deleteFrom('sessions').where('principal_kind', '=', 'merchant').where('principal_id', '=', id).execute();
  return Number(r.numUpdatedRows) === 1;
}

export async function countMerchants(db: Db): Promise<number> {
  const r = await db.selectFrom('merchants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function updateMerchantProfile(
  db: Db,
  id: MerchantId,
  patch: Partial<Pick<MerchantsTable, 'company_name' | 'company_email' | 'bank_account'>>,
  now: number,
): Promise<void> {
  await db
    .updateTable('merchants')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Sets a new password hash; the lockout count and any pending reset link go with the old password. */
export async function setMerchantPassword(db: Db, id: MerchantId, passwordHash: string, now: number): Promise<void> {
  await db
    .updateTable('merchants')
    .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null, reset_token_hash: null, reset_expires_at: null, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function setResetToken(db: Db, id: MerchantId, tokenHash: string, expiresAt: number, now: number): Promise<void> {
  await db.updateTable('merchants').set({ reset_token_hash: tokenHash, reset_expires_at: expiresAt, updated_at: now }).where('id', '=', id).execute();
}

/** The merchant a live reset token belongs to. */
export async function findByResetToken(db: Db, tokenHash: string, now: number): Promise<Merchant | undefined> {
  const r = await db
    .selectFrom('merchants')
    .selectAll()
    .where('reset_token_hash', '=', tokenHash)
    .where('reset_expires_at', '>', now)
    .executeTakeFirst();
  return r && rowToMerchant(r);
}

/** Uses a reset token once: sets the password only if the token is still live; the merchant's id, or undefined. */
export async function consumeResetToken(db: Db, tokenHash: string, passwordHash: string, now: number): Promise<string | undefined> {
  const r = await db
    .updateTable('merchants')
    .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null, reset_token_hash: null, reset_expires_at: null, updated_at: now })
    .where('reset_token_hash', '=', tokenHash)
    .where('reset_expires_at', '>', now)
    .returning('id')
    .executeTakeFirst();
  return r?.id;
}

/**
 * Verifies the address a token was mailed to. The token's hash stays, so a second visit of the link
 * can be told "already verified"; a resent mail replaces it. 'unknown' when no merchant holds it.
 */
export async function verifyMerchantEmail(db: Db, tokenHash: string, now: number): Promise<{ id: MerchantId; already: boolean } | 'unknown'> {
  const r = await db
    .updateTable('merchants')
    .set({ email_verified_at: now, updated_at: now })
    .where('verify_token_hash', '=', tokenHash)
    .where('email_verified_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (r) return { id: storedId('merchant', r.id), already: false };
  const known = await db.selectFrom('merchants').select(['id', 'email_verified_at']).where('verify_token_hash', '=', tokenHash).executeTakeFirst();
  return known && known.email_verified_at !== null ? { id: storedId('merchant', known.id), already: true } : 'unknown';
}

export async function setVerifyToken(db: Db, id: MerchantId, tokenHash: string, now: number): Promise<void> {
  await db.updateTable('merchants').set({ verify_token_hash: tokenHash, updated_at: now }).where('id', '=', id).execute();
}

type LoginTable = 'merchants' | 'operators';

function rowToLogin(r: Pick<Selectable<MerchantsTable | OperatorsTable>, 'id' | 'password_hash' | 'failed_logins' | 'locked_until'>): LoginRecord {
  return {
    id: r.id,
    passwordHash: r.password_hash,
    failedLogins: Number(r.failed_logins),
    lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
  };
}

/** Login records are shared by merchants and operators: same columns, same lockout rule. */
export async function findLogin(db: Db, table: LoginTable, key: LoginKey): Promise<LoginRecord | undefined> {
  const r = await db
    .selectFrom(table)
    .select(['id', 'password_hash', 'failed_logins', 'locked_until'])
    .where((eb) => ('id' in key ? eb('id', '=', key.id) : eb('email_key', '=', emailKey(key.email))))
    .executeTakeFirst();
  return r && rowToLogin(r);
}

/** Which login row: by the email typed at login, or by id (a logged-in principal re-entering its password). */
export type LoginKey = { email: string } | { id: string };

/**
 * Counts an attempt before its password is checked, in one statement, and answers the hash only if
 * the attempt may be evaluated: the count is below the limit and no lock runs. The attempt that
 * reaches the limit sets the lock, so concurrent requests on any node cannot see the account open
 * after the limit. A lock that ran out starts a fresh count. Undefined: unknown, or locked now.
 */
export async function claimLoginAttempt(
  db: Db,
  table: LoginTable,
  key: LoginKey,
  rule: { limit: number; now: number; lockUntil: number },
): Promise<{ id: string; passwordHash: string } | undefined> {
  const { limit, now, lockUntil } = rule;
  const r = await db
    .updateTable(table)
    .set((eb) => {
      const expired = eb.and([eb('locked_until', 'is not', null), eb('locked_until', '<=', now)]);
      return {
        failed_logins: eb.case().when(expired).then(1).else(eb('failed_logins', '+', 1)).end(),
        locked_until: eb
          .case()
          .when(expired)
          .then(limit <= 1 ? lockUntil : null)
          .when('failed_logins', '>=', limit - 1)
          .then(lockUntil)
          .else(eb.ref('locked_until'))
          .end(),
      };
    })
    .where((eb) => ('id' in key ? eb('id', '=', key.id) : eb('email_key', '=', emailKey(key.email))))
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning(['id', 'password_hash'])
    .executeTakeFirst();
  return r && { id: r.id, passwordHash: r.password_hash };
}

export async function resetFailedLogins(db: Db, table: LoginTable, id: string): Promise<void> {
  await db.updateTable(table).set({ failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
}
