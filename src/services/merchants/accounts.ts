import { type MerchantId, type OperatorId, storedId } from '../../core/ids.js';
import { randomToken, sha256Hex } from '../../core/crypto.js';
import { isTollgateError, TollgateError } from '../../core/errors.js';
import { parseEmail } from '../../core/email.js';
import { conflictAs } from '../../store/errors.js';
import {
  emailKey,
  claimLoginAttempt,
  findLogin,
  findMerchant,
  findMerchantByEmail,
  insertMerchant,
  listMerchants,
  type LoginKey,
  type Merchant,
  resetFailedLogins,
  setVerifyToken,
  updateMerchantProfile,
  verifyMerchantEmail,
  setMerchantDisabled,
} from '../../store/repos/merchants.js';
import { findOperator, findOperatorByEmail, insertOperator, type Operator } from '../../store/repos/operators.js';
import type { ServiceDeps } from '../deps.js';
import { enqueueMail } from '../mail/outbox.js';
import { checkPasswordPolicy, dummyHash, hashPassword, verifyPassword } from './passwords.js';

export const MAX_FAILED_LOGINS = 10;
export const LOCK_MS = 30 * 60_000;

export interface BankAccount {
  bankName: string;
  accountName: string;
  accountNumber: string;
  branch?: string | undefined;
  swift?: string | undefined;
}

export interface MerchantView {
  id: MerchantId;
  email: string;
  companyName: string;
  companyEmail: string;
  emailVerified: boolean;
  bankAccount: BankAccount | null;
  disabled: boolean;
  createdAt: string;
}

export interface RegisterInput {
  email: string;
  password: string;
  companyName: string;
  companyEmail?: string | undefined;
  bankAccount?: BankAccount | undefined;
}

export function merchantView(deps: Pick<ServiceDeps, 'keyring'>, m: Merchant): MerchantView {
  return {
    id: m.id,
    email: m.email,
    companyName: m.companyName,
    companyEmail: m.companyEmail,
    emailVerified: m.emailVerifiedAt !== null,
    bankAccount: m.bankAccountEncrypted === null ? null : (JSON.parse(deps.keyring.decrypt(m.bankAccountEncrypted)) as BankAccount),
    disabled: m.disabledAt !== null,
    createdAt: new Date(m.createdAt).toISOString(),
  };
}

function verificationMail(deps: ServiceDeps, email: string, token: string) {
  return {
    to: email,
    subject: 'Verify your Tollgate email address',
    kind: 'verify_email' as const,
    body: `Welcome to Tollgate.\n\nOpen this link to verify your email address:\n${deps.publicUrl}/verify-email?token=${token}\n\nUntil you do, you can log in and test, but not go live.\n`,
  };
}

function accountExistsMail(deps: ServiceDeps, email: string) {
  return {
    to: email,
    subject: 'Someone tried to register with your email address',
    kind: 'account_exists' as const,
    body:
      'Someone tried to register a new Tollgate account with this email address, which already has one. Nothing changed.\n\n' +
      `If it was you, log in with your password; if you forgot it, ask for a reset link here:\n${deps.publicUrl}/reset-password\n\n` +
      'If it was not you, you can ignore this mail.\n',
  };
}

/**
 * Creates a merchant and queues the verification mail in the same transaction. With
 * `ifRegistered: 'mail'` (the public API) a known address answers exactly like a new one, an account
 * that was never stored, and only a mail to that address tells its owner: nobody can learn from the
 * answer which addresses have accounts. Otherwise (the CLI) a known address is a conflict.
 */
export async function registerMerchant(
  deps: ServiceDeps,
  input: RegisterInput,
  options: { verified?: boolean; ifRegistered?: 'refuse' | 'mail' } = {},
): Promise<{ merchant: MerchantView; verifyToken: string | null }> {
  const email = parseEmail(input.email);
  checkPasswordPolicy(input.password, email);
  const passwordHash = await hashPassword(input.password);
  const now = deps.clock.now();
  const id = deps.ids.next('merchant');
  const token = options.verified ? null : randomToken(24);
  const companyEmail = parseEmail(input.companyEmail ?? email, 'companyEmail');
  const merchant: MerchantView = {
    id,
    email,
    companyName: input.companyName,
    companyEmail,
    emailVerified: options.verified === true,
    bankAccount: input.bankAccount ?? null,
    disabled: false,
    createdAt: new Date(now).toISOString(),
  };
  try {
    await conflictAs('a merchant with this email address is already registered', () =>
      deps.store.transaction(async (tx) => {
        await insertMerchant(tx, {
          id,
          email,
          email_key: emailKey(email),
          password_hash: passwordHash,
          company_name: input.companyName,
          company_email: companyEmail,
          bank_account: input.bankAccount ? deps.keyring.encrypt(JSON.stringify(input.bankAccount)) : null,
          email_verified_at: options.verified ? now : null,
          verify_token_hash: token === null ? null : sha256Hex(token),
          failed_logins: 0,
          locked_until: null,
          reset_token_hash: null,
          reset_expires_at: null,
          created_at: now,
          updated_at: now,
        });
        if (token !== null) await enqueueMail(tx, deps, verificationMail(deps, email, token), now);
      }),
    );
  } catch (err) {
    if (options.ifRegistered !== 'mail' || !isTollgateError(err) || err.code !== 'conflict') throw err;
    await deps.store.transaction((tx) => enqueueMail(tx, deps, accountExistsMail(deps, email), now));
    return { merchant, verifyToken: null };
  }
  return { merchant, verifyToken: token };
}

/** Verifies by the mailed token; a link used before answers `already: true` (its address stays verified). */
export async function verifyEmail(deps: ServiceDeps, token: string): Promise<{ merchantId: MerchantId; already: boolean }> {
  const r = await deps.store.transaction((tx) => verifyMerchantEmail(tx, sha256Hex(token), deps.clock.now()));
  if (r === 'unknown') throw new TollgateError('not_found', 'this verification link is unknown, or a newer mail replaced it');
  return { merchantId: r.id, already: r.already };
}

/** A new verification link for whoever types the address (the page of a dead link); silent unless it is an unverified account. */
export async function requestVerificationMail(deps: ServiceDeps, email: string): Promise<void> {
  const merchant = await findMerchantByEmail(deps.store.db, email);
  if (!merchant || merchant.emailVerifiedAt !== null) return;
  await resendVerification(deps, merchant.id);
}

export async function resendVerification(deps: ServiceDeps, merchantId: MerchantId): Promise<void> {
  const merchant = await findMerchant(deps.store.db, merchantId);
  if (!merchant) throw new TollgateError('not_found', 'merchant not found');
  if (merchant.emailVerifiedAt !== null) throw new TollgateError('invalid_state', 'the email address is already verified');
  const token = randomToken(24);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    await setVerifyToken(tx, merchantId, sha256Hex(token), now);
    await enqueueMail(tx, deps, verificationMail(deps, merchant.email, token), now);
  });
}

export async function getMerchant(deps: ServiceDeps, merchantId: MerchantId): Promise<MerchantView> {
  const m = await findMerchant(deps.store.db, merchantId);
  if (!m) throw new TollgateError('not_found', 'merchant not found');
  return merchantView(deps, m);
}

export async function updateMerchant(
  deps: ServiceDeps,
  merchantId: MerchantId,
  patch: { companyName?: string | undefined; companyEmail?: string | undefined; bankAccount?: BankAccount | null | undefined },
): Promise<MerchantView> {
  // Only profile fields: nothing the auth cache holds (the login email is not among them).
  await deps.store.transaction((tx) =>
    updateMerchantProfile(
      tx,
      merchantId,
      {
        ...(patch.companyName !== undefined && { company_name: patch.companyName }),
        ...(patch.companyEmail !== undefined && { company_email: patch.companyEmail.trim() }),
        ...(patch.bankAccount !== undefined && {
          bank_account: patch.bankAccount === null ? null : deps.keyring.encrypt(JSON.stringify(patch.bankAccount)),
        }),
      },
      deps.clock.now(),
    ),
  );
  return getMerchant(deps, merchantId);
}

/**
 * Checks a password with the lockout rule: ten wrong passwords lock the account for thirty minutes;
 * while locked even the right password is refused. The attempt is counted in the database before the
 * slow check, so no number of parallel requests or processes evaluates more than ten. Unknown emails
 * cost the same time as known ones.
 */
export async function checkLogin(deps: ServiceDeps, table: 'merchants', email: string, password: string): Promise<MerchantId>;
export async function checkLogin(deps: ServiceDeps, table: 'operators', email: string, password: string): Promise<OperatorId>;
export async function checkLogin(
  deps: ServiceDeps,
  table: 'merchants' | 'operators',
  email: string,
  password: string,
): Promise<MerchantId | OperatorId> {
  const id = await checkPasswordOf(deps, table, { email }, password, 'the email address or the password is wrong');
  // Said only to whoever knows the password: a disabled account is not a secret from its owner.
  if (table === 'operators') return storedId('operator', id);
  if ((await findMerchant(deps.store.db, storedId('merchant', id)))?.disabledAt != null) {
    throw new TollgateError('forbidden', 'this account is disabled; contact the gateway operator');
  }
  return storedId('merchant', id);
}

/** An operator disables a merchant (its sessions end, its API tokens stop working) or enables it again. */
export async function setMerchantEnabled(deps: ServiceDeps, merchantId: MerchantId, enabled: boolean): Promise<MerchantView> {
  const now = deps.clock.now();
  const found = await deps.store.transaction((tx) => setMerchantDisabled(tx, merchantId, enabled ? null : now, now));
  if (!found) throw new TollgateError('not_found', `merchant ${merchantId} not found`);
  return getMerchant(deps, merchantId);
}

/** The lockout rule for any password check of a login row (login, or re-entering it to change it). */
export async function checkPasswordOf(
  deps: ServiceDeps,
  table: 'merchants' | 'operators',
  key: LoginKey,
  password: string,
  wrong: string,
): Promise<string> {
  const now = deps.clock.now();
  const claimed = await deps.store.transaction((tx) =>
    claimLoginAttempt(tx, table, key, { limit: MAX_FAILED_LOGINS, now, lockUntil: now + LOCK_MS }),
  );
  if (!claimed) {
    const record = await findLogin(deps.store.db, table, key);
    if (record?.lockedUntil != null) {
      throw new TollgateError(
        'locked',
        `too many failed logins: the account is locked; try again after ${new Date(record.lockedUntil).toISOString()}`,
      );
    }
    await verifyPassword(await dummyHash(), password);
    throw new TollgateError('unauthenticated', wrong);
  }
  if (!(await verifyPassword(claimed.passwordHash, password))) throw new TollgateError('unauthenticated', wrong);
  await deps.store.transaction((tx) => resetFailedLogins(tx, table, claimed.id));
  return claimed.id;
}

export async function createOperator(deps: ServiceDeps, email: string, password: string): Promise<Operator> {
  checkPasswordPolicy(password, email);
  const passwordHash = await hashPassword(password);
  const now = deps.clock.now();
  const id = deps.ids.next('operator');
  await conflictAs('an operator with this email address already exists', () =>
    deps.store.transaction((tx) =>
      insertOperator(tx, {
        id,
        email: email.trim(),
        email_key: emailKey(email),
        password_hash: passwordHash,
        failed_logins: 0,
        locked_until: null,
        created_at: now,
      }),
    ),
  );
  const op = await findOperatorByEmail(deps.store.db, email);
  if (!op) throw new TollgateError('internal', 'operator vanished after insert');
  return op;
}

/** The addresses a merchant logs in with (Paynow Zimbabwe test mode requires authemail to be one). */
export async function merchantLoginEmails(deps: ServiceDeps, merchantId: MerchantId): Promise<string[]> {
  return deps.authCache.read(`emails:${merchantId}`, deps.store.db, async (db) => {
    const m = await findMerchant(db, merchantId);
    return m ? [m.email.toLowerCase()] : [];
  });
}

export function getOperator(deps: ServiceDeps, id: OperatorId): Promise<Operator | undefined> {
  return findOperator(deps.store.db, id);
}

/** Every merchant, for operators. */
export async function allMerchants(deps: ServiceDeps): Promise<MerchantView[]> {
  return (await listMerchants(deps.store.db)).map((m) => merchantView(deps, m));
}
