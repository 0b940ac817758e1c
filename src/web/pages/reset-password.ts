import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../core/html.js';
import { isTollgateError } from '../../core/errors.js';
import type { ServiceDeps } from '../../services/deps.js';
import { requestPasswordReset, resetLinkValid, resetPassword } from '../../services/merchants/password-changes.js';
import { MIN_PASSWORD_LENGTH } from '../../services/merchants/passwords.js';
import type { LoginThrottle } from '../login-throttle.js';
import { sendPage } from './html.js';

const RULES = `<p>At least ${MIN_PASSWORD_LENGTH} characters, not a common password, not one character repeated, and not containing your email address.</p>`;
const ASK_AGAIN = '<p><a href="/reset-password">Ask for a new link</a></p>';

type FormRequest = FastifyRequest<{ Querystring: { token?: unknown }; Body: Record<string, unknown> | undefined }>;

const field = (request: FormRequest, name: string): string => {
  const v = request.body?.[name];
  return typeof v === 'string' ? v : '';
};


const askForm = (error?: string) =>
  '<h1>Reset your password</h1>' +
  (error ? `<p role="alert">${escapeHtml(error)}</p>` : '') +
  '<form method="post" action="/reset-password/request"><label for="email">Your login email</label>' +
  '<input id="email" name="email" type="email" autocomplete="username" maxlength="254" required> <button type="submit">Mail me a link</button></form>';

const setForm = (token: string, error?: string) =>
  '<h1>Choose a new password</h1>' +
  (error ? `<p role="alert">${escapeHtml(error)}</p>` : '') +
  RULES +
  `<form method="post" action="/reset-password"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
  '<label for="password">New password</label><input type="password" name="password" id="password" autocomplete="new-password" maxlength="256" required> ' +
  '<button type="submit">Set the password</button></form>';

/**
 * The page a reset mail links to, usable without JavaScript. Encapsulated: its form parser applies here
 * only. No CSRF token: the reset token in the form is the secret a forger lacks, and asking for a link
 * changes nothing but a mail to the owner (throttled like login).
 */
async function resetPages(app: FastifyInstance, opts: { deps: ServiceDeps; loginThrottle: LoginThrottle }): Promise<void> {
  const { deps } = opts;
  await app.register(formbody, { bodyLimit: 4096 });

  app.get('/reset-password', async (request: FormRequest, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    if (token === '') return sendPage(reply, 200, 'Reset your password', askForm());
    if (token.length > 200 || !(await resetLinkValid(deps, token))) {
      return sendPage(reply, 400, 'Link not valid', `<h1>This link does not work</h1><p>It is unknown, was already used, or is older than an hour.</p>${ASK_AGAIN}`);
    }
    return sendPage(reply, 200, 'Choose a new password', setForm(token));
  });

  app.post('/reset-password/request', async (request: FormRequest, reply) => {
    const email = field(request, 'email').trim();
    if (email === '' || email.length > 254) return sendPage(reply, 400, 'Reset your password', askForm('Enter your login email address.'));
    try {
      await opts.loginThrottle(request, reply);
    } catch (err) {
      if (isTollgateError(err)) return sendPage(reply, 429, 'Reset your password', askForm(err.detail));
      throw err;
    }
    await requestPasswordReset(deps, email);
    return sendPage(reply, 200, 'Check your mail', '<h1>Check your mail</h1><p>If an account uses this address, a link to choose a new password is on its way. It works once, within an hour.</p>');
  });

  app.post('/reset-password', async (request: FormRequest, reply) => {
    const token = field(request, 'token');
    const password = field(request, 'password');
    try {
      if (token === '' || token.length > 200) throw new Error('no token');
      await resetPassword(deps, token, password);
    } catch (err) {
      if (isTollgateError(err) && err.code === 'validation') return sendPage(reply, 400, 'Choose a new password', setForm(token, err.issues[0]?.message ?? err.detail));
      if (isTollgateError(err) && err.code !== 'not_found') throw err;
      return sendPage(reply, 400, 'Link not valid', `<h1>This link does not work</h1><p>It is unknown, was already used, or is older than an hour.</p>${ASK_AGAIN}`);
    }
    return sendPage(reply, 200, 'Password changed', '<h1>Password changed</h1><p>Every session was logged out. Log in with the new password.</p><p><a href="/">Tollgate</a> · <a href="/docs">API documentation</a></p>');
  });
}

/** Registers GET/POST /reset-password and POST /reset-password/request. */
export async function registerResetPasswordPages(app: FastifyInstance, deps: ServiceDeps, loginThrottle: LoginThrottle): Promise<void> {
  await app.register(resetPages, { deps, loginThrottle });
}
