import { assertNever, type ErrorCode, type TollgateError } from '../../core/errors.js';

/** Paynow Zimbabwe's error texts (spec §5.3) and ours where the spec is silent (decided, see README). */
export const ERR = {
  invalidId: 'Invalid Id.',
  invalidAmount: 'Invalid amount field',
  insufficientBalance: 'Insufficient balance',
  traceFailed: 'Trace failed',
  notFound: 'Transaction not found',
  authEmail: "In test mode authemail must be the merchant's login email",
  duplicateTrace: 'Merchant trace already used',
  disabled: 'Integration is disabled',
  notLive: 'Integration is not live',
  internal: 'Internal error, please try again',
} as const;

export function invalidHash(expected: string): string {
  // Two spaces, and the first six characters of the hash we expected (what the real server says).
  return `Invalid Hash.  Hash should start with: ${expected.slice(0, 6)}`;
}

export function invalidField(name: string): string {
  return `Invalid ${name} field`;
}

/** A service's refusal in Paynow Zimbabwe's words. */
export function errorText(err: TollgateError): string {
  if (err.reason === 'insufficient_balance') return ERR.insufficientBalance;
  if (err.reason === 'duplicate_trace') return ERR.duplicateTrace;
  const code: ErrorCode = err.code;
  switch (code) {
    case 'refused':
    case 'validation':
    case 'invalid_state':
    case 'conflict':
    case 'not_found':
    case 'insufficient_funds':
      return err.detail;
    case 'idempotency_mismatch':
    case 'unauthenticated':
    case 'forbidden':
    case 'csrf':
    case 'locked':
    case 'rate_limited':
    case 'not_verified':
    case 'internal':
      return ERR.internal;
    default:
      return assertNever(code);
  }
}
