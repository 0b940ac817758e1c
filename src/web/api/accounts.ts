import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TollgateError } from '../../core/errors.js';
import type { ServiceDeps } from '../../services/deps.js';
import { checkLogin, getMerchant, getOperator, registerMerchant, resendVerification, updateMerchant, verifyEmail } from '../../services/merchants/accounts.js';
import { closeSession, createApiToken, type LoggedIn, listTokens, openSession, revokeToken, SESSION_MS } from '../../services/merchants/sessions.js';
import { pageInMemory } from '../../services/paging.js';
import { requireMerchant, SESSION_COOKIE } from './auth.js';
import type { LoginThrottle } from '../login-throttle.js';
import { apiToken, merchant, operator } from './resources.js';
import { bankAccount, email, password, text, tokenId } from './schemas.js';
import { instant, MERCHANT, MERCHANT_RESOURCE, noContent, page, pageQuery, problems } from './shapes.js';

const session = z
  .object({
    kind: z.enum(['merchant', 'operator']),
    merchant: merchant.optional(),
    operator: operator.optional(),
    csrfToken: z.string().meta({ description: 'Send it as X-CSRF-Token on every write made with the session cookie' }),
    expiresAt: instant('When the session ends'),
  })
  .meta({ id: 'Session' });

/** Registration, email verification, login and logout, the merchant's profile and API tokens. */
export function registerAccountRoutes(root: FastifyInstance, deps: ServiceDeps, throttle: LoginThrottle): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const secure = deps.publicUrl.startsWith('https:');

  async function who(p: LoggedIn) {
    if (p.kind === 'merchant') return { merchant: await getMerchant(deps, p.id) };
    const o = await getOperator(deps, p.id);
    return o ? { operator: o } : {};
  }

  app.post('/api/merchants', {
    schema: {
      tags: ['accounts'],
      summary: 'Register a merchant account',
      description: 'A verification link is mailed to the address. A known address answers the same (and that address is told), so the API does not reveal which addresses have accounts.',
      body: z.object({ email, password, companyName: text(200), companyEmail: email.optional(), bankAccount: bankAccount.optional() }).strict(),
      response: { 201: z.object({ merchant }), ...problems(400, 429) },
    },
  }, async (request, reply) => {
    const { merchant: m } = await registerMerchant(deps, request.body, { ifRegistered: 'mail' });
    return reply.code(201).send({ merchant: m });
  });

  app.post('/api/auth/verify-email', {
    schema: {
      tags: ['accounts'],
      summary: 'Verify an email address with the token from the mail',
      description: 'Using the token again answers the same while the address stays verified; an unknown or replaced token is a 404.',
      body: z.object({ token: text(200) }).strict(),
      response: { 200: z.object({ verified: z.literal(true) }), ...problems(400, 404) },
    },
  }, async (request) => {
    await verifyEmail(deps, request.body.token);
    return { verified: true as const };
  });

  app.post('/api/auth/login', {
    schema: {
      tags: ['accounts'],
      summary: 'Log in',
      description:
        'Sets an HttpOnly session cookie (12 hours) and returns the CSRF token to send as X-CSRF-Token on writes. Ten wrong passwords lock the account for thirty minutes (423); a disabled merchant cannot log in (403).',
      body: z.object({ email, password, as: z.enum(['merchant', 'operator']).default('merchant') }).strict(),
      response: { 200: session, ...problems(400, 401, 403, 423, 429) },
    },
  }, async (request, reply) => {
    await throttle(request, reply);
    const { email: address, password: pw, as } = request.body;
    const p: LoggedIn =
      as === 'operator' ? { kind: 'operator', id: await checkLogin(deps, 'operators', address, pw) } : { kind: 'merchant', id: await checkLogin(deps, 'merchants', address, pw) };
    const s = await openSession(deps, p);
    reply.setCookie(SESSION_COOKIE, s.cookie, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: SESSION_MS / 1000 });
    return { kind: as, ...(await who(p)), csrfToken: s.csrfToken, expiresAt: s.expiresAt };
  });

  app.get('/api/auth/session', {
    schema: {
      tags: ['accounts'],
      summary: 'The current session and its CSRF token',
      description: 'For a page that was reloaded: who is logged in with this cookie, and the CSRF token to send on writes. A bearer token has no session (401).',
      response: { 200: session.omit({ expiresAt: true }), ...problems(401) },
    },
  }, async (request) => {
    const p = request.auth;
    if (p?.via !== 'session' || p.csrfToken === null) return problemUnauthenticated();
    return { kind: p.kind, ...(await who(p)), csrfToken: p.csrfToken };
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['accounts'], summary: 'End the session', description: 'Ends the session of the cookie sent, if any, and clears the cookie.', response: { 204: noContent, ...problems(403) } },
  }, async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) await closeSession(deps, cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/me', {
    schema: { tags: ['accounts'], summary: 'The logged-in merchant', description: 'The account of the session or API token.', response: { 200: z.object({ merchant }), ...problems(...MERCHANT) } },
  }, async (request) => {
    return { merchant: await getMerchant(deps, requireMerchant(request)) };
  });

  app.patch('/api/me', {
    schema: {
      tags: ['accounts'],
      summary: 'Change the company name, company email or payout bank account',
      description: 'Only the fields sent change; `bankAccount: null` removes the bank account.',
      body: z.object({ companyName: text(200).optional(), companyEmail: email.optional(), bankAccount: bankAccount.nullable().optional() }).strict(),
      response: { 200: z.object({ merchant }), ...problems(...MERCHANT) },
    },
  }, async (request) => {
    return { merchant: await updateMerchant(deps, requireMerchant(request), request.body) };
  });

  app.post('/api/me/resend-verification', {
    schema: {
      tags: ['accounts'],
      summary: 'Send the verification mail again',
      description: 'A new link replaces the previous one; an address already verified is a 409.',
      response: { 202: z.object({ sent: z.literal(true) }), ...problems(...MERCHANT, 409) },
    },
  }, async (request, reply) => {
    await resendVerification(deps, requireMerchant(request));
    return reply.code(202).send({ sent: true as const });
  });

  app.get('/api/tokens', {
    schema: {
      tags: ['tokens'],
      summary: 'List API tokens (never their values)',
      description: 'Newest first, revoked ones included.',
      querystring: pageQuery,
      response: { 200: page(apiToken, 'API tokens'), ...problems(...MERCHANT) },
    },
  }, async (request) => {
    const all = await listTokens(deps, requireMerchant(request));
    return pageInMemory(all, request.query, (t) => ({ at: t.createdAt, id: t.id }), (t) => t);
  });

  app.post('/api/tokens', {
    schema: {
      tags: ['tokens'],
      summary: 'Create an API token for automation',
      description: 'Its value is in this response only: send it as `Authorization: Bearer tg_…`. A token acts as the merchant, without CSRF token.',
      body: z.object({ name: text(100) }).strict(),
      response: { 201: z.object({ token: z.string().meta({ description: 'The token, shown once', example: 'tg_3q2+7w…' }), info: apiToken }), ...problems(...MERCHANT) },
    },
  }, async (request, reply) => {
    const { token, info } = await createApiToken(deps, requireMerchant(request), request.body.name);
    return reply.code(201).send({ token, info });
  });

  app.delete('/api/tokens/:id', {
    schema: { tags: ['tokens'], summary: 'Revoke an API token', description: 'It stops working at once.', params: tokenId, response: { 204: noContent, ...problems(...MERCHANT_RESOURCE) } },
  }, async (request, reply) => {
    await revokeToken(deps, requireMerchant(request), request.params.id);
    return reply.code(204).send();
  });
}

function problemUnauthenticated(): never {
  throw new TollgateError('unauthenticated', 'no session: log in with POST /api/auth/login');
}
