import { randomInt } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, sha256Hex } from '../../core/crypto.js';
import { isTollgateError } from '../../core/errors.js';
import { MIXED_ALPHABET, randomAlphanumeric } from '../../core/ids.js';
import { own } from '../../core/lookup.js';
import { nulPath } from '../../core/text.js';
import { receiptPdf } from '../../http/receipt-pdf.js';
import type { ServiceDeps } from '../../services/deps.js';
import type { Integration } from '../../services/merchants/integrations.js';
import { authenticatePaydunya } from '../../services/merchants/wire-auth.js';
import { type CreatePaymentInput, createPayment } from '../../services/payments/create.js';
import { startPayment } from '../../services/payments/pay.js';
import { checkoutUrl, keepWireDetail, type Payment, paymentByDisplayRef, paymentByPublicId } from '../../services/payments/queries.js';
import { createDisbursement, creditAccount, disbursementByToken, submitDisbursement } from '../../services/payments/transfers.js';
import { findCustomer, mailOneTimeCode } from '../../services/sandbox/codes.js';
import { diagnosePdKeys, type PdReceived } from './diagnose.js';
import { diagnosisKeys, testIntegrationByMasterKey } from '../../services/sandbox/diagnosis-keys.js';
import { badKeys, CODES, fromService, invalid, invoiceNotFound, PdError } from './errors.js';
import { confirmPayload, masterKeyHash, type PdWireData, providerRef, receiptUrl, wireData } from './notify.js';
import { TO_WIRE } from './status.js';
import { francs, isObject, type JsonObject, newInvoiceToken, normaliseList, num, parseBody, text, withToken } from './wire.js';

export const DIALECT = 'paydunya' as const;
/** Invoices left unpaid are cancelled after a day (the spec reports about 24 h; decided). */
export const VALIDITY_MS = 24 * 60 * 60_000;
const MAX_FRANCS = 100_000_000;

interface Caller {
  integration: Integration;
  mode: 'test' | 'live';
  masterKey: string;
}

type Answer = JsonObject;

function header(request: FastifyRequest, name: string): string {
  const v = request.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function bodyOf(request: FastifyRequest): JsonObject {
  let parsed: unknown;
  try {
    parsed = parseBody(typeof request.body === 'string' ? request.body : '');
  } catch {
    throw new PdError(CODES.notJson, 'Invalid JSON body');
  }
  if (Array.isArray(parsed)) throw invalid('The request body must be a JSON object');
  return isObject(parsed) ? parsed : {};
}

/** A NUL anywhere in the path or JSON body is an invalid request naming where it is. */
function refuseNul(request: FastifyRequest): void {
  const at = nulPath(request.params) ?? nulPath(request.query);
  if (at !== undefined) throw invalid(`${at} must not contain a NUL character`);
  const raw = typeof request.body === 'string' ? request.body : '';
  // JSON carries NUL only escaped (a raw one is not JSON): most bodies skip the second parse.
  if (!raw.includes('\\u0000')) return;
  let body: unknown;
  try {
    body = parseBody(raw);
  } catch {
    return;
  }
  const inBody = nulPath(body);
  if (inBody !== undefined) throw invalid(`${inBody} must not contain a NUL character`);
}

const URLISH = /^https?:\/\/\S+$/i;

/** The invoice part of a create request, in every shape the SDKs send. */
function readInvoice(b: JsonObject, publicUrl: string, mode: 'test' | 'live') {
  const invoice = isObject(b.invoice) ? b.invoice : undefined;
  if (!invoice) throw invalid('invoice is required');
  const store = isObject(b.store) ? b.store : isObject(invoice.store) ? invoice.store : undefined;
  const customData = isObject(b.custom_data) ? b.custom_data : isObject(invoice.custom_data) ? invoice.custom_data : {};
  const actions = isObject(b.actions) ? b.actions : isObject(invoice.actions) ? invoice.actions : {};
  const total = francs(invoice.total_amount);
  if (invoice.total_amount === undefined || invoice.total_amount === null) throw invalid('invoice.total_amount is required');
  if (total === undefined) throw invalid('invoice.total_amount must be a number');
  if (total <= 0) throw invalid('invoice.total_amount must be greater than zero');
  if (total > MAX_FRANCS) throw invalid(`invoice.total_amount must be at most ${MAX_FRANCS}`);
  const items = normaliseList(invoice.items).map((i, n) => {
    const name = text(i.name) ?? '';
    const quantity = num(i.quantity) ?? 1;
    const unit = num(i.unit_price) ?? 0;
    if (name.length > 255 || quantity < 0 || unit < 0) throw invalid(`invoice.items: item ${n + 1} is not valid`);
    return { name, quantity, unit_price: unit, total_price: num(i.total_price) ?? quantity * unit, description: text(i.description) ?? '' };
  });
  const taxes = normaliseList(invoice.taxes).map((t) => ({ name: text(t.name) ?? '', amount: num(t.amount) ?? 0 }));
  const description = text(invoice.description) ?? '';
  if (description.length > 1000) throw invalid('invoice.description must be at most 1000 characters');
  for (const key of ['return_url', 'cancel_url', 'callback_url']) {
    const u = actions[key];
    if (u !== undefined && u !== null && u !== '' && !(typeof u === 'string' && URLISH.test(u) && u.length <= 2048)) throw invalid(`actions.${key} must be an http(s) URL`);
  }
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const customer = isObject(invoice.customer) ? invoice.customer : {};
  const data: PdWireData & { publicUrl: string } = {
    invoice: {
      items: Object.fromEntries(items.map((it, i) => [`item_${i}`, it])),
      taxes: Object.fromEntries(taxes.map((t, i) => [`tax_${i}`, t])),
      total_amount: total,
      description,
    },
    custom_data: customData,
    actions,
    store: store ?? {},
    publicUrl,
  };
  return {
    total,
    store,
    data,
    description,
    items: items.map((i) => ({ name: i.name || 'Item', quantity: Math.max(1, Math.round(i.quantity)), unitMinor: Math.round(i.unit_price) })),
    customer: { name: str(customer.name), email: str(customer.email), phone: str(customer.phone) },
    returnUrl: str(actions.return_url),
    cancelUrl: str(actions.cancel_url),
    callbackUrl: str(actions.callback_url),
    mode,
  };
}

/**
 * SOFTPAY: the per-operator body fields (spec §3.7): where each operator puts the phone and the
 * invoice token. Sandbox decision (the spec documents no sandbox): the push is accepted and the
 * invoice paid after 5 s, except for a number ending in 0000, which has no account.
 */
const SOFTPAY: Record<string, { phone: string; token: string[] }> = {
  'wave-senegal': { phone: 'wave_senegal_phone', token: ['wave_senegal_payment_token'] },
  'wave-ci': { phone: 'wave_ci_phone', token: ['wave_ci_payment_token'] },
  'orange-money-senegal': { phone: 'phone_number', token: ['invoice_token'] },
  'new-orange-money-senegal': { phone: 'phone_number', token: ['invoice_token'] },
  'free-money-senegal': { phone: 'phone_number', token: ['payment_token'] },
  'expresso-senegal': { phone: 'expresso_sn_phone', token: ['payment_token'] },
  'wizall-senegal': { phone: 'wizall_senegal_phone', token: ['wizall_senegal_payment_token'] },
  djamo: { phone: 'djamo_phone', token: ['djamo_payment_token'] },
  'orange-money-ci': { phone: 'orange_money_ci_phone_number', token: ['payment_token'] },
  'mtn-ci': { phone: 'mtn_ci_phone_number', token: ['payment_token'] },
  'mtn-benin': { phone: 'mtn_benin_phone_number', token: ['payment_token'] },
  'mtn-cameroun': { phone: 'mtn_cameroun_phone_number', token: ['payment_token'] },
  'moov-ci': { phone: 'moov_ci_phone_number', token: ['payment_token'] },
  'moov-benin': { phone: 'moov_benin_phone_number', token: ['payment_token'] },
  'moov-mali': { phone: 'moov_ml_phone_number', token: ['payment_token'] },
  'moov-togo': { phone: 'moov_togo_phone_number', token: ['payment_token'] },
  'moov-burkina': { phone: 'moov_burkina_faso_phone_number', token: ['moov_burkina_faso_payment_token'] },
  'orange-money-mali': { phone: 'orange_money_mali_phone_number', token: ['payment_token'] },
  'orange-money-burkina': { phone: 'phone_bf', token: ['payment_token'] },
  't-money-togo': { phone: 'phone_t_money', token: ['payment_token'] },
};

export function pdRoutes(deps: ServiceDeps) {
  /** Refused keys whose master key names a test application go to its request log, with why (the signature debugger). */
  async function logRefusedKeys(request: FastifyRequest, r: PdReceived & { masterKey: string }): Promise<void> {
    const integration = await testIntegrationByMasterKey(deps, r.masterKey);
    if (!integration) return;
    const diagnosis = async () => {
      const keys = await diagnosisKeys(deps, integration.id);
      return keys && diagnosePdKeys(r, keys.own, keys.others);
    };
    request.testLog = { integrationId: integration.id, dialect: DIALECT, signature: null, failed: true, diagnosis };
  }

  async function authenticate(request: FastifyRequest, mode: 'test' | 'live'): Promise<Caller> {
    const keys = { masterKey: header(request, 'paydunya-master-key'), privateKey: header(request, 'paydunya-private-key'), token: header(request, 'paydunya-token') };
    if (!keys.masterKey || !keys.privateKey || !keys.token) throw badKeys();
    const auth = await authenticatePaydunya(deps, keys, mode);
    if (!auth.ok) {
      await logRefusedKeys(request, { masterKey: keys.masterKey, privateKey: keys.privateKey, token: keys.token, mode });
      throw badKeys();
    }
    if (mode === 'test') request.testLog = { integrationId: auth.integration.id, dialect: DIALECT, signature: null };
    return { integration: auth.integration, mode, masterKey: auth.masterKey };
  }

  /** HTTP 200 and application/json for every API-level outcome, success or refusal. */
  const route =
    (mode: 'test' | 'live', handler: (request: FastifyRequest, caller: Caller) => Promise<Answer>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      let body: Answer;
      try {
        const caller = await authenticate(request, mode);
        refuseNul(request);
        body = await handler(request, caller);
      } catch (err) {
        if (!(err instanceof PdError) && !isTollgateError(err)) request.log.error({ err }, 'paydunya request failed');
        const e = err instanceof PdError ? err : isTollgateError(err) ? fromService(err) : new PdError(CODES.funds, 'An Unknown PAYDUNYA Server Error Occured.');
        body = e.body();
      }
      return reply.code(200).type('application/json').send(JSON.stringify(body));
    };

  /** An invoice by a token off the wire: one no invoice can have (too long, a NUL) is not looked up. */
  async function byToken(token: string): Promise<Payment | undefined> {
    return token.length <= 64 && !token.includes('\u0000') ? await paymentByPublicId(deps, token) : undefined;
  }

  async function ownInvoice(caller: Caller, token: string): Promise<Payment> {
    const p = await byToken(token);
    if (!p || p.dialect !== DIALECT || p.integrationId !== caller.integration.id || p.mode !== caller.mode) throw invoiceNotFound();
    return p;
  }

  function inputFor(caller: Caller, inv: ReturnType<typeof readInvoice>, token: string): CreatePaymentInput {
    return {
      integration: caller.integration,
      mode: caller.mode,
      dialect: DIALECT,
      amountMinor: inv.total,
      currency: 'XOF',
      reference: null,
      description: inv.description || (text(inv.store?.name) ?? null),
      items: inv.items,
      customer: inv.customer,
      returnUrl: inv.returnUrl ? withToken(inv.returnUrl, token) : null,
      cancelUrl: inv.cancelUrl ? withToken(inv.cancelUrl, token) : null,
      notifyUrl: inv.callbackUrl,
      validForMs: VALIDITY_MS,
      publicId: token,
      testCheckout: 'open',
      wireData: inv.data as unknown as Record<string, unknown>,
      storeName: text(inv.store?.name) ?? null,
    };
  }

  const checkoutLink = (mode: 'test' | 'live', token: string) => `${deps.publicUrl}/${mode === 'test' ? 'sandbox-checkout' : 'checkout'}/invoice/${token}`;

  const createInvoice = (mode: 'test' | 'live') =>
    route(mode, async (request, caller) => {
      const b = bodyOf(request);
      const inv = readInvoice(b, deps.publicUrl, mode);
      if (!text(inv.store?.name)) throw invalid('store.name is required');
      const token = newInvoiceToken(mode);
      await createPayment(deps, inputFor(caller, inv, token));
      return { response_code: '00', response_text: checkoutLink(mode, token), description: 'Checkout Invoice Created', token };
    });

  const confirm = (mode: 'test' | 'live') =>
    route(mode, async (request, caller) => {
      const p = await ownInvoice(caller, (request.params as { token: string }).token);
      return confirmPayload(p, masterKeyHash(caller.masterKey), deps.publicUrl);
    });

  const oprCreate = (mode: 'test' | 'live') =>
    route(mode, async (request, caller) => {
      const b = bodyOf(request);
      const invoiceData = isObject(b.invoice_data) ? b.invoice_data : undefined;
      const oprData = isObject(b.opr_data) ? b.opr_data : undefined;
      if (!invoiceData) throw invalid('invoice_data is required');
      const alias = text(oprData?.account_alias)?.trim() ?? '';
      if (alias === '') throw invalid('opr_data.account_alias is required');
      const inv = readInvoice({ ...invoiceData, ...(isObject(b.custom_data) && { custom_data: b.custom_data }) }, deps.publicUrl, mode);
      if (mode === 'live') throw invalid('no live connector is configured for on-site payments: Tollgate does not move real money');
      const customer = await findCustomer(deps, caller.integration.id, alias);
      if (!customer) throw invalid('No PayDunya account matches this account_alias');
      const token = newInvoiceToken(mode);
      const oprToken = randomAlphanumeric(20, MIXED_ALPHABET);
      const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
      const input = inputFor(caller, inv, token);
      input.displayRef = oprToken;
      input.wireData = { ...inv.data, opr: { token: oprToken, codeHash: sha256Hex(`${oprToken}:${code}`), alias } } as unknown as Record<string, unknown>;
      await createPayment(deps, input, undefined, mailOneTimeCode(deps, customer, code, token));
      const message = `A confirmation code was sent to ${customer.email}. Ask the customer for it to complete the payment.`;
      return { response_code: '00', response_text: message, description: message, token: oprToken, invoice_token: token };
    });

  const oprCharge = (mode: 'test' | 'live') =>
    route(mode, async (request, caller) => {
      const b = bodyOf(request);
      const oprToken = text(b.token)?.trim() ?? '';
      const code = text(b.confirm_token)?.trim() ?? '';
      const p = oprToken && oprToken.length <= 64 ? await paymentByDisplayRef(deps, DIALECT, oprToken) : undefined;
      if (!p || p.integrationId !== caller.integration.id || p.mode !== caller.mode) throw invoiceNotFound();
      const opr = wireData(p).opr;
      if (!opr || !constantTimeEqual(sha256Hex(`${oprToken}:${code}`), opr.codeHash)) throw new PdError(CODES.badCode, 'Invalid confirmation code');
      if (TO_WIRE[p.state] !== 'pending') throw invalid(`The invoice is already ${TO_WIRE[p.state]}`);
      const paid = (await startPayment(deps, p.id, 'wallet', { customerAlias: opr.alias })).payment;
      const full = confirmPayload(paid, masterKeyHash(caller.masterKey), deps.publicUrl);
      return {
        response_code: '00',
        response_text: 'Transaction completed successfully',
        invoice_data: { status: full.status, invoice: full.invoice, custom_data: full.custom_data, customer: full.customer, receipt_url: full.receipt_url ?? '' } as JsonObject,
      };
    });

  const directPay = (mode: 'test' | 'live') =>
    route(mode, async (request, caller) => {
      const b = bodyOf(request);
      const alias = text(b.account_alias)?.trim() ?? '';
      const amount = num(b.amount);
      if (alias === '') throw invalid('account_alias is required');
      if (amount === undefined || !Number.isInteger(amount) || amount <= 0 || amount > MAX_FRANCS) throw invalid('amount must be a positive whole number of francs');
      const r = await creditAccount(deps, caller.integration, mode, alias, amount, 'XOF');
      return {
        response_code: '00',
        response_text: 'Transaction completed successfully',
        description: `Success! Amount of ${amount} FCFA has been transfered to the PayDunya account ${r.customer.email}`,
        transaction_id: r.transactionId,
        provider_ref: providerRef(r.transactionId),
      };
    });

  const getDisburseInvoice = (mode: 'test' | 'live') =>
    route(mode, async (request, caller) => {
      const b = bodyOf(request);
      const alias = text(b.account_alias)?.trim() ?? '';
      const amount = num(b.amount);
      const withdrawMode = text(b.withdraw_mode)?.trim() ?? '';
      const callback = text(b.callback_url) ?? null;
      if (alias === '') throw invalid('account_alias is required');
      if (amount === undefined || !Number.isInteger(amount) || amount < 200 || amount > MAX_FRANCS) throw invalid('amount must be a whole number of francs, at least 200');
      if (!/^[a-z0-9-]{3,40}$/.test(withdrawMode)) throw invalid('withdraw_mode is not valid');
      if (callback !== null && callback !== '' && !URLISH.test(callback)) throw invalid('callback_url must be a valid URL');
      const d = await createDisbursement(deps, caller.integration, mode, { accountAlias: alias, amountMinor: amount, currency: 'XOF', withdrawMode, callbackUrl: callback || null, externalId: text(b.disburse_id) ?? null });
      return { response_code: '00', response_text: 'Disbursement invoice created', disburse_token: d.token };
    });

  const submitDisburse = (mode: 'test' | 'live') =>
    route(mode, async (request, caller) => {
      const token = text(bodyOf(request).disburse_invoice)?.trim() ?? '';
      if (token === '') throw invalid('disburse_invoice is required');
      const d = await submitDisbursement(deps, caller.integration, mode, token, 'paydunya');
      return {
        response_code: '00',
        response_text: 'Transaction completed successfully',
        status: d.status,
        description: `Success! Amount of ${d.amountMinor} FCFA has been transfered to ${d.accountAlias}`,
        transaction_id: d.transactionId ?? '',
        provider_ref: providerRef(d.transactionId),
      };
    });

  const checkDisburse = (mode: 'test' | 'live') =>
    route(mode, async (request, caller) => {
      const token = text(bodyOf(request).disburse_invoice)?.trim() ?? '';
      if (token === '') throw invalid('disburse_invoice is required');
      const d = await disbursementByToken(deps, caller.integration, mode, token);
      return { response_code: '00', response_text: 'Disbursement found', status: d.status, amount: `${d.amountMinor}.00`, withdraw_mode: d.withdrawMode, transaction_id: d.transactionId ?? '' };
    });

  /** SOFTPAY has its own envelope: `{success, message, fees, currency}`, no response_code. */
  const softpay = (mode: 'test' | 'live') => async (request: FastifyRequest, reply: FastifyReply) => {
    const send = (body: JsonObject) => reply.code(200).type('application/json').send(JSON.stringify(body));
    const shape = own(SOFTPAY, (request.params as { operator: string }).operator.toLowerCase());
    if (!shape) return reply.code(404).type('application/json').send(JSON.stringify({ success: false, message: 'Opérateur inconnu' }));
    try {
      const caller = await authenticate(request, mode);
      refuseNul(request);
      const b = bodyOf(request);
      const token = shape.token.map((k) => text(b[k])).find((v) => v !== undefined && v !== '') ?? '';
      const phone = text(b[shape.phone]) ?? '';
      if (phone === '') return send({ success: false, message: `${shape.phone} est requis` });
      const p = await ownInvoice(caller, token);
      if (TO_WIRE[p.state] !== 'pending') return send({ success: false, message: `La facture est déjà ${TO_WIRE[p.state]}` });
      const operator = (request.params as { operator: string }).operator.toLowerCase();
      const field = (suffix: RegExp) => Object.entries(b).find(([k]) => suffix.test(k))?.[1];
      const started = await startPayment(deps, p.id, 'mobile_money', { phone, payerName: text(field(/(full_?name|customer_name|^name_)/i)), payerEmail: text(field(/email/i)) }, keepWireDetail({ operator }));
      // XOF has no minor unit: the fee in minor units is the spec's whole francs.
      return send({ success: true, message: 'Votre paiement est en cours de traitement.', fees: started.payment.feeMinor, currency: 'XOF' });
    } catch (err) {
      if (err instanceof PdError) return send({ success: false, message: err.message });
      if (isTollgateError(err)) return send({ success: false, message: err.detail });
      request.log.error({ err }, 'softpay failed');
      return send({ success: false, message: 'An Unknown PAYDUNYA Server Error Occured.' });
    }
  };

  /** The customer-facing invoice URL: the hosted checkout. */
  const invoicePage = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = await byToken((request.params as { token: string }).token);
    if (!p || p.dialect !== DIALECT) return reply.code(404).type('text/plain; charset=utf-8').send('This invoice does not exist.');
    return reply.redirect(checkoutUrl(deps.publicUrl, p), 302);
  };

  /** The receipt a completed invoice links to (receipt_url): a PDF, as its .pdf address says. */
  const receipt = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = (request.params as { file: string }).file.replace(/\.pdf$/, '');
    const p = await byToken(token);
    if (!p || p.dialect !== DIALECT || TO_WIRE[p.state] !== 'completed') return reply.code(404).type('text/plain; charset=utf-8').send('No receipt for this invoice.');
    const w = wireData(p);
    const pdf = await receiptPdf({
      storeName: typeof w.store.name === 'string' && w.store.name.trim() !== '' ? w.store.name : 'PayDunya',
      invoice: p.publicId ?? '',
      description: p.description ?? '',
      items: p.items,
      totalMinor: p.amountMinor,
      currency: p.currency,
      paidBy: [p.customer.name, p.customer.email, p.customer.phone].filter(Boolean).join(' · '),
      paidAt: p.paidAt,
      test: p.mode === 'test',
      url: receiptUrl(deps.publicUrl, p),
    });
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${token.replace(/[^A-Za-z0-9_-]/g, '')}.pdf"`).header('x-content-type-options', 'nosniff').send(Buffer.from(pdf));
  };

  return { createInvoice, confirm, oprCreate, oprCharge, directPay, getDisburseInvoice, submitDisburse, checkDisburse, invoicePage, receipt, softpay };
}
