import { readFileSync } from 'node:fs';
import { hash, verify } from '@node-rs/argon2';
import { TollgateError } from '../../core/errors.js';
import { randomAlphanumeric } from '../../core/ids.js';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

// OWASP's Argon2id minimum (19 MiB, t=2, p=1); @node-rs/argon2 runs it off the event loop.
const OPTIONS = { algorithm: 2 /* Argon2id; the enum is a const enum we cannot import */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A local part this short would refuse half of all passwords while meaning nothing. */
const MIN_LOCAL_PART = 3;

let common: ReadonlySet<string> | undefined;
/** The bundled list of the most common passwords (common-passwords.txt), read once, lower-cased. */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l !== '' && !l.startsWith('#')),
  );
  return common;
}

/** Why the password may not be used, or undefined. */
function policyProblem(password: string, email: string): string | undefined {
  const chars = [...password];
  if (chars.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (chars.length > MAX_PASSWORD_LENGTH) return `at most ${MAX_PASSWORD_LENGTH} characters`;
  if (chars.every((c) => c === chars[0])) return 'not one character repeated';
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'too common: it is on the list of the most used passwords';
  const address = email.trim().toLowerCase();
  const local = address.slice(0, Math.max(0, address.lastIndexOf('@')));
  if ((address !== '' && lower.includes(address)) || (local.length >= MIN_LOCAL_PART && lower.includes(local))) {
    return 'must not contain the email address or its part before the @';
  }
  return undefined;
}

/**
 * The one check of a new password, wherever one is set (registration, operators, change, reset, CLI):
 * 12 to 256 characters, not one character repeated, not on the bundled list of common passwords
 * (compared lower-cased), and not containing the account's email address or its local part.
 */
export function checkPasswordPolicy(password: string, email: string, field = 'password'): void {
  const problem = policyProblem(password, email);
  if (problem !== undefined) {
    throw new TollgateError('validation', `${field}: ${problem}`, [{ path: field, message: problem }]);
  }
}

/** A random password for `email` that the policy accepts (20 letters and digits could, rarely, contain its local part). */
export function generatePassword(email: string): string {
  for (;;) {
    const candidate = randomAlphanumeric(20);
    if (policyProblem(candidate, email) === undefined) return candidate;
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** A hash to verify against when the email is unknown, so the answer takes as long either way. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('tollgate-dummy-password-for-timing');
  return dummy;
}
