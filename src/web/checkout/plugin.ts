import { asId, isId } from '../../core/ids.js';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, isTollgateError, type TollgateError } from '../../core/errors.js';
import { isPaymentMethod } from '../../core/payment-methods.js';
import { TooManyRequests } from '../../http/page-throttle.js';
import { isOpen } from '../../core/payment-state.js';
import type { ServiceDeps } from '../../services/deps.js';
import { checkLogin } from '../../services/merchants/accounts.js';
import { closeSession, openSession, SESSION_MS, sessionPrincipal } from '../../services/merchants/sessions.js';
import { type CheckoutKey, type CheckoutView, type CheckoutViewer, cancelAtCheckout, MERCHANT_TESTING_MESSAGE, fakeAtCheckout, loadCheckout, payAtCheckout } from '../../services/payments/checkout.js';
import { CHECKOUT_CAPABILITY_PARAM, checkoutPath } from '../../services/payments/queries.js';
import type { Payment } from '../../store/repos/payments.js';
import { SESSION_COOKIE } from '../api/auth.js';
import type { LoginThrottle } from '../login-throttle.js';
import { statusOf } from '../api/problem.js';
import { CSRF_FIELD, csrfToken, csrfValid } from './csrf.js';
import { type Form, methodInput } from './methods.js';
import { type Messages, messagesFor } from './messages/index.js';
import { merchantLink } from './parts.js';
import { type CheckoutPageInput, renderCheckout } from './render-checkout.js';
import { renderMessage, renderOutcome, renderWaiting } from './render-status.js';
import { checkoutCsp, pageHeaders, safeHttpUrl } from './security.js';

/** A checkout capability as drawn (newCheckoutToken, migration 0009). */
const CAPABILITY = /^[0-9a-f]{32}$/;
/** An authorization code handed to the waiting page (InnBucks, O'mari). */
const AUTH_CODE = /^\d{6,12}$/;
/**
 * Requests a minute one address may make to the checkout: a waiting page refreshes every 2 s (30 a
 * minute), so this leaves room for several customers behind one NAT while spoiling a scan.
 */
const CHECKOUT_REQUESTS_PER_MINUTE = 300;
/** Checkout forms are a few short fields. */
const FORM_LIMIT = 8 * 1024;

/** Refusals the page shows to the customer and lets them try again; anything else is a fault. */
const SHOWN: ReadonlySet<ErrorCode> = new Set(['refused', 'forbidden', 'invalid_state', 'conflict', 'validation', 'insufficient_funds', 'unauthenticated', 'locked', 'rate_limited']);

/** A refusal in words for the customer: what is internal (a missing live connector) is said plainly. */
function customerText(err: TollgateError, m: Messages): string {
  if (err.reason === 'no_live_connector') return m.methodUnavailable;
  if (err.detail === MERCHANT_TESTING_MESSAGE) return m.merchantTesting;
  return err.detail;
}

/** The customer's language for a page: the payment's wire decides, else the browser (messages/index.ts). */
const messagesOf = (request: FastifyRequest, view: CheckoutView | null): Messages => messagesFor(view?.payment.dialect ?? null, request.headers['accept-language']);

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: { code?: string; [CHECKOUT_CAPABILITY_PARAM]?: string } }>;

const statusPath = (p: Payment) => checkoutPath(p, 'status');
const payPath = (p: Payment) => checkoutPath(p);

/** The customer is waiting for a confirmation elsewhere (a phone, a bank app), or for a rail's timer. */
const waiting = (p: Payment) => p.state === 'pending' || (p.state === 'created' && p.method !== null);

/** The payment a checkout URL names and the capability it carries; the service decides whether they match. */
function keyOf(request: IdRequest): CheckoutKey {
  const id = asId('payment', request.params.id, 'not_found', 'this payment does not exist');
  const capability = request.query[CHECKOUT_CAPABILITY_PARAM];
  return { paymentId: id, capability: typeof capability === 'string' ? capability : '' };
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
  // Every page and form looks a payment up by its capability URL: an address that floods them is slowed down.
  await app.register(rateLimit, { max: CHECKOUT_REQUESTS_PER_MINUTE, timeWindow: 60_000, errorResponseBuilder: (_req, ctx) => new TooManyRequests(ctx.ttl) });

  const send = (reply: FastifyReply, status: number, view: CheckoutView | null, html: string) =>
    pageHeaders(reply, checkoutCsp(view ? [safeHttpUrl(view.payment.returnUrl), safeHttpUrl(view.payment.cancelUrl)] : [])).code(status).send(html);

  async function viewerOf(request: FastifyRequest): Promise<CheckoutViewer> {
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return { merchantId: null };
    const principal = await sessionPrincipal(deps, cookie);
    return { merchantId: principal?.kind === 'merchant' ? principal.id : null };
  }

  /** The language of a payment's pages, for a message made before its page is rendered. */
  const pageMessages = async (request: FastifyRequest, key: CheckoutKey): Promise<Messages> => messagesOf(request, await loadCheckout(deps, key, { merchantId: null }));

  /** The page that fits the payment's state now, with a message when something was refused. */
  async function current(request: FastifyRequest, reply: FastifyReply, key: CheckoutKey, status: number, error?: CheckoutPageInput['error'], kept?: Form): Promise<FastifyReply> {
    return render(request, reply, await loadCheckout(deps, key, await viewerOf(request)), status, error, kept);
  }

  function render(request: FastifyRequest, reply: FastifyReply, view: CheckoutView, status: number, error?: CheckoutPageInput['error'], kept?: Form): FastifyReply {
    const p = view.payment;
    const m = messagesOf(request, view);
    if (waiting(p)) return send(reply, status, view, renderWaiting(view, m, csrfToken(request, reply, secure()), { error: error?.text, refreshUrl: statusPath(p) }));
    if (!isOpen(p.state)) return send(reply, status, view, renderOutcome(view, m, { error: error?.text }));
    return send(reply, status, view, renderCheckout({ view, m, csrf: csrfToken(request, reply, secure()), error, kept }));
  }

  /** Runs a service call; a refusal re-renders the page with its message and nothing changed. */
  async function attempt<T>(request: FastifyRequest, reply: FastifyReply, key: CheckoutKey, run: () => Promise<T>, shown: Omit<NonNullable<CheckoutPageInput['error']>, 'text'>, kept?: Form): Promise<{ ok: T } | { page: FastifyReply }> {
    try {
      return { ok: await run() };
    } catch (err) {
      if (isTollgateError(err) && SHOWN.has(err.code)) return { page: await current(request, reply, key, statusOf(err.code), { ...shown, text: customerText(err, await pageMessages(request, key)) }, kept) };
      throw err;
    }
  }

  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    if (err instanceof TooManyRequests) {
      return send(reply, 429, null, renderMessage(messagesOf(request, null), messagesOf(request, null).tooMany));
    }
    if (isTollgateError(err) && err.code === 'not_found') {
      return send(reply, 404, null, renderMessage(messagesOf(request, null), messagesOf(request, null).notFound));
    }
    const status = err.statusCode;
    if (!isTollgateError(err) && status !== undefined && status >= 400 && status < 500) {
      return send(reply, status, null, renderMessage(messagesOf(request, null), messagesOf(request, null).badRequest));
    }
    request.log.error({ err }, 'checkout page failed');
    return send(reply, 500, null, renderMessage(messagesOf(request, null), messagesOf(request, null).fault(request.id)));
  });

  // Only our own forms are taken, and every one carries the double-submit token; a post without it changes nothing.
  app.addHook('preHandler', async (request: IdRequest, reply) => {
    if (request.method !== 'POST') return;
    if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      send(reply, 415, null, renderMessage(messagesOf(request, null), messagesOf(request, null).badRequest));
      return reply;
    }
    if (csrfValid(request, formOf(request)[CSRF_FIELD])) return;
    // The way back only when the link carries a well-formed capability (it is checked when followed).
    const { paymentId, capability } = { paymentId: request.params.id, capability: request.query[CHECKOUT_CAPABILITY_PARAM] };
    const back = isId('payment', paymentId) && typeof capability === 'string' && CAPABILITY.test(capability) ? checkoutPath({ id: paymentId, checkoutToken: capability }) : undefined;
    send(reply, 403, null, renderMessage(messagesOf(request, null), messagesOf(request, null).formExpired, back));
    return reply;
  });

  app.get('/pay/:id', async (request: IdRequest, reply) => {
    const view = await loadCheckout(deps, keyOf(request), await viewerOf(request));
    if (waiting(view.payment)) return redirect(reply, statusPath(view.payment));
    return render(request, reply, view, 200);
  });

  app.get('/pay/:id/status', async (request: IdRequest, reply) => {
    const view = await loadCheckout(deps, keyOf(request), await viewerOf(request));
    const p = view.payment;
    if (p.state === 'created' && p.method === null) return redirect(reply, payPath(p));
    if (waiting(p)) {
      const code = typeof request.query.code === 'string' && AUTH_CODE.test(request.query.code) ? request.query.code : undefined;
      return send(reply, 200, view, renderWaiting(view, messagesOf(request, view), csrfToken(request, reply, secure()), { code }));
    }
    const back = safeHttpUrl(p.returnUrl);
    if (p.state === 'paid' && back) return redirect(reply, back);
    return send(reply, 200, view, renderOutcome(view, messagesOf(request, view)));
  });

  // A refused form re-renders at its post address; reloading that address later goes back to the payment.
  for (const form of ['pay', 'cancel', 'fake', 'login', 'logout']) {
    app.get(`/pay/:id/${form}`, async (request: IdRequest, reply) => redirect(reply, payPath((await loadCheckout(deps, keyOf(request), { merchantId: null })).payment)));
  }

  app.post('/pay/:id/pay', async (request: IdRequest, reply) => {
    const key = keyOf(request);
    const form = formOf(request);
    const method = field(form, 'method');
    const m = await pageMessages(request, key);
    if (!isPaymentMethod(method)) return current(request, reply, key, 400, { text: m.chooseMethod });
    const parsed = methodInput(method, form, m);
    if ('problem' in parsed) return current(request, reply, key, 400, { text: parsed.problem, method }, form);
    const viewer = await viewerOf(request);
    const r = await attempt(request, reply, key, () => payAtCheckout(deps, key, viewer, method, parsed.input), { method }, form);
    if ('page' in r) return r.page;
    const p = r.ok.payment;
    if (p.state === 'paid') return redirect(reply, safeHttpUrl(p.returnUrl) ?? statusPath(p));
    const code = r.ok.authorization?.code;
    return redirect(reply, statusPath(p) + (code !== undefined && AUTH_CODE.test(code) ? `&code=${code}` : ''));
  });

  app.post('/pay/:id/cancel', async (request: IdRequest, reply) => {
    const key = keyOf(request);
    const viewer = await viewerOf(request);
    const r = await attempt(request, reply, key, () => cancelAtCheckout(deps, key, viewer), {});
    if ('page' in r) return r.page;
    return redirect(reply, merchantLink(r.ok, true) ?? statusPath(r.ok));
  });

  app.post('/pay/:id/fake', async (request: IdRequest, reply) => {
    const key = keyOf(request);
    const outcome = field(formOf(request), 'outcome');
    if (outcome !== 'paid' && outcome !== 'failed') return current(request, reply, key, 400, { text: 'choose Faked Success or Faked Failure' });
    const viewer = await viewerOf(request);
    const r = await attempt(request, reply, key, () => fakeAtCheckout(deps, key, viewer, outcome), {});
    if ('page' in r) return r.page;
    return redirect(reply, safeHttpUrl(r.ok.returnUrl) ?? statusPath(r.ok));
  });

  app.post('/pay/:id/login', async (request: IdRequest, reply) => {
    const key = keyOf(request);
    const { payment } = await loadCheckout(deps, key, { merchantId: null });
    const form = formOf(request);
    const email = field(form, 'email').trim();
    const password = field(form, 'password');
    const kept = { email };
    if (email === '' || password === '' || email.length > 254 || password.length > 256) {
      return current(request, reply, key, 400, { text: 'enter your merchant email address and password', login: true }, kept);
    }
    const r = await attempt(request, reply, key, async () => {
      await opts.loginThrottle(request, reply);
      return checkLogin(deps, 'merchants', email, password);
    }, { login: true }, kept);
    if ('page' in r) return r.page;
    const session = await openSession(deps, { kind: 'merchant', id: r.ok });
    reply.setCookie(SESSION_COOKIE, session.cookie, { path: '/', httpOnly: true, sameSite: 'lax', secure: secure(), maxAge: SESSION_MS / 1000 });
    return redirect(reply, payPath(payment));
  });

  app.post('/pay/:id/logout', async (request: IdRequest, reply) => {
    const { payment } = await loadCheckout(deps, keyOf(request), { merchantId: null });
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) await closeSession(deps, cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return redirect(reply, payPath(payment));
  });
}

/** Registers the hosted checkout pages (GET /pay/:id and its forms). */
export async function registerCheckoutPages(app: FastifyInstance, deps: ServiceDeps, loginThrottle: LoginThrottle): Promise<void> {
  await app.register(checkoutPages, { deps, loginThrottle });
}
