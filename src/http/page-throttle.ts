import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * How many times a minute one address may open pages by a capability URL (Paynow Zimbabwe's browser
 * URL, the Paynow.pl paywall, a PayDunya invoice or receipt). Nobody guesses a capability, so the
 * limit only spoils enumeration and scraping; a customer opens such a link a few times per payment.
 */
export const PAGE_LOOKUPS_PER_MINUTE = 60;

/** A refusal the page's error handler can tell apart from any other fault. */
export class TooManyRequests extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterMs: number) {
    super('too many requests from this address');
  }
}

/**
 * Registers customer-facing routes in their own context, throttled per address (in memory, per
 * process). A throttled visitor gets a short plain page; the routes' other errors go to the parent.
 */
export async function throttledPages(app: FastifyInstance, routes: (pages: FastifyInstance) => void, max = PAGE_LOOKUPS_PER_MINUTE): Promise<void> {
  await app.register(async (pages) => {
    await pages.register(rateLimit, { max, timeWindow: 60_000, errorResponseBuilder: (_req, ctx) => new TooManyRequests(ctx.ttl) });
    pages.setErrorHandler(async (err: FastifyError, _request, reply) => {
      if (!(err instanceof TooManyRequests)) throw err;
      return reply.code(429).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send('Too many requests from your address. Wait a minute and try again.');
    });
    routes(pages);
  });
}
