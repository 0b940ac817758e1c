import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps.js';
import { checkLogin, getMerchant, getOperator, registerMerchant, resendVerification, updateMerchant, verifyEmail } from '../../services/merchants/accounts.js';
import { closeSession, createApiToken, listTokens, openSession, revokeToken, SESSION_MS } from '../../services/merchants/sessions.js';
import { requireMerchant, SESSION_COOKIE } from './auth.js';
import type { LoginThrottle } from '../login-throttle.js';
import { bankAccount, email, password, text, tokenId } from './schemas.js';

/** Registration, email verification, login and logout, the merchant's profile and API tokens. */
export function registerAccountRoutes(root: FastifyInstance, deps: ServiceDeps, throttle: LoginThrottle): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const secure = deps.publicUrl.startsWith('https:');

  app.post('/api/merchants', {
    schema: {
      tags: ['accounts'],
      summary: 'Register a merchant account',
      body: z.object({ email, password, companyName: text(200), companyEmail: email.optional(), bankAccount: bankAccount.optional() }).strict(),
    },
  }, async (request, reply) => {
    const { merchant } = await registerMerchant(deps, request.body, { ifRegistered: 'mail' });
    return reply.code(201).send({ merchant });
  });

  app.post('/api/auth/verify-email', {
    schema: {
      tags: ['accounts'],
      summary: 'Verify an email address with the token from the mail',
      description: 'Using the token again answers the same while the address stays verified; an unknown or replaced token is a 404.',
      body: z.object({ token: text(200) }).strict(),
    },
  }, async (request) => {
    await verifyEmail(deps, request.body.token);
    return { verified: true };
  });

  app.post('/api/auth/login', {
    schema: {
      tags: ['accounts'],
      summary: 'Log in; sets an HttpOnly session cookie and returns the CSRF token for writes',
      body: z.object({ email, password, as: z.enum(['merchant', 'operator']).default('merchant') }).strict(),
    },
  }, async (request, reply) => {
    await throttle(request, reply);
    const { email: address, password: pw, as } = request.body;
    const id = await checkLogin(deps, as === 'operator' ? 'operators' : 'merchants', address, pw);
    const session = await openSession(deps, { kind: as, id });
    reply.setCookie(SESSION_COOKIE, session.cookie, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: SESSION_MS / 1000 });
    const who = as === 'merchant' ? { merchant: await getMerchant(deps, id) } : { operator: await getOperator(deps, id) };
    return { kind: as, ...who, csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
  });

  app.post('/api/auth/logout', { schema: { tags: ['accounts'], summary: 'End the session' } }, async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) await closeSession(deps, cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/me', { schema: { tags: ['accounts'], summary: 'The logged-in merchant' } }, async (request) => {
    return { merchant: await getMerchant(deps, requireMerchant(request)) };
  });

  app.patch('/api/me', {
    schema: {
      tags: ['accounts'],
      summary: 'Change the company name, company email or payout bank account',
      body: z.object({ companyName: text(200).optional(), companyEmail: email.optional(), bankAccount: bankAccount.nullable().optional() }).strict(),
    },
  }, async (request) => {
    return { merchant: await updateMerchant(deps, requireMerchant(request), request.body) };
  });

  app.post('/api/me/resend-verification', { schema: { tags: ['accounts'], summary: 'Send the verification mail again' } }, async (request, reply) => {
    await resendVerification(deps, requireMerchant(request));
    return reply.code(202).send({ sent: true });
  });

  app.get('/api/tokens', { schema: { tags: ['tokens'], summary: 'List API tokens (never their values)' } }, async (request) => {
    return { tokens: await listTokens(deps, requireMerchant(request)) };
  });

  app.post('/api/tokens', {
    schema: { tags: ['tokens'], summary: 'Create an API token for automation; its value is shown once', body: z.object({ name: text(100) }).strict() },
  }, async (request, reply) => {
    const { token, info } = await createApiToken(deps, requireMerchant(request), request.body.name);
    return reply.code(201).send({ token, info });
  });

  app.delete('/api/tokens/:id', { schema: { tags: ['tokens'], summary: 'Revoke an API token', params: tokenId } }, async (request, reply) => {
    await revokeToken(deps, requireMerchant(request), request.params.id);
    return reply.code(204).send();
  });
}
