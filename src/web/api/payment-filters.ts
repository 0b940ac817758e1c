import { z } from 'zod';
import { PAYMENT_METHODS } from '../../core/payment-methods.js';
import { PAYMENT_STATES, type PaymentState } from '../../core/payment-state.js';
import { TollgateError } from '../../core/errors.js';
import type { PaymentFilter } from '../../store/repos/lists.js';

export const DIALECTS = ['tollgate', 'paynow_zw', 'paynow_pl', 'paydunya'] as const;

const amount = (description: string) => z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional().meta({ description: `${description}, in minor units` });
const at = (description: string) => z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional().meta({ description, example: '2026-12-01T00:00:00.000Z' });

/** The filters of a payment list and of its CSV export: each one given narrows the list. */
export const paymentFilterQuery = z.object({
  state: z
    .string()
    .max(300)
    .optional()
    .meta({ description: `One state or several separated by commas: ${PAYMENT_STATES.join(', ')}`, example: 'paid,delivered' }),
  dialect: z.enum(DIALECTS).optional().meta({ description: 'The wire the payment was created through' }),
  method: z.enum(PAYMENT_METHODS).optional(),
  mode: z.enum(['test', 'live']).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code').optional(),
  createdFrom: at('Created at or after this instant'),
  createdTo: at('Created before this instant'),
  reference: z.string().max(100).optional().meta({ description: "The merchant's reference, exactly" }),
  amountMin: amount('At least this amount'),
  amountMax: amount('At most this amount'),
});

/** The query's filter as the store reads it; an unknown state is a 400 naming `state`. */
export function toPaymentFilter(q: Omit<z.infer<typeof paymentFilterQuery>, never>): PaymentFilter {
  const states = q.state === undefined || q.state === '' ? undefined : q.state.split(',').map((s) => s.trim());
  const unknown = states?.find((s) => !(PAYMENT_STATES as readonly string[]).includes(s));
  if (unknown !== undefined) throw new TollgateError('validation', `state: ${unknown} is not a payment state (${PAYMENT_STATES.join(', ')})`, [{ path: 'state', message: 'unknown state' }]);
  return {
    states: states as PaymentState[] | undefined,
    dialect: q.dialect,
    method: q.method,
    mode: q.mode,
    currency: q.currency,
    createdFrom: q.createdFrom === undefined ? undefined : Date.parse(q.createdFrom),
    createdTo: q.createdTo === undefined ? undefined : Date.parse(q.createdTo),
    reference: q.reference,
    amountMin: q.amountMin,
    amountMax: q.amountMax,
  };
}
