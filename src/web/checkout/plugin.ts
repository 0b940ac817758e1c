import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, isTollgateError, TollgateError } from '../../core/errors.js';
import { isPaymentMethod } from '../../core/payment-methods.js';
import { isOpen } from '../../core/payment-state.js';
import type { ServiceDeps } from '../../services/deps.js';
import { checkLogin } from '../../services/merchants/accounts.js';
import { closeSession, openSession, SESSION_MS, sessionPrincipal } from '../../services/merchants/sessions.js';
import { type CheckoutView, type CheckoutViewer, cancelAtCheckout, fakeAtCheckout, loadCheckout, payAtCheckout } from '../../services/payments/checkout.js';
import type { Payment } from '../../store/repos/payments.js';
import { SESSION_COOKIE } from '../api/auth.js';
import type { LoginThrottle } from '../login-throttle.js';
import { statusOf } from '../api/problem.js';
import { CSRF_FIELD, csrfToken, csrfValid } from './csrf.js';
import { type Form, methodInput } from './methods.js';
import { merchantLink } from './parts.js';
import { type CheckoutPageInput, renderCheckout } from './render-checkout.js';
import { renderMessage, renderOutcome, renderWaiting } from './render-status.js';
import { checkoutCsp, pageHeaders, safeHttpUrl } from './security.js';

const PAYMENT_ID = /^pay_[0-9a-z]{21}$/;
/** An authorization code handed to the waiting page (InnBucks, O'mari). */
const AUTH_CODE = /^\d{6,12}$/;
/** Checkout forms are a few short fields. */
const FORM_LIMIT = 8 * 1024;

/** Refusals the page shows to the customer and lets them try again; anything else is a fault. */
const SHOWN: ReadonlySet<ErrorCode> = new Set(['refused', 'forbidden', 'invalid_state', 'conflict', 'validation', 'insufficient_funds', 'unauthenticated', 'locked', 'rate_limited']);

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: { code?: string } }>;

const statusPath = (id: string) => `/pay/${id}/status`;
const payPath = (id: string) => `/pay/${id}`;

/** The customer is waiting for a confirmation elsewhere (a phone, a bank app), or for a rail's timer. */
const waiting = (p: Payment) => p.state === 'pending' || (p.state === 'created' && p.method !== null);

function paymentIdOf(request: IdRequest): string {
  const id = request.params.id;
  if (!PAYMENT_ID.test(id)) throw new TollgateError('not_found', 'this payment does not exist');
  return id;
}

const formOf = (request: FastifyRequest): Form => (request.body !== null && typeof request.body === 'object' ? (request.body as Form) : {});
const field = (form: Form, name: string): string => (typeof form[name] === 'string' ? (form[name] as string) : '');

function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('cache-control', 'no-store').header('location', location).send();
}

/**
 * The hosted checkout pages at /pay/:id, rendered on the server, usable without JavaScript. Encapsulated:
 * its form parser, error pages and CSRF check apply to these routes only.
 */
async function checkoutPages(app: FastifyInstance, opts: { deps: ServiceDeps; loginThrottle: LoginThrottle }): Promise<void> {
  const { deps } = opts;
  const secure = () => deps.publicUrl.startsWith('https:');
  // Cookies (the merchant's session) only where they are read: the wires never parse them.
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: FORM_LIMIT, parser: (text) => Object.fromEntries(new URLSearchParams(text)) });

  const send = (reply: FastifyReply, status: number, view: CheckoutView | null, html: string) =>
    pageHeaders(reply, checkoutCsp(view ? [safeHttpUrl(view.payment.returnUrl), safeHttpUrl(view.payment.cancelUrl)] : [])).code(status).send(html);

  async function viewerOf(request: FastifyRequest): Promise<CheckoutViewer> {
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return { merchantId: null };
    const principal = await sessionPrincipal(deps, cookie);
    return { merchantId: principal?.kind === 'merchant' ? principal.id : null };
  }

  /** The page that fits the payment's state now, with a message when something was refused. */
  async function current(request: FastifyRequest, reply: FastifyReply, id: string, status: number, error?: CheckoutPageInput['error'], kept?: Form): Promise<FastifyReply> {
    return render(request, reply, await loadCheckout(deps, id, await viewerOf(request)), status, error, kept);
  }

  function render(request: FastifyRequest, reply: FastifyReply, view: CheckoutView, status: number, error?: CheckoutPageInput['error'], kept?: Form): FastifyReply {
    const p = view.payment;
    if (waiting(p)) return send(reply, status, view, renderWaiting(view, csrfToken(request, reply, secure()), { error: error?.text, refreshUrl: statusPath(p.id) }));
    if (!isOpen(p.state)) return send(reply, status, view, renderOutcome(view, { error: error?.text }));
    return send(reply, status, view, renderCheckout({ view, csrf: csrfToken(request, reply, secure()), error, kept }));
  }

  /** Runs a service call; a refusal re-renders the page with its message and nothing changed. */
  async function attempt<T>(request: FastifyRequest, reply: FastifyReply, id: string, run: () => Promise<T>, shown: Omit<NonNullable<CheckoutPageInput['error']>, 'text'>, kept?: Form): Promise<{ ok: T } | { page: FastifyReply }> {
    try {
      return { ok: await run() };
    } catch (err) {
      if (isTollgateError(err) && SHOWN.has(err.code)) return { page: await current(request, reply, id, statusOf(err.code), { ...shown, text: err.detail }, kept) };
      throw err;
    }
  }

  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    if (isTollgateError(err) && err.code === 'not_found') {
      return send(reply, 404, null, renderMessage('Payment not found', 'There is no payment at this address. Check the link the merchant gave you.'));
    }
    const status = err.statusCode;
    if (!isTollgateError(err) && status !== undefined && status >= 400 && status < 500) {
      return send(reply, status, null, renderMessage('Request not accepted', 'The form could not be read. Go back to the payment and try again.'));
    }
    request.log.error({ err }, 'checkout page failed');
    return send(reply, 500, null, renderMessage('Something went wrong', `Please try again in a moment (request ${request.id}).`));
  });

  // Only our own forms are taken, and every one carries the double-submit token; a post without it changes nothing.
  app.addHook('preHandler', async (request: IdRequest, reply) => {
    if (request.method !== 'POST') return;
    if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      send(reply, 415, null, renderMessage('Request not accepted', 'The checkout takes only the forms of its own pages.'));
      return reply;
    }
    if (csrfValid(request, formOf(request)[CSRF_FIELD])) return;
    const id = request.params.id;
    send(reply, 403, null, renderMessage('This form has expired', 'The form was not sent from this payment page, or it is too old. Go back to the payment and try again.', PAYMENT_ID.test(id) ? payPath(id) : undefined));
    return reply;
  });

  app.get('/pay/:id', async (request: IdRequest, reply) => {
    const id = paymentIdOf(request);
    const view = await loadCheckout(deps, id, await viewerOf(request));
    if (waiting(view.payment)) return redirect(reply, statusPath(id));
    return render(request, reply, view, 200);
  });

  app.get('/pay/:id/status', async (request: IdRequest, reply) => {
    const id = paymentIdOf(request);
    const view = await loadCheckout(deps, id, await viewerOf(request));
    const p = view.payment;
    if (p.state === 'created' && p.method === null) return redirect(reply, payPath(id));
    if (waiting(p)) {
      const code = typeof request.query.code === 'string' && AUTH_CODE.test(request.query.code) ? request.query.code : undefined;
      return send(reply, 200, view, renderWaiting(view, csrfToken(request, reply, secure()), { code }));
    }
    const back = safeHttpUrl(p.returnUrl);
    if (p.state === 'paid' && back) return redirect(reply, back);
    return send(reply, 200, view, renderOutcome(view));
  });

  // A refused form re-renders at its post address; reloading that address later goes back to the payment.
  for (const form of ['pay', 'cancel', 'fake', 'login', 'logout']) {
    app.get(`/pay/:id/${form}`, async (request: IdRequest, reply) => redirect(reply, payPath(paymentIdOf(request))));
  }

  app.post('/pay/:id/pay', async (request: IdRequest, reply) => {
    const id = paymentIdOf(request);
    const form = formOf(request);
    const method = field(form, 'method');
    if (!isPaymentMethod(method)) return current(request, reply, id, 400, { text: 'choose a payment method' });
    const parsed = methodInput(method, form);
    if ('problem' in parsed) return current(request, reply, id, 400, { text: parsed.problem, method }, form);
    const viewer = await viewerOf(request);
    const r = await attempt(request, reply, id, () => payAtCheckout(deps, id, viewer, method, parsed.input), { method }, form);
    if ('page' in r) return r.page;
    const p = r.ok.payment;
    if (p.state === 'paid') return redirect(reply, safeHttpUrl(p.returnUrl) ?? statusPath(id));
    const code = r.ok.authorization?.code;
    return redirect(reply, statusPath(id) + (code !== undefined && AUTH_CODE.test(code) ? `?code=${code}` : ''));
  });

  app.post('/pay/:id/cancel', async (request: IdRequest, reply) => {
    const id = paymentIdOf(request);
    const viewer = await viewerOf(request);
    const r = await attempt(request, reply, id, () => cancelAtCheckout(deps, id, viewer), {});
    if ('page' in r) return r.page;
    return redirect(reply, merchantLink(r.ok, true) ?? statusPath(id));
  });

  app.post('/pay/:id/fake', async (request: IdRequest, reply) => {
    const id = paymentIdOf(request);
    const outcome = field(formOf(request), 'outcome');
    if (outcome !== 'paid' && outcome !== 'failed') return current(request, reply, id, 400, { text: 'choose Faked Success or Faked Failure' });
    const viewer = await viewerOf(request);
    const r = await attempt(request, reply, id, () => fakeAtCheckout(deps, id, viewer, outcome), {});
    if ('page' in r) return r.page;
    return redirect(reply, safeHttpUrl(r.ok.returnUrl) ?? statusPath(id));
  });

  app.post('/pay/:id/login', async (request: IdRequest, reply) => {
    const id = paymentIdOf(request);
    await loadCheckout(deps, id, { merchantId: null });
    const form = formOf(request);
    const email = field(form, 'email').trim();
    const password = field(form, 'password');
    const kept = { email };
    if (email === '' || password === '' || email.length > 254 || password.length > 256) {
      return current(request, reply, id, 400, { text: 'enter your merchant email address and password', login: true }, kept);
    }
    const r = await attempt(request, reply, id, async () => {
      await opts.loginThrottle(request, reply);
      return checkLogin(deps, 'merchants', email, password);
    }, { login: true }, kept);
    if ('page' in r) return r.page;
    const session = await openSession(deps, { kind: 'merchant', id: r.ok });
    reply.setCookie(SESSION_COOKIE, session.cookie, { path: '/', httpOnly: true, sameSite: 'lax', secure: secure(), maxAge: SESSION_MS / 1000 });
    return redirect(reply, payPath(id));
  });

  app.post('/pay/:id/logout', async (request: IdRequest, reply) => {
    const id = paymentIdOf(request);
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) await closeSession(deps, cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return redirect(reply, payPath(id));
  });
}

/** Registers the hosted checkout pages (GET /pay/:id and its forms). */
export async function registerCheckoutPages(app: FastifyInstance, deps: ServiceDeps, loginThrottle: LoginThrottle): Promise<void> {
  await app.register(checkoutPages, { deps, loginThrottle });
}
