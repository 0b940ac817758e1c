import { z } from 'zod';
import { TollgateError } from './errors.js';

/** The one rule for an email address: the management API's schemas and the services (so the CLI) both use it. */
export const emailSchema = z.email({ error: 'must be an email address' }).max(254, 'at most 254 characters');

/** The address without surrounding spaces, or a validation error naming `field`. */
export function parseEmail(value: string, field = 'email'): string {
  const trimmed = value.trim();
  const r = emailSchema.safeParse(trimmed);
  if (!r.success) {
    const message = r.error.issues[0]?.message ?? 'must be an email address';
    throw new TollgateError('validation', `${field}: ${message}`, [{ path: field, message }]);
  }
  return trimmed;
}
