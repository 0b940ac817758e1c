import type { Currency } from '../../core/money.js';
import { is2xx, type NotificationFormatter } from '../../services/notify/formatter.js';
import type { Payment } from '../../services/payments/queries.js';
import { hashValues, signPairs, valuesToHash } from './signature.js';
import { TO_WIRE } from './status.js';
import { encodeForm, formatAmount, type Pair, parseForm } from './wire.js';

const MIN = 60_000;

/**
 * Paynow retries a status update "up to 10 times" when the result URL answers with an HTTP error
 * (spec §6.2; the schedule is not documented). Ours: at once, then 30 s, 1, 2, 5, 10, 30 min, 1, 2, 4, 8 h.
 */
export const ZW_RETRY_DELAYS_MS = [0, 30_000, MIN, 2 * MIN, 5 * MIN, 10 * MIN, 30 * MIN, 60 * MIN, 120 * MIN, 240 * MIN, 480 * MIN];

const CHANNEL_NAMES: Record<string, string> = {
  ecocash: 'EcoCash',
  onemoney: 'OneMoney',
  innbucks: 'InnBucks',
  omari: "O'mari",
  card: 'Visa/Mastercard',
  zimswitch: 'ZimSwitch',
};

export interface ZwWireData {
  pollUrl: string;
  ticket?: Record<string, string>;
}

export function pollUrl(payment: Payment): string {
  return (payment.wireData as unknown as ZwWireData).pollUrl;
}

/**
 * The status message (spec §5.4/§6.2): reference, paynowreference, amount, status, pollurl, then for
 * passenger tickets the paymentchannel fields, and the hash. The poll answer and the trace answer are
 * the same message.
 */
export function statusPairs(payment: Payment): Pair[] {
  const pairs: Pair[] = [
    ['reference', payment.reference ?? ''],
    ['paynowreference', payment.displayRef ?? ''],
    ['amount', formatAmount(payment.amountMinor, payment.currency as Currency)],
    ['status', TO_WIRE[payment.state]],
    ['pollurl', pollUrl(payment)],
  ];
  if ((payment.wireData as unknown as ZwWireData).ticket) {
    const paid = payment.state !== 'created' && payment.method !== null;
    pairs.push(
      ['paymentchannel', paid ? (CHANNEL_NAMES[payment.method ?? ''] ?? 'Paynow') : ''],
      ['paymentinstrument', ''],
      ['paymentinstrumentname', ''],
      ['paymentinstrumentnationality', paid ? 'domestic' : ''],
      ['paymentchannelreference', paid ? `TEST-${payment.displayRef}` : ''],
      ['paymentchanneleci', ''],
      ['paymentfraudscore', ''],
      ['paymentfrauddecision', ''],
    );
  }
  return pairs;
}

export function statusMessage(payment: Payment, key: string): string {
  return encodeForm(signPairs(statusPairs(payment), key));
}

/**
 * Status updates POSTed form-encoded and hashed to the result URL on every change after creation.
 * Stored without their hash: each attempt appends it, under the integration key of that moment, so
 * the bytes sent are statusMessage's and a key rotated without grace signs the queued retries.
 */
export const zwFormatter: NotificationFormatter = {
  retryDelaysMs: ZW_RETRY_DELAYS_MS,
  isDelivered: is2xx,
  render({ payment, event }) {
    if (event.from === null || !payment.notifyUrl) return [];
    return [{ url: payment.notifyUrl, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: encodeForm(statusPairs(payment)), signing: {} }];
  },
  // The stored form decodes back to the values it was encoded from: the hash is over those, then the key.
  sign({ body, credentials }) {
    return { body: `${body}&hash=${hashValues(valuesToHash(parseForm(body)), credentials.paynowZw.integrationKey)}` };
  },
};
