import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../../core/crypto.js';
import { isTollgateError } from '../../core/errors.js';
import { randomBytesPooled } from '../../core/ids.js';
import { own } from '../../core/lookup.js';
import { nulPath } from '../../core/text.js';
import { type Currency, isCurrency } from '../../core/money.js';
import type { ServiceDeps } from '../../services/deps.js';
import { type Integration, recordPluginStatus, setShopUrls } from '../../services/merchants/integrations.js';
import { authenticatePl } from '../../services/merchants/wire-auth.js';
import { type CreatePaymentInput, createPayment } from '../../services/payments/create.js';
import { createAndStartPayment } from '../../services/payments/pay.js';
import { checkoutUrl, type Payment, paymentByPublicId } from '../../services/payments/queries.js';
import { cancelRefund, createRefund, type Refund, refundByPublicId } from '../../services/payments/refunds.js';
import { badSignature, fromService, internal, invalidField, notFound, PlError, unauthorized } from './errors.js';
import { availableMethods, methodById, TYPE_ORDER } from './methods.js';
import { type Parameters, verifyBody, verifyV3 } from './signature.js';
import { diagnosePlSignature, type PlSigned } from './diagnose.js';
import { diagnosisKeys } from '../../services/sandbox/diagnosis-keys.js';
import { plStatus, REFUND_STATUSES } from './status.js';
import { createPaymentBody, firstIssuePath, ID_FORMAT, NOTICES, newWireId, pluginStatusBody, refundBody, shopUrlsBody } from './wire.js';

export const DIALECT = 'paynow_pl' as const;
export const DEFAULT_VALIDITY_S = 864_000;
const PL_CURRENCIES: readonly Currency[] = ['PLN', 'EUR', 'USD', 'GBP', 'CZK'];
const MIN_AMOUNT = 100;
const MAX_AMOUNT = 100_000_000;

/** Who the request is from, once its Api-Key and signature are checked. */
interface Caller {
  integration: Integration;
  mode: 'test' | 'live';
  idempotencyKey: string | undefined;
}

interface Answer {
  status: number;
  body?: unknown;
}

type Version = 'v1' | 'v3';

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The query as received, in order, each pair decoded once (for the signature). */
function queryPairs(request: FastifyRequest): Parameters {
  const q = request.url.indexOf('?');
  if (q < 0) return [];
  return [...new URLSearchParams(request.url.slice(q + 1))].map(([k, v]) => [k.replace(/\[\]$/, ''), v]);
}

function rawBody(request: FastifyRequest): string {
  return typeof request.body === 'string' ? request.body : '';
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidField('body', 'not valid JSON');
  }
}

/** A NUL anywhere in the path, query or JSON body is a validation error naming where it is. */
function refuseNul(request: FastifyRequest): void {
  const at = nulPath(request.params) ?? nulPath(Object.fromEntries(queryPairs(request)));
  if (at !== undefined) throw invalidField(at, 'contains a NUL character');
  const raw = rawBody(request);
  // JSON carries NUL only escaped (a raw one is not JSON): most bodies skip the second parse.
  if (!raw.includes('\\u0000')) return;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return;
  }
  const inBody = nulPath(body);
  if (inBody !== undefined) throw invalidField(inBody, 'contains a NUL character');
}

export function plRoutes(deps: ServiceDeps) {
  /** Api-Key names the integration and the environment; the signature proves the caller holds its Signature-Key. */
  async function authenticate(request: FastifyRequest, version: Version): Promise<Caller> {
    const apiKey = header(request, 'Api-Key')?.trim();
    if (!apiKey) throw unauthorized();
    const auth = await authenticatePl(deps, apiKey);
    if (!auth.ok) throw unauthorized();
    const idempotencyKey = header(request, 'Idempotency-Key');
    const signature = header(request, 'Signature')?.trim() ?? '';
    const body = rawBody(request);
    let check: { ok: boolean; computed: string } = { ok: true, computed: '' };
    if (version === 'v3') {
      if (idempotencyKey === undefined || idempotencyKey === '' || idempotencyKey.length > 45) {
        if (auth.mode === 'test') request.testLog = { integrationId: auth.integration.id, dialect: DIALECT, signature: null, failed: true };
        throw invalidField('Idempotency-Key');
      }
      check = verifyV3(auth.signatureKeys, apiKey, idempotencyKey, queryPairs(request), body, signature);
    } else if (body.length > 0) {
      check = verifyBody(auth.signatureKeys, body, signature);
    }
    if (auth.mode === 'test') {
      const signed: PlSigned = { version, apiKey, idempotencyKey: idempotencyKey ?? '', params: queryPairs(request), body, received: signature };
      const diagnosis = check.ok ? undefined : async () => {
        const keys = await diagnosisKeys(deps, auth.integration.id);
        return keys && diagnosePlSignature(signed, keys.own, keys.others);
      };
      request.testLog = { integrationId: auth.integration.id, dialect: DIALECT, signature: check.computed || null, failed: !check.ok, diagnosis };
    }
    if (!check.ok) throw badSignature();
    return { integration: auth.integration, mode: auth.mode, idempotencyKey };
  }

  /** One exit to the wire: every error is `{"statusCode","errors":[…]}` with its HTTP status. */
  const route =
    (version: Version, handler: (request: FastifyRequest, caller: Caller) => Promise<Answer>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      let answer: Answer;
      try {
        const caller = await authenticate(request, version);
        refuseNul(request);
        answer = await handler(request, caller);
      } catch (err) {
        const e = err instanceof PlError ? err : isTollgateError(err) ? fromService(err) : internal();
        if (!(err instanceof PlError) && !isTollgateError(err)) request.log.error({ err }, 'paynow-pl request failed');
        return reply.code(e.statusCode).type('application/json').send(e.body());
      }
      if (answer.body === undefined) return reply.code(answer.status).send();
      return reply.code(answer.status).type('application/json').send(JSON.stringify(answer.body));
    };

  /** A payment this caller may see: its own integration, its own environment. */
  async function ownPayment(caller: Caller, paymentId: string): Promise<Payment> {
    if (!ID_FORMAT.test(paymentId)) throw invalidField('paymentId');
    const p = await paymentByPublicId(deps, paymentId.toUpperCase());
    if (!p || p.dialect !== DIALECT || p.integrationId !== caller.integration.id || p.mode !== caller.mode) {
      throw notFound(`Could not find status for payment {paymentId=${paymentId}}`);
    }
    return p;
  }

  const createPaymentRoute = (version: Version) =>
    route(version, async (request, caller) => {
      const raw = rawBody(request);
      const parsed = createPaymentBody.safeParse(parseJson(raw));
      if (!parsed.success) throw invalidField(firstIssuePath(parsed.error));
      const b = parsed.data;
      const currency = b.currency ?? 'PLN';
      if (!isCurrency(currency) || !PL_CURRENCIES.includes(currency)) throw invalidField('currency', currency);
      if (b.amount < MIN_AMOUNT) throw new PlError(400, 'PAYMENT_AMOUNT_TOO_SMALL', 'amount: should be greater than 100');
      if (b.amount > MAX_AMOUNT) throw new PlError(400, 'PAYMENT_AMOUNT_TOO_LARGE', 'amount: should be less than 100000000');
      const chosen = b.paymentMethodId === undefined ? undefined : methodById(b.paymentMethodId);
      if (b.paymentMethodId !== undefined && (!chosen || !availableMethods(caller.integration.enabledMethods, currency).includes(chosen))) {
        throw new PlError(400, 'PAYMENT_METHOD_NOT_AVAILABLE', 'Chosen payment method is not available');
      }
      if (b.authorizationCode !== undefined && chosen?.authorizationType !== 'CODE') throw invalidField('authorizationCode');
      if (b.paymentMethodToken !== undefined) throw invalidField('paymentMethodToken', 'no saved instrument with this token');
      const paymentId = newWireId();
      const paywallToken = randomBytesPooled(24).toString('base64url');
      const input: CreatePaymentInput = {
        integration: caller.integration,
        mode: caller.mode,
        dialect: DIALECT,
        amountMinor: b.amount,
        currency,
        reference: b.externalId,
        description: b.description,
        items: (b.orderItems ?? []).map((i) => ({ name: i.name, quantity: Math.max(1, Math.round(i.quantity)), unitMinor: i.price })),
        customer: { email: b.buyer.email, phone: b.buyer.phone ? `${b.buyer.phone.prefix}${b.buyer.phone.number}` : null, name: [b.buyer.firstName, b.buyer.lastName].filter(Boolean).join(' ') || null },
        returnUrl: b.continueUrl ?? caller.integration.returnUrl,
        cancelUrl: null,
        notifyUrl: null,
        validForMs: (b.validityTime ?? DEFAULT_VALIDITY_S) * 1000,
        publicId: paymentId,
        testCheckout: 'open',
        wireData: { paywallToken, ...(chosen && { paymentMethodId: chosen.id }) },
      };
      const redirectUrl = `${deps.publicUrl}/paywall/${paymentId}?token=${paywallToken}`;
      const whiteLabel = chosen?.authorizationType === 'CODE' && b.authorizationCode !== undefined;
      const idem = caller.idempotencyKey ? { scope: `paynow_pl:${caller.mode}:create-payment`, key: caller.idempotencyKey, request: raw } : undefined;
      const answer = async (_tx: unknown, p: Payment) => ({ redirectUrl: whiteLabel ? null : redirectUrl, paymentId, status: plStatus(p) });
      const created = whiteLabel
        ? await createAndStartPayment(deps, input, chosen.method, { code: b.authorizationCode }, (tx, started) => answer(tx, started.payment), idem)
        : await createPayment(deps, input, idem, answer);
      return { status: 201, body: created.response };
    });

  const paymentStatus = (version: Version) =>
    route(version, async (request, caller) => {
      const p = await ownPayment(caller, (request.params as { paymentId: string }).paymentId);
      return { status: 200, body: { paymentId: p.publicId, status: plStatus(p) } };
    });

  const paymentMethods = (version: Version) =>
    route(version, async (request, caller) => {
      const q = request.query as Record<string, string | undefined>;
      const currency = q.currency;
      if (currency !== undefined && (!isCurrency(currency) || !PL_CURRENCIES.includes(currency))) throw invalidField('currency', currency);
      if (q.amount !== undefined && !/^\d{1,10}$/.test(q.amount)) throw invalidField('amount');
      const amount = q.amount === undefined ? undefined : Number(q.amount);
      const methods = availableMethods(caller.integration.enabledMethods, currency as Currency | undefined).filter(() => amount === undefined || amount === 0 || (amount >= MIN_AMOUNT && amount <= MAX_AMOUNT));
      const groups = TYPE_ORDER.map((type) => ({
        type,
        paymentMethods: methods
          .filter((m) => m.type === type)
          .map((m) => ({ id: m.id, name: m.name, description: m.description, image: `${deps.publicUrl}/paynow-pl/icons/${m.id}.svg`, status: 'ENABLED', authorizationType: m.authorizationType })),
      })).filter((g) => g.paymentMethods.length > 0);
      return { status: 200, body: groups };
    });

  const removeSaved = route('v3', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    if (!q.externalBuyerId) throw invalidField('externalBuyerId');
    if (!q.token) throw invalidField('token');
    // Tollgate never saves cards, so there is nothing to remove; removing nothing succeeds.
    return { status: 204 };
  });

  const notices = (version: Version) =>
    route(version, async (request) => {
      const locale = (request.query as Record<string, string | undefined>).locale ?? 'en-GB';
      const chosen = own(NOTICES, locale) ? locale : 'en-GB';
      const n = own(NOTICES, chosen) as { title: string; content: string };
      return { status: 200, body: [{ title: n.title, content: n.content, locale: chosen }] };
    });

  const createRefundRoute = (version: Version) =>
    route(version, async (request, caller) => {
      const p = await ownPayment(caller, (request.params as { paymentId: string }).paymentId);
      const raw = rawBody(request);
      const parsed = refundBody.safeParse(parseJson(raw));
      if (!parsed.success) throw invalidField(firstIssuePath(parsed.error));
      const idem = caller.idempotencyKey ? { scope: `paynow_pl:${caller.mode}:create-refund:${p.id}`, key: caller.idempotencyKey, request: raw } : undefined;
      const r = await createRefund(deps, caller.integration.merchantId, p.id, { amountMinor: parsed.data.amount, reason: parsed.data.reason ?? null, publicId: newWireId('R') }, idem, async (_tx, made: Refund) => ({
        refundId: made.publicId,
        status: REFUND_STATUSES[made.status],
      }));
      return { status: 201, body: r.response };
    });

  async function ownRefund(caller: Caller, refundId: string) {
    if (!ID_FORMAT.test(refundId)) throw invalidField('refundId');
    const r = await refundByPublicId(deps, refundId.toUpperCase());
    if (!r || r.integrationId !== caller.integration.id) throw notFound(`Could not find status for refund {refundId=${refundId}}`);
    return r;
  }

  const refundStatus = (version: Version) =>
    route(version, async (request, caller) => {
      const r = await ownRefund(caller, (request.params as { refundId: string }).refundId);
      return { status: 200, body: { refundId: r.publicId, status: REFUND_STATUSES[r.status], ...(r.status === 'failed' && { failureReason: 'OTHER' }) } };
    });

  const cancelRefundRoute = route('v3', async (request, caller) => {
    const r = await ownRefund(caller, (request.params as { refundId: string }).refundId);
    if (r.status !== 'new') throw invalidField('refundId', `only a NEW refund can be cancelled; it is ${REFUND_STATUSES[r.status]}`);
    const done = await cancelRefund(deps, caller.integration.merchantId, r.id);
    return { status: 200, body: { refundId: done.publicId, status: REFUND_STATUSES[done.status] } };
  });

  const shopUrls = (version: Version) =>
    route(version, async (request, caller) => {
      const parsed = shopUrlsBody.safeParse(parseJson(rawBody(request)));
      if (!parsed.success) throw invalidField(firstIssuePath(parsed.error) === 'continueUrl' ? 'continue_url' : 'notification_url');
      await setShopUrls(deps, caller.integration, parsed.data, { kind: 'merchant', id: caller.integration.merchantId });
      return { status: 204 };
    });

  const pluginStatus = route('v3', async (request, caller) => {
    const parsed = pluginStatusBody.safeParse(parseJson(rawBody(request)));
    if (!parsed.success) throw invalidField(firstIssuePath(parsed.error));
    await recordPluginStatus(deps, caller.integration, parsed.data, { kind: 'merchant', id: caller.integration.merchantId });
    return { status: 204 };
  });

  /** The paywall link from redirectUrl: the token in it is the capability; it opens the hosted checkout. */
  const paywall = async (request: FastifyRequest, reply: FastifyReply) => {
    const { paymentId } = request.params as { paymentId: string };
    const token = (request.query as Record<string, unknown>).token;
    const p = ID_FORMAT.test(paymentId) ? await paymentByPublicId(deps, paymentId.toUpperCase()) : undefined;
    const expected = typeof p?.wireData.paywallToken === 'string' ? p.wireData.paywallToken : undefined;
    if (!p || p.dialect !== DIALECT || expected === undefined || typeof token !== 'string' || !constantTimeEqual(token, expected)) {
      return reply.code(404).type('text/plain; charset=utf-8').send('This payment does not exist.');
    }
    return reply.redirect(checkoutUrl(deps.publicUrl, p), 302);
  };

  /** A small icon per method, so the image URLs in the methods list resolve. */
  const icon = async (request: FastifyRequest, reply: FastifyReply) => {
    const m = methodById(Number((request.params as { id: string }).id.replace(/\.svg$/, '')));
    if (!m) return reply.code(404).send();
    const label = m.name.replace(/[^A-Za-z0-9 ]/g, '').slice(0, 10);
    return reply
      .type('image/svg+xml')
      .header('cache-control', 'public, max-age=86400')
      .send(`<svg xmlns="http://www.w3.org/2000/svg" width="96" height="48" viewBox="0 0 96 48"><rect width="96" height="48" rx="6" fill="#eef"/><text x="48" y="29" font-family="sans-serif" font-size="12" text-anchor="middle">${label}</text></svg>`);
  };

  return { createPaymentRoute, paymentStatus, paymentMethods, removeSaved, notices, createRefundRoute, refundStatus, cancelRefundRoute, shopUrls, pluginStatus, paywall, icon };
}
