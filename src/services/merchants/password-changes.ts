import type { MerchantId } from '../../core/ids.js';
import { randomToken, sha256Hex } from '../../core/crypto.js';
import { isTollgateError, TollgateError } from '../../core/errors.js';
import {
  consumeResetToken,
  findByResetToken,
  findMerchant,
  findMerchantByEmail,
  setMerchantPassword,
  setResetToken,
} from '../../store/repos/merchants.js';
import { deleteSessionsOf } from '../../store/repos/sessions.js';
import type { ServiceDeps } from '../deps.js';
import { enqueueMail } from '../mail/outbox.js';
import { checkPasswordOf } from './accounts.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';

/** How long a mailed reset link works. */
export const RESET_MS = 60 * 60_000;

const UNKNOWN_LINK = 'this reset link is unknown, was already used or has expired; ask for a new one';

/**
 * A logged-in merchant changes the password: the current one is checked under the login lockout, the
 * new one under the policy; every other session ends (`keepSession`, the caller's cookie, stays).
 */
export async function changePassword(
  deps: ServiceDeps,
  merchantId: MerchantId,
  input: { currentPassword: string; newPassword: string },
  keepSession: string | null,
): Promise<void> {
  const merchant = await findMerchant(deps.store.db, merchantId);
  if (!merchant) throw new TollgateError('not_found', 'merchant not found');
  checkPasswordPolicy(input.newPassword, merchant.email, 'newPassword');
  try {
    await checkPasswordOf(deps, 'merchants', { id: merchantId }, input.currentPassword, 'the current password is wrong');
  } catch (err) {
    // Logged in already: a wrong current password is not a reason to drop the session (401).
    if (isTollgateError(err) && err.code === 'unauthenticated') {
      throw new TollgateError('forbidden', err.detail, [{ path: 'currentPassword', message: 'wrong password' }]);
    }
    throw err;
  }
  const hash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    await setMerchantPassword(tx, merchantId, hash, now);
    await deleteSessionsOf(tx, 'merchant', merchantId, keepSession === null ? null : sha256Hex(keepSession));
  });
}

/**
 * Mails a single-use reset link that works for an hour, if the address has an account; the caller
 * answers alike either way. The token is stored as its SHA-256; a new request replaces the old link.
 */
export async function requestPasswordReset(deps: ServiceDeps, email: string): Promise<void> {
  const merchant = await findMerchantByEmail(deps.store.db, email);
  if (!merchant) return;
  const token = randomToken(32);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    await setResetToken(tx, merchant.id, sha256Hex(token), now + RESET_MS, now);
    await enqueueMail(
      tx,
      deps,
      {
        to: merchant.email,
        subject: 'Reset your Tollgate password',
        kind: 'password_reset',
        body:
          `Someone (we hope you) asked to reset the password of your Tollgate account.\n\nOpen this link within an hour to choose a new password:\n${deps.publicUrl}/reset-password?token=${token}\n\n` +
          'The link works once. Setting a new password logs out every session.\nIf you did not ask for this, ignore this mail: your password stays as it is.\n',
      },
      now,
    );
  });
}

/** Whether a reset link is live, for the page that asks for the new password. */
export async function resetLinkValid(deps: ServiceDeps, token: string): Promise<boolean> {
  return (await findByResetToken(deps.store.db, sha256Hex(token), deps.clock.now())) !== undefined;
}

/** Sets the password from a reset link, once: the link is used up, every session ends, the lockout lifts. */
export async function resetPassword(deps: ServiceDeps, token: string, password: string): Promise<void> {
  const tokenHash = sha256Hex(token);
  const merchant = await findByResetToken(deps.store.db, tokenHash, deps.clock.now());
  if (!merchant) throw new TollgateError('not_found', UNKNOWN_LINK);
  checkPasswordPolicy(password, merchant.email);
  const hash = await hashPassword(password);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    // Two uses racing: only the first finds the token still there.
    const id = await consumeResetToken(tx, tokenHash, hash, now);
    if (id === undefined) throw new TollgateError('not_found', UNKNOWN_LINK);
    await deleteSessionsOf(tx, 'merchant', id, null);
  });
}

/** The administrator sets a merchant's password (`tollgate merchant set-password`): every session ends. */
export async function setPasswordByAdmin(deps: ServiceDeps, email: string, password: string): Promise<{ id: string; email: string }> {
  const merchant = await findMerchantByEmail(deps.store.db, email);
  if (!merchant) throw new TollgateError('not_found', `no merchant with the email address ${email}`);
  checkPasswordPolicy(password, merchant.email);
  const hash = await hashPassword(password);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    await setMerchantPassword(tx, merchant.id, hash, now);
    await deleteSessionsOf(tx, 'merchant', merchant.id, null);
  });
  return { id: merchant.id, email: merchant.email };
}
