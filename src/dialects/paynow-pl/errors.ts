import { assertNever, type TollgateError } from '../../core/errors.js';

export type ErrorType =
  | 'AUTHORIZATION_CODE_EXPIRED'
  | 'AUTHORIZATION_CODE_INVALID'
  | 'AUTHORIZATION_CODE_USED'
  | 'INSUFFICIENT_BALANCE_FUNDS'
  | 'NOT_FOUND'
  | 'PAYMENT_AMOUNT_TOO_LARGE'
  | 'PAYMENT_AMOUNT_TOO_SMALL'
  | 'PAYMENT_METHOD_NOT_AVAILABLE'
  | 'REFUND_AMOUNT_TOO_LARGE'
  | 'REFUND_AMOUNT_TOO_SMALL'
  | 'UNAUTHORIZED'
  | 'VALIDATION_ERROR'
  | 'VERIFICATION_FAILED'
  | 'INTERNAL_SERVER_ERROR';

/** An error in Paynow.pl's own shape: `{"statusCode":N,"errors":[{"errorType","message"}]}`. */
export class PlError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorType: ErrorType,
    message: string,
  ) {
    super(message);
  }
  body(): string {
    return JSON.stringify({ statusCode: this.statusCode, errors: [{ errorType: this.errorType, message: this.message }] });
  }
}

export const unauthorized = () => new PlError(401, 'UNAUTHORIZED', 'Unauthorized, invalid or missing credentials');
/** Decided (spec UNCERTAIN): a missing or wrong signature is 401 VERIFICATION_FAILED. */
export const badSignature = () => new PlError(401, 'VERIFICATION_FAILED', 'Your signature header is incorrect');
export const invalidField = (path: string, detail?: string) => new PlError(400, 'VALIDATION_ERROR', `${path}: invalid field value${detail ? ` (${detail})` : ''}`);
export const notFound = (message = 'Resource not found') => new PlError(404, 'NOT_FOUND', message);
export const internal = () => new PlError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');

/** A service's refusal in Paynow.pl's words: one exhaustive mapping. */
export function fromService(err: TollgateError): PlError {
  switch (err.reason) {
    case 'authorization_code_invalid':
      return new PlError(400, 'AUTHORIZATION_CODE_INVALID', 'Invalid BLIK code');
    case 'authorization_code_expired':
      return new PlError(400, 'AUTHORIZATION_CODE_EXPIRED', 'Expired BLIK code');
    case 'authorization_code_used':
      return new PlError(400, 'AUTHORIZATION_CODE_USED', 'Already used BLIK code');
    case 'payment_not_paid':
      return invalidField('paymentId', 'the payment is not CONFIRMED');
    case 'refund_too_small':
      return new PlError(400, 'REFUND_AMOUNT_TOO_SMALL', `amount: ${err.issues[0]?.message ?? 'too small'}`);
    case 'refund_too_large':
      return new PlError(400, 'REFUND_AMOUNT_TOO_LARGE', 'amount: greater than what remains of the payment');
    case 'method_not_enabled':
    case 'no_live_connector':
      return new PlError(400, 'PAYMENT_METHOD_NOT_AVAILABLE', err.detail);
    default:
      break;
  }
  const code = err.code;
  switch (code) {
    case 'insufficient_funds':
      return new PlError(400, 'INSUFFICIENT_BALANCE_FUNDS', 'Insufficient funds on balance');
    case 'not_found':
      return notFound();
    case 'validation':
    case 'refused':
    case 'invalid_state':
    case 'conflict':
      return new PlError(400, 'VALIDATION_ERROR', err.detail);
    case 'idempotency_mismatch':
      return new PlError(400, 'VALIDATION_ERROR', 'Idempotency-Key: already used for a different request');
    case 'unauthenticated':
    case 'forbidden':
    case 'csrf':
    case 'locked':
    case 'rate_limited':
    case 'not_verified':
      return unauthorized();
    case 'internal':
      return internal();
    default:
      return assertNever(code);
  }
}
