import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isTollgateError } from '../../core/errors.js';
import { own } from '../../core/lookup.js';
import type { Currency } from '../../core/money.js';
import type { PaymentMethod } from '../../core/payment-methods.js';
import type { ServiceDeps } from '../../services/deps.js';
import { merchantLoginEmails } from '../../services/merchants/accounts.js';
import { authenticateZw, zwKeys } from '../../services/merchants/wire-auth.js';
import { type CreatePaymentInput, createPayment } from '../../services/payments/create.js';
import { createAndStartPayment } from '../../services/payments/pay.js';
import { checkoutUrl, holdsCheckoutCapability, paymentByDisplayRef, paymentByPublicId, paymentByTrace } from '../../services/payments/queries.js';
import type { Integration } from '../../services/merchants/integrations.js';
import { ERR, errorText, invalidField, invalidHash } from './errors.js';
import { statusMessage, type ZwWireData } from './notify.js';
import { checkHash, signPairs } from './signature.js';
import { diagnoseZwHash } from './diagnose.js';
import { diagnosisKeys } from '../../services/sandbox/diagnosis-keys.js';
import { decodeAgain, encodeForm, field, LIMITS, newPaynowReference, PRE_ENCODED, type Pair, parseAmount, parseForm, TICKET_FIELDS, TICKET_FORMATS } from './wire.js';

export const DIALECT = 'paynow_zw' as const;

/** Unpaid Paynow Zimbabwe transactions are cancelled after a day (the spec is silent; decided). */
export const VALIDITY_MS = 24 * 60 * 60_000;

/** Express method names (compared case-insensitively; `paygo` is O'mari's older name) → our methods. */
const METHODS: Record<string, PaymentMethod> = {
  ecocash: 'ecocash',
  onemoney: 'onemoney',
  innbucks: 'innbucks',
  omari: 'omari',
  paygo: 'omari',
  vmc: 'card',
  zimswitch: 'zimswitch',
};
const MOBILE: ReadonlySet<PaymentMethod> = new Set(['ecocash', 'onemoney']);
const TOKEN: ReadonlySet<PaymentMethod> = new Set(['card', 'zimswitch']);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A refusal in the wire's form: `status=Error&error=…`, never hashed, always HTTP 200. */
class WireError extends Error {}

function send(reply: FastifyReply, body: string): FastifyReply {
  return reply.code(200).type('text/html; charset=utf-8').send(body);
}

function sendError(reply: FastifyReply, text: string): FastifyReply {
  return send(reply, encodeForm([['status', 'Error'], ['error', text]]));
}

function bodyOf(request: FastifyRequest): string {
  return typeof request.body === 'string' ? request.body : '';
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Resolves the integration from `id` and checks the hash; both failures are the wire's own texts. */
async function authenticate(deps: ServiceDeps, request: FastifyRequest, pairs: Pair[]): Promise<{ integration: Integration; keys: string[] }> {
  const id = field(pairs, 'id') ?? '';
  const auth = /^\d{1,15}$/.test(id.trim()) ? await authenticateZw(deps, Number(id.trim())) : { ok: false as const, reason: 'unknown_credentials' as const };
  if (!auth.ok) throw new WireError(auth.reason === 'disabled' ? ERR.disabled : ERR.invalidId);
  const check = checkHash(pairs, auth.integrationKeys);
  if (auth.mode === 'test') {
    const diagnosis = check.ok ? undefined : async () => diagnoseZwHash(pairs, auth.integrationKeys[0] ?? '', (await diagnosisKeys(deps, auth.integration.id))?.others ?? []);
    request.testLog = { integrationId: auth.integration.id, dialect: DIALECT, signature: check.expected, failed: !check.ok, diagnosis };
  }
  if (!check.ok) throw new WireError(invalidHash(check.expected));
  const nul = pairs.find(([k, v]) => k.includes('\u0000') || v.includes('\u0000'));
  if (nul) throw new WireError(invalidField(nul[0].toLowerCase()));
  return { integration: auth.integration, keys: auth.integrationKeys };
}

function checkLengths(pairs: Pair[]): void {
  for (const [k, v] of pairs) {
    const limit = own(LIMITS, k.toLowerCase());
    if (limit !== undefined && v.length > limit) throw new WireError(invalidField(k.toLowerCase()));
  }
}

type Kind = 'web' | 'express' | 'ticket';

/** Reads and checks an initiate request's fields (spec §3.1, §3.2, §3.6) into the payment to create. */
async function readInitiate(deps: ServiceDeps, kind: Kind, integration: Integration, pairs: Pair[]) {
  checkLengths(pairs);
  const get = (k: string) => {
    const v = field(pairs, k)?.trim() ?? '';
    return PRE_ENCODED.has(k) ? decodeAgain(v).trim() : v;
  };
  if (get('status').toLowerCase() !== 'message') throw new WireError(invalidField('status'));
  const reference = get('reference');
  if (reference === '') throw new WireError(invalidField('reference'));
  const currency = integration.zwCurrency as Currency;
  const amount = parseAmount(get('amount'), currency);
  if (amount === undefined) throw new WireError(ERR.invalidAmount);
  for (const url of ['returnurl', 'resulturl']) if (!isHttpUrl(get(url))) throw new WireError(invalidField(url));
  const authemail = get('authemail');
  if (authemail !== '' && !EMAIL.test(authemail)) throw new WireError(invalidField('authemail'));
  if (kind === 'express' && authemail === '') throw new WireError(invalidField('authemail'));
  if (integration.mode === 'test' && authemail !== '' && !(await merchantLoginEmails(deps, integration.merchantId)).includes(authemail.toLowerCase())) {
    throw new WireError(ERR.authEmail);
  }
  const merchantTrace = get('merchanttrace');
  const ticket: Record<string, string> = {};
  if (kind === 'ticket') {
    for (const name of TICKET_FIELDS) {
      const value = get(name);
      if (!TICKET_FORMATS[name].test(value)) throw new WireError(invalidField(name));
      ticket[name] = value;
    }
  }
  const guid = randomUUID();
  const wireData: ZwWireData = { pollUrl: `${deps.publicUrl}/Interface/CheckPayment/?guid=${guid}`, ...(kind === 'ticket' && { ticket }) };
  const input: CreatePaymentInput = {
    integration,
    mode: integration.mode,
    dialect: DIALECT,
    amountMinor: amount,
    currency,
    reference,
    description: get('additionalinfo') || null,
    customer: { email: authemail || null, phone: get('authphone') || get('phone') || null, name: get('authname') || null },
    returnUrl: get('returnurl'),
    cancelUrl: null,
    notifyUrl: get('resulturl'),
    merchantTrace: merchantTrace || null,
    validForMs: VALIDITY_MS,
    publicId: guid,
    displayRef: newPaynowReference,
    testCheckout: 'merchant_only',
    wireData: wireData as unknown as Record<string, unknown>,
  };
  return { input, get, wireData };
}

function formatExpiry(ms: number): string {
  const d = new Date(ms);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const pad = (n: number) => n.toString().padStart(2, '0');
  return `${d.getUTCDate()}-${month}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function zwRoutes(deps: ServiceDeps) {
  /** Runs a handler; any refusal becomes `status=Error&error=…` and nothing is stored. */
  const wrap = (handler: (request: FastifyRequest, reply: FastifyReply) => Promise<string>, fallback: string = ERR.internal) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        return send(reply, await handler(request, reply));
      } catch (err) {
        if (err instanceof WireError) return sendError(reply, err.message);
        if (isTollgateError(err)) return sendError(reply, fallback === ERR.internal ? errorText(err) : fallback);
        request.log.error({ err }, 'paynow-zw request failed');
        return sendError(reply, fallback);
      }
    };

  const initiate = (kind: Kind) =>
    wrap(async (request) => {
      const pairs = parseForm(bodyOf(request));
      const { integration, keys } = await authenticate(deps, request, pairs);
      const { input, get, wireData } = await readInitiate(deps, kind, integration, pairs);
      const key = keys[0] as string;
      if (kind !== 'express') {
        const { payment } = await createPayment(deps, input);
        const ref = payment?.displayRef ?? '';
        return encodeForm(signPairs([['status', 'Ok'], ['browserurl', `${deps.publicUrl}/Payment/ConfirmPayment/${ref}/${payment?.checkoutToken ?? ''}`], ['pollurl', wireData.pollUrl], ['paynowreference', ref]], key));
      }
      const method = own(METHODS, get('method').toLowerCase());
      if (!method) throw new WireError(invalidField('method'));
      if (MOBILE.has(method) && get('phone') === '') throw new WireError(invalidField('phone'));
      if (TOKEN.has(method) && get('token') === '') throw new WireError(invalidField('token'));
      if (TOKEN.has(method) && get('merchanttrace') === '') throw new WireError(invalidField('merchanttrace'));
      const { response: pay } = await createAndStartPayment(deps, input, method, { phone: get('phone') || undefined, token: get('token') || undefined }, async (_tx, started) => started);
      const { payment } = pay;
      const pairsOut: Pair[] = [['status', 'Ok']];
      if (pay.instructions) pairsOut.push(['instructions', pay.instructions]);
      pairsOut.push(['paynowreference', payment.displayRef ?? ''], ['pollurl', wireData.pollUrl]);
      if (pay.authorization) {
        pairsOut.push(['authorizationcode', pay.authorization.code], ['authorizationexpires', formatExpiry(pay.authorization.expiresAt)]);
        if (pay.authorization.qrUrl) pairsOut.push(['authorizationqr', `${deps.publicUrl}${pay.authorization.qrUrl}`]);
      }
      return encodeForm(signPairs(pairsOut, key));
    });

  const poll = wrap(async (request) => {
    const guid = ((request.query as Record<string, unknown>).guid ?? '') as string;
    if (typeof guid === 'string' && guid.includes('\u0000')) throw new WireError(invalidField('guid'));
    const payment = typeof guid === 'string' && guid.length <= 64 ? await paymentByPublicId(deps, guid.trim().toLowerCase()) : undefined;
    if (!payment || payment.dialect !== DIALECT) throw new WireError(ERR.notFound);
    const [key] = await zwKeys(deps, payment.integrationId);
    if (!key) throw new WireError(ERR.notFound);
    return statusMessage(payment, key);
  });

  const trace = wrap(async (request) => {
    const pairs = parseForm(bodyOf(request));
    const { integration, keys } = await authenticate(deps, request, pairs);
    const t = field(pairs, 'merchanttrace')?.trim() ?? '';
    if (t === '' || t.length > 32 || (field(pairs, 'status') ?? '').trim().toLowerCase() !== 'message') throw new WireError(ERR.traceFailed);
    const payment = await paymentByTrace(deps, integration.merchantId, t);
    const key = keys[0] as string;
    if (!payment || payment.dialect !== DIALECT) return encodeForm(signPairs([['status', 'NotFound']], key));
    return statusMessage(payment, key);
  }, ERR.traceFailed);

  /** The browser URL handed out (…/ConfirmPayment/<reference>/<capability>): the hosted checkout of that payment. */
  const confirm = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params as Record<string, string>;
    const ref = (params.ref ?? '').trim();
    const capability = (params['*'] ?? '').split('/')[0] ?? '';
    const payment = /^\d{1,12}$/.test(ref) ? await paymentByDisplayRef(deps, DIALECT, ref) : undefined;
    if (!payment || !holdsCheckoutCapability(payment, capability)) return reply.code(404).type('text/plain; charset=utf-8').send('This payment does not exist.');
    return reply.redirect(checkoutUrl(deps.publicUrl, payment), 302);
  };

  return { initiate, poll, trace, confirm };
}
