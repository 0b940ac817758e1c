import { createHash } from 'node:crypto';
import { DEFAULT_RETRY_DELAYS_MS, is2xx, type NotificationFormatter } from '../../services/notify/formatter.js';
import type { Payment } from '../../services/payments/queries.js';
import type { Disbursement } from '../../services/payments/transfers.js';
import { TO_WIRE } from './status.js';
import { buildQuery, isObject, type Json, type JsonObject } from './wire.js';

/** What PayDunya keeps of the invoice request, to echo it on confirm and in the IPN. */
export interface PdWireData {
  invoice: { items: JsonObject; taxes: JsonObject; total_amount: number; description: string };
  custom_data: JsonObject;
  actions: JsonObject;
  store: JsonObject;
  opr?: { token: string; codeHash: string; alias: string };
  [k: string]: unknown;
}

export function wireData(p: Payment): PdWireData {
  const w = p.wireData as Partial<PdWireData>;
  return {
    invoice: w.invoice ?? { items: {}, taxes: {}, total_amount: p.amountMinor, description: p.description ?? '' },
    custom_data: isObject(w.custom_data) ? w.custom_data : {},
    actions: isObject(w.actions) ? w.actions : {},
    store: isObject(w.store) ? w.store : {},
    ...(w.opr && { opr: w.opr }),
  };
}

/** The operator a SOFTPAY push went through (wave-senegal …), kept on the payment. */
function operatorOf(p: Payment): string | undefined {
  const o = (p.wireData as { operator?: unknown }).operator;
  return typeof o === 'string' ? o : undefined;
}

/** `hash`: hex SHA-512 of the master key, the same in every confirm answer and IPN of the account. */
export function masterKeyHash(masterKey: string): string {
  return createHash('sha512').update(masterKey).digest('hex');
}

export function receiptUrl(publicUrl: string, p: Payment): string {
  return `${publicUrl}/${p.mode === 'test' ? 'sandbox-checkout' : 'checkout'}/receipt/pdf/${p.publicId}.pdf`;
}

/**
 * The confirm payload (spec §3.2): always `invoice.total_amount`; `customer`, `receipt_url`,
 * `receipt_identifier` and `provider_reference` once completed; maps as `{}` never `[]`. `hash` is
 * masterKeyHash's, or empty in an IPN stored to be signed when sent.
 */
export function confirmPayload(p: Payment, hash: string, publicUrl: string): JsonObject {
  const w = wireData(p);
  const status = TO_WIRE[p.state];
  const completed = status === 'completed';
  const payload: JsonObject = {
    response_code: '00',
    response_text: 'Transaction Found',
    hash,
    invoice: { token: p.publicId ?? '', items: w.invoice.items, taxes: w.invoice.taxes, total_amount: p.amountMinor, description: w.invoice.description },
    custom_data: w.custom_data,
    actions: w.actions,
    mode: p.mode,
    status,
    fail_reason: status === 'failed' ? (p.failureMessage ?? 'Payment failed') : '',
    customer: completed
      ? { name: p.customer.name ?? '', phone: p.customer.phone ?? '', email: p.customer.email ?? '', payment_method: (operatorOf(p) ?? p.method ?? 'paydunya').replace(/-/g, '_') }
      : {},
  };
  if (completed) {
    payload.receipt_url = receiptUrl(publicUrl, p);
    payload.receipt_identifier = `RCPT-${(p.publicId ?? '').replace(/^test_/, '').toUpperCase()}`;
    payload.provider_reference = `TG${p.id.slice(-12).toUpperCase()}`;
  }
  return payload;
}

/** The operator's reference of a transfer, as the answers and the callback of a disbursement give it. */
export const providerRef = (transactionId: string | null): string => (transactionId ?? '').slice(-12);

/**
 * A disbursement's callback, once it is sent. The spec has only a third party's log of its fields
 * (§3.6 d) and leaves its encoding and any hash open: we send those flat fields form-encoded (what
 * PHP's `$_POST` and every form parser read) with `hash`, the IPN's hex SHA-512 of the master key, so a
 * receiver checks it as it checks an IPN (empty here, filled when sent).
 */
export function transferCallback(t: Disbursement, hash: string): string {
  return buildQuery({
    status: t.status,
    token: t.token,
    withdraw_mode: t.withdrawMode,
    amount: `${t.amountMinor}.00`,
    transaction_id: t.transactionId ?? '',
    disburse_id: t.externalId ?? '',
    disburse_tx_id: providerRef(t.transactionId),
    hash,
  });
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The publicUrl is not known to a formatter; the receipt link in an IPN uses the one stored at creation. */
function storedPublicUrl(p: Payment): string {
  const u = (p.wireData as { publicUrl?: Json }).publicUrl;
  return typeof u === 'string' ? u : '';
}

/**
 * The body with the empty value of its form field `field` (as encoded in the body) filled with the
 * master key's hash. Values are encoded, so `&` and `=` in the body separate fields and keys only.
 */
function fillHash(body: string, field: string, masterKey: string): string {
  const empty = `${field}=`;
  for (let at = body.indexOf(empty); at >= 0; at = body.indexOf(empty, at + 1)) {
    const end = at + empty.length;
    if ((at === 0 || body[at - 1] === '&') && (end === body.length || body[end] === '&')) return body.slice(0, end) + masterKeyHash(masterKey) + body.slice(end);
  }
  throw new Error(`no empty ${field} to sign`);
}

/**
 * The IPN: the confirm payload as form-encoded `data[...]` fields POSTed to `actions.callback_url` when
 * the invoice ends (completed, cancelled or failed); any 2xx is delivered; retried on seed 001's schedule.
 * A sent disbursement's callback (transferCallback) goes the same way. Both are stored with an empty
 * hash (`signing.field` names it), filled by each attempt from the master key of that moment.
 */
export const pdFormatter: NotificationFormatter = {
  retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
  isDelivered: is2xx,
  render({ payment, event }) {
    const to = TO_WIRE[event.to];
    if (event.from === null || to === 'pending' || !payment.notifyUrl) return [];
    if (TO_WIRE[event.from] === to) return [];
    const body = buildQuery({ data: confirmPayload(payment, '', storedPublicUrl(payment)) });
    return [{ url: payment.notifyUrl, body, headers: FORM, signing: { field: 'data%5Bhash%5D' } }];
  },
  renderTransfer({ transfer }) {
    if (!transfer.callbackUrl) return [];
    return [{ url: transfer.callbackUrl, body: transferCallback(transfer, ''), headers: FORM, signing: { field: 'hash' } }];
  },
  sign({ body, signing, credentials }) {
    return { body: fillHash(body, signing.field ?? '', credentials.paydunya.masterKey) };
  },
};
