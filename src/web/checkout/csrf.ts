import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, randomToken } from '../../core/crypto.js';

/** The double-submit cookie of the checkout forms; the same value travels in a hidden field. */
export const CSRF_COOKIE = 'tollgate_csrf';
export const CSRF_FIELD = 'csrf';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The visitor's CSRF token: the cookie's when it came with the request, else a new one set now.
 * SameSite=Strict, so another site can neither send it with a forged form nor read it.
 */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const sent = request.cookies[CSRF_COOKIE];
  if (typeof sent === 'string' && TOKEN.test(sent)) return sent;
  const token = randomToken(32);
  reply.setCookie(CSRF_COOKIE, token, { path: '/pay', httpOnly: true, sameSite: 'strict', secure });
  return token;
}

/** A form post carries the token twice, in the cookie and in the hidden field, and they agree. */
export function csrfValid(request: FastifyRequest, field: unknown): boolean {
  const cookie = request.cookies[CSRF_COOKIE];
  if (typeof cookie !== 'string' || !TOKEN.test(cookie) || typeof field !== 'string') return false;
  return constantTimeEqual(field, cookie);
}
