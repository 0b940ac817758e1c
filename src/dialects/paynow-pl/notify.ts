import { DEFAULT_RETRY_DELAYS_MS, type NotificationFormatter } from '../../services/notify/formatter.js';
import { bodySignature } from './signature.js';
import { plStatus } from './status.js';
import { modifiedAt } from './wire.js';

/**
 * `{"paymentId","externalId","status","modifiedAt"}` POSTed to the shop's notification URL with a
 * `Signature` header, HMAC-SHA256 of the exact body bytes under the Signature-Key of the payment's
 * environment; one per status change (a canonical change that keeps the Paynow.pl status sends none,
 * and refunds send none). 200 or 202 means delivered; anything else is retried on seed 001's schedule.
 */
export const plFormatter: NotificationFormatter = {
  retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
  isDelivered: (status) => status === 200 || status === 202,
  render({ payment, event, integration }) {
    const url = integration.notificationUrl;
    if (!url || !payment.publicId) return [];
    const status = plStatus(payment);
    if (event.from !== null && plStatus({ state: event.from, failureCode: null }) === status) return [];
    const body = JSON.stringify({ paymentId: payment.publicId, externalId: payment.reference ?? '', status, modifiedAt: modifiedAt(event.at) });
    return [{ url, body, headers: { 'content-type': 'application/json' }, signing: { mode: payment.mode } }];
  },
  // Signed when sent: a Signature-Key rotated without grace signs the queued retries too.
  sign({ body, signing, credentials }) {
    const key = signing.mode === 'live' ? credentials.paynowPl.production.signatureKey : credentials.paynowPl.sandbox.signatureKey;
    return { headers: { Signature: bodySignature(key, body) } };
  },
};
