import { z } from 'zod';
import { ERROR_CODES } from '../../core/errors.js';

/**
 * The building blocks every management API response is made of (docs/api.md): instants, money, pages
 * and problems. Response schemas are enforced: the serializer parses each answer through its schema,
 * so a field not declared never leaves, and an instant stored as epoch milliseconds leaves as ISO 8601.
 */

const EXAMPLE_AT = '2026-12-04T18:55:00.000Z';

/** An instant: ISO 8601 UTC with milliseconds. Accepts epoch milliseconds from the services and turns them into that text. */
export const instant = (description: string) =>
  z
    .codec(z.union([z.number().int(), z.string()]), z.string(), {
      decode: (v) => (typeof v === 'number' ? new Date(v).toISOString() : v),
      encode: (s) => s,
    })
    .meta({ description: `${description} (ISO 8601, UTC)`, format: 'date-time', example: EXAMPLE_AT });

export const instantOrNull = (description: string) =>
  z
    .codec(z.union([z.number().int(), z.string(), z.null()]), z.string().nullable(), {
      decode: (v) => (typeof v === 'number' ? new Date(v).toISOString() : v),
      encode: (s) => s,
    })
    .meta({ description: `${description} (ISO 8601, UTC), or null`, format: 'date-time', example: EXAMPLE_AT });

/** An amount: integer minor units (cents, groszy, francs) of the sibling `currency` field. */
export const minor = (description: string, example = 1000) => z.number().int().meta({ description: `${description}, in minor units of currency`, example });
export const currency = z.string().meta({ description: 'ISO 4217 currency code of every amount on this object', example: 'USD' });

export const id = (prefix: string, what: string) => z.string().meta({ description: `${what} id`, example: `${prefix}_0mi8z1k2a3b4c5d6e7f8g9h` });

/** Query of every list: `limit` (default 50, at most 200) and the opaque `cursor` of the previous page's `nextCursor`. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Items per page (1–200, default 50)' }),
  cursor: z.string().max(500).optional().meta({ description: 'The nextCursor of the previous page; omit for the first page' }),
});

/** One page of a list: the items, newest first, and the cursor of the next page (null on the last). */
export const page = <T extends z.ZodType>(item: T, description: string) =>
  z
    .object({
      data: z.array(item),
      nextCursor: z.string().nullable().meta({ description: 'Pass as cursor to read the next page; null when this is the last page' }),
    })
    .meta({ description });

export const problem = z
  .object({
    type: z.string().meta({ example: 'https://tollgate.dev/problems/not_found' }),
    title: z.string().meta({ example: 'Not found' }),
    status: z.number().int().meta({ example: 404 }),
    code: z.enum([...ERROR_CODES]).meta({ description: 'Machine-readable error code (docs/errors.md)' }),
    detail: z.string().meta({ description: 'What went wrong and what to do next', example: 'payment pay_0mi8z1k2a3b4c5d6e7f8g9h not found' }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().meta({ description: 'Each invalid field, on a validation error' }),
    requestId: z.string().meta({ description: 'Quote it when reporting a problem' }),
  })
  .meta({ id: 'Problem', description: 'An error, as application/problem+json (RFC 9457)' });

export const PROBLEM_WHEN: Record<number, string> = {
  400: 'The request is not valid: `issues` names each field',
  401: 'Not logged in, or the API token is unknown or revoked',
  403: 'Not allowed: a session write without X-CSRF-Token, a merchant on an operator route, or an unverified email',
  404: 'No such resource for this caller (another merchant’s resources are not found either)',
  409: 'Conflicts with the current state or existing data',
  422: 'Refused: the payment method or the balance said no',
  423: 'The account is locked after too many wrong passwords; `detail` says until when',
  429: 'Too many attempts from this address; wait for Retry-After',
};

/** The problem+json answers a route can give, for its schema's `response`. */
export function problems(...statuses: number[]): Record<number, typeof problem> {
  const out: Record<number, typeof problem> = {};
  for (const s of statuses) out[s] = problem;
  return out;
}

/** What every authenticated merchant route can answer: invalid input, not logged in, CSRF / not a merchant. */
export const MERCHANT = [400, 401, 403] as const;
export const MERCHANT_RESOURCE = [400, 401, 403, 404] as const;

/** 204 No Content. */
export const noContent = z.undefined().meta({ description: 'Done; no body' });

/** What the API's serializer does to an answer, for the CLI's --json: parse it through the route's response schema. */
export const serialize = <T extends z.ZodType>(schema: T, value: z.input<T>): z.output<T> => schema.parse(value);
