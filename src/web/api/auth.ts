import type { MerchantId, OperatorId } from '../../core/ids.js';
import type { FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../../core/crypto.js';
import { TollgateError } from '../../core/errors.js';
import type { ServiceDeps } from '../../services/deps.js';
import { type Principal, sessionPrincipal, tokenPrincipal } from '../../services/merchants/sessions.js';

export const SESSION_COOKIE = 'tollgate_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Fills request.auth from a bearer API token or the session cookie. A cookie-authenticated write must
 * carry the session's CSRF token in X-CSRF-Token; a bearer token cannot be sent by a browser on its own.
 */
export function authHook(deps: ServiceDeps) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    let principal: Principal | undefined;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      principal = match?.[1] ? await tokenPrincipal(deps, match[1]) : undefined;
      if (!principal) throw new TollgateError('unauthenticated', 'the API token is unknown or revoked');
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) principal = await sessionPrincipal(deps, cookie);
    }
    request.auth = principal ?? null;
    if (principal?.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || principal.csrfToken === null || !constantTimeEqual(sent, principal.csrfToken)) {
        throw new TollgateError('csrf', 'send the X-CSRF-Token header with the token returned at login');
      }
    }
  };
}

export function requireMerchant(request: FastifyRequest): MerchantId {
  const p = request.auth;
  if (!p) throw new TollgateError('unauthenticated', 'log in or send an API token (Authorization: Bearer tg_…)');
  if (p.kind !== 'merchant') throw new TollgateError('forbidden', 'this route is for merchants');
  return p.id;
}

export function requireOperator(request: FastifyRequest): OperatorId {
  const p = request.auth;
  if (!p) throw new TollgateError('unauthenticated', 'log in as an operator');
  if (p.kind !== 'operator') throw new TollgateError('forbidden', 'this route is for operators');
  return p.id;
}
