import type { FastifyInstance } from 'fastify';
import { isTollgateError } from '../../core/errors.js';
import type { ServiceDeps } from '../../services/deps.js';
import { verifyEmail } from '../../services/merchants/accounts.js';
import { escapeHtml, page } from '../../core/html.js';
import { PAGE_CSP } from './html.js';

/** The link in the verification mail: a browser GET that verifies and says so. */
export function registerVerifyEmailPage(app: FastifyInstance, deps: ServiceDeps): void {
  app.get<{ Querystring: { token?: string } }>('/verify-email', async (request, reply) => {
    reply.header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8');
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    try {
      if (token.length === 0 || token.length > 200) throw new Error('missing token');
      await verifyEmail(deps, token);
      return page('Email verified', '<h1>Email verified</h1><p>Your email address is verified. You can now ask to go live.</p>');
    } catch (err) {
      const detail = isTollgateError(err) ? err.detail : 'this verification link is not valid';
      return reply.code(400).send(page('Verification failed', `<h1>Verification failed</h1><p>${escapeHtml(detail)}</p>`));
    }
  });
}
