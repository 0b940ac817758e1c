import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TollgateError } from '../core/errors.js';

/** Counts one login attempt of the request's address; throws `rate_limited` (with Retry-After set) past the limit. */
export type LoginThrottle = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * One budget per client address shared by every form that checks a password (the management API's
 * login, the checkout page's, password changes and reset requests), so a guesser gains nothing by
 * switching forms. Kept in this process's memory: the per-account lockout in the database is what
 * holds across processes; this only slows one address down.
 */
export async function createLoginThrottle(server: FastifyInstance, limits: { max: number; windowSeconds: number }): Promise<LoginThrottle> {
  await server.register(rateLimit, { global: false });
  const count = server.createRateLimit({ max: limits.max, timeWindow: limits.windowSeconds * 1000 });
  return async (request, reply) => {
    const r = await count(request);
    if (r.isAllowed || !r.isExceeded) return;
    reply.header('retry-after', String(r.ttlInSeconds));
    throw new TollgateError('rate_limited', `too many login attempts from this address; try again in ${r.ttlInSeconds} seconds`);
  };
}
