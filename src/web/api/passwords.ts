import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps.js';
import { changePassword, requestPasswordReset, resetPassword } from '../../services/merchants/password-changes.js';
import type { LoginThrottle } from '../login-throttle.js';
import { requireMerchant, SESSION_COOKIE } from './auth.js';
import { email, password, text } from './schemas.js';
import { MERCHANT, noContent, problems } from './shapes.js';

const POLICY =
  'A new password has 12 to 256 characters, is not one character repeated, is not on the list of the most common passwords, and does not contain the email address or its part before the @.';

/** Changing a password while logged in, and resetting a forgotten one by a mailed link. */
export function registerPasswordRoutes(root: FastifyInstance, deps: ServiceDeps, throttle: LoginThrottle): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post('/api/me/password', {
    schema: {
      tags: ['accounts'],
      summary: 'Change the password; every other session ends',
      description: `Requires the current password, which counts towards the login lockout (ten wrong, thirty minutes). ${POLICY} Answers 204.`,
      body: z.object({ currentPassword: password, newPassword: password }).strict(),
      response: { 204: noContent, ...problems(...MERCHANT, 423, 429) },
    },
  }, async (request, reply) => {
    await throttle(request, reply);
    const merchantId = requireMerchant(request);
    const keep = request.auth?.via === 'session' ? (request.cookies[SESSION_COOKIE] ?? null) : null;
    await changePassword(deps, merchantId, request.body, keep);
    return reply.code(204).send();
  });

  app.post('/api/auth/password-reset', {
    schema: {
      tags: ['accounts'],
      summary: 'Mail a password-reset link (answers alike whether or not the address has an account)',
      description: 'The link works once, for one hour; a new request replaces the previous link. Throttled per address like login.',
      body: z.object({ email }).strict(),
      response: { 202: z.object({ sent: z.literal(true) }), ...problems(400, 429) },
    },
  }, async (request, reply) => {
    await throttle(request, reply);
    await requestPasswordReset(deps, request.body.email);
    return reply.code(202).send({ sent: true as const });
  });

  app.post('/api/auth/password-reset/confirm', {
    schema: {
      tags: ['accounts'],
      summary: 'Set a new password with the token from the reset mail; every session ends',
      description: `${POLICY} The token is used up; an unknown, used or expired token is a 404. A lockout is lifted.`,
      body: z.object({ token: text(200), password }).strict(),
      response: { 200: z.object({ reset: z.literal(true) }), ...problems(400, 404) },
    },
  }, async (request) => {
    await resetPassword(deps, request.body.token, request.body.password);
    return { reset: true as const };
  });
}
