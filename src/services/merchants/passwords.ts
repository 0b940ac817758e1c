import { hash, verify } from '@node-rs/argon2';
import { TollgateError } from '../../core/errors.js';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

// OWASP's Argon2id minimum (19 MiB, t=2, p=1); @node-rs/argon2 runs it off the event loop.
const OPTIONS = { algorithm: 2 /* Argon2id; the enum is a const enum we cannot import */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new TollgateError('validation', `the password must be at least ${MIN_PASSWORD_LENGTH} characters long`, [
      { path: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new TollgateError('validation', `the password must be at most ${MAX_PASSWORD_LENGTH} characters long`, [
      { path: 'password', message: `at most ${MAX_PASSWORD_LENGTH} characters` },
    ]);
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
