import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../core/html.js';
import { isTollgateError } from '../../core/errors.js';
import type { ServiceDeps } from '../../services/deps.js';
import { requestVerificationMail, verifyEmail } from '../../services/merchants/accounts.js';
import type { LoginThrottle } from '../login-throttle.js';
import { sendPage } from './html.js';

const ON = '<p>Next: log in with the management API (<a href="/docs">API documentation</a>) and ask to go live. <a href="/">Tollgate home</a></p>';

const newLinkForm = (note?: string) =>
  (note ? `<p role="alert">${escapeHtml(note)}</p>` : '') +
  '<form method="post" action="/verify-email/resend"><label for="email">Your login email</label>' +
  '<input id="email" name="email" type="email" autocomplete="username" maxlength="254" required> <button type="submit">Mail me a new link</button></form>';


type PageRequest = FastifyRequest<{ Querystring: { token?: unknown }; Body: Record<string, unknown> | undefined }>;

/**
 * The link in the verification mail: a browser GET that verifies and says so, says so again on a later
 * visit, and for a dead link offers a new one. Encapsulated for its form parser.
 */
async function verifyPages(app: FastifyInstance, opts: { deps: ServiceDeps; loginThrottle: LoginThrottle }): Promise<void> {
  const { deps } = opts;
  await app.register(formbody, { bodyLimit: 4096 });

  app.get('/verify-email', async (request: PageRequest, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    try {
      if (token.length === 0 || token.length > 200) throw new Error('missing token');
      const r = await verifyEmail(deps, token);
      return r.already
        ? sendPage(reply, 200, 'Email already verified', `<h1>Email already verified</h1><p>This link was used before: your email address is verified.</p>${ON}`)
        : sendPage(reply, 200, 'Email verified', `<h1>Email verified</h1><p>Your email address is verified. You can now ask to go live.</p>${ON}`);
    } catch (err) {
      if (isTollgateError(err) && err.code !== 'not_found') throw err;
      return sendPage(reply, 400, 'Link not valid', `<h1>This link does not work</h1><p>The verification link is unknown, incomplete, or a newer mail replaced it. Ask for a new one:</p>${newLinkForm()}`);
    }
  });

  app.post('/verify-email/resend', async (request: PageRequest, reply) => {
    const email = typeof request.body?.email === 'string' ? request.body.email.trim() : '';
    if (email === '' || email.length > 254) return sendPage(reply, 400, 'New verification link', `<h1>New verification link</h1>${newLinkForm('Enter your login email address.')}`);
    try {
      await opts.loginThrottle(request, reply);
    } catch (err) {
      if (isTollgateError(err)) return sendPage(reply, 429, 'New verification link', `<h1>New verification link</h1>${newLinkForm(err.detail)}`);
      throw err;
    }
    await requestVerificationMail(deps, email);
    return sendPage(reply, 200, 'Check your mail', '<h1>Check your mail</h1><p>If an account with this address still needs verifying, a new link is on its way; older links stop working.</p>');
  });
}

/** Registers GET /verify-email and POST /verify-email/resend. */
export async function registerVerifyEmailPage(app: FastifyInstance, deps: ServiceDeps, loginThrottle: LoginThrottle): Promise<void> {
  await app.register(verifyPages, { deps, loginThrottle });
}
