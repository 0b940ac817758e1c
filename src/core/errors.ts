/**
 * The one catalogue of error codes. Services throw TollgateError(code, detail); each wire
 * (management API problem+json, each dialect) maps codes to its own body in one exhaustive switch.
 */
export const ERROR_CODES = [
  'validation',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'locked',
  'rate_limited',
  'csrf',
  'invalid_state',
  'idempotency_mismatch',
  'refused',
  'insufficient_funds',
  'not_verified',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What each code means, for the docs and the problem+json title. A test checks every code is here. */
export const ERROR_TITLES: Record<ErrorCode, string> = {
  validation: 'The request is not valid',
  unauthenticated: 'Authentication is required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'Conflicts with existing data',
  locked: 'Account locked',
  rate_limited: 'Too many attempts',
  csrf: 'CSRF token missing or wrong',
  invalid_state: 'Not possible in the current state',
  idempotency_mismatch: 'Idempotency key reused with a different request',
  refused: 'Refused by the payment method',
  insufficient_funds: 'Insufficient balance',
  not_verified: 'Email address not verified',
  internal: 'Something unexpected happened',
};

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class TollgateError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly issues: readonly FieldIssue[];
  /** A finer, machine-readable cause a wire may map to its own error words (e.g. `authorization_code_used`). */
  readonly reason: string | undefined;

  constructor(code: ErrorCode, detail: string, issues: readonly FieldIssue[] = [], reason?: string) {
    super(`${code}: ${detail}`);
    this.name = 'TollgateError';
    this.code = code;
    this.detail = detail;
    this.issues = issues;
    this.reason = reason;
  }
}

export function isTollgateError(err: unknown): err is TollgateError {
  return err instanceof TollgateError;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
