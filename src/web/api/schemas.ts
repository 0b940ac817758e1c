import { z } from 'zod';
import { ROTATION_GROUP_NAMES } from '../../core/credentials.js';
import { emailSchema } from '../../core/email.js';
import { PAYMENT_METHODS } from '../../core/payment-methods.js';

/** Request shapes shared by the management API's routes; their limits are the API's limits. */
export const email = emailSchema;
export const password = z.string({ error: 'must be a string' }).max(256, 'at most 256 characters');
export const text = (max: number) => z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
export const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048, 'at most 2048 characters');

export const bankAccount = z
  .object({
    bankName: text(100),
    accountName: text(100),
    accountNumber: text(34),
    branch: text(100).optional(),
    swift: z.string().regex(/^[A-Z0-9]{8}([A-Z0-9]{3})?$/, 'must be an 8 or 11 character SWIFT/BIC code').optional(),
  })
  .strict();

export const integrationId = z.object({ id: z.string().regex(/^int_[0-9a-z]{21}$/, 'must be an integration id (int_…)') });
export const paymentId = z.object({ id: z.string().regex(/^pay_[0-9a-z]{21}$/, 'must be a payment id (pay_…)') });
export const refundId = z.object({ id: z.string().regex(/^re_[0-9a-z]{21}$/, 'must be a refund id (re_…)') });
export const deliveryId = z.object({ id: z.string().regex(/^dlv_[0-9a-z]{21}$/, 'must be a delivery id (dlv_…)') });
export const merchantId = z.object({ id: z.string().regex(/^mer_[0-9a-z]{21}$/, 'must be a merchant id (mer_…)') });
export const tokenId = z.object({ id: z.string().regex(/^tok_[0-9a-z]{21}$/, 'must be an API token id (tok_…)') });

export const paymentMethods = z.array(z.enum(PAYMENT_METHODS)).max(PAYMENT_METHODS.length).refine((a) => new Set(a).size === a.length, 'must not repeat a method');
export const rotationGroups = z.array(z.enum(ROTATION_GROUP_NAMES as [string, ...string[]])).max(ROTATION_GROUP_NAMES.length);

export const integrationFields = {
  name: text(100),
  absorbFees: z.boolean().optional(),
  notificationEmail: email.nullable().optional(),
  notificationUrl: httpUrl.nullable().optional(),
  note: z.string().trim().max(1000, 'at most 1000 characters').nullable().optional(),
  enabledMethods: paymentMethods.optional(),
  paynowZwCurrency: z.enum(['USD', 'ZWG']).optional(),
};
