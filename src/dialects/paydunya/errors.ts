import { assertNever, type TollgateError } from '../../core/errors.js';

/**
 * PayDunya answers every API-level outcome with HTTP 200 and a string `response_code`. The codes the
 * spec documents, and ours where it is silent (decided, see README): 1001 keys, 1002 unknown invoice,
 * 4000 invalid request, 4001 body not JSON, 4002 funds, 4003 wrong one-time code, 5000 id already used.
 */
export const CODES = {
  ok: '00',
  keys: '1001',
  notFound: '1002',
  invalid: '4000',
  notJson: '4001',
  funds: '4002',
  badCode: '4003',
  used: '5000',
} as const;

export class PdError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  body(): { response_code: string; response_text: string } {
    return { response_code: this.code, response_text: this.message };
  }
}

export const badKeys = () => new PdError(CODES.keys, 'Invalid Masterkey Specified');
export const invalid = (message: string) => new PdError(CODES.invalid, message);
export const invoiceNotFound = () => new PdError(CODES.notFound, 'Invoice Not Found');

export function fromService(err: TollgateError): PdError {
  if (err.reason === 'duplicate_external_id') return new PdError(CODES.used, 'disburse_id already used');
  if (err.reason === 'insufficient_balance') return new PdError(CODES.funds, err.detail);
  const code = err.code;
  switch (code) {
    case 'insufficient_funds':
      return new PdError(CODES.funds, err.detail);
    case 'not_found':
      return new PdError(CODES.notFound, err.detail);
    case 'validation':
    case 'refused':
    case 'invalid_state':
    case 'conflict':
    case 'idempotency_mismatch':
      return invalid(err.detail);
    case 'unauthenticated':
    case 'forbidden':
    case 'csrf':
    case 'locked':
    case 'rate_limited':
    case 'not_verified':
      return badKeys();
    case 'internal':
      return new PdError(CODES.funds, 'An Unknown PAYDUNYA Server Error Occured.');
    default:
      return assertNever(code);
  }
}
