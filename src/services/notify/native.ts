import { createHmac } from 'node:crypto';
import { formatDecimal } from '../../core/money.js';
import { DEFAULT_RETRY_DELAYS_MS, is2xx, type NotificationFormatter } from './formatter.js';

/**
 * Standard Webhooks' signature (https://www.standardwebhooks.com): base64 HMAC-SHA256 of
 * "id.timestamp.body", keyed by the bytes of a `whsec_` secret.
 */
export function standardWebhookSignature(secret: string | Buffer, id: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/**
 * Tollgate's own JSON webhook, for payments made through the management API: one POST per change to
 * the payment's notify URL (or the integration's default), signed per Standard Webhooks when it is
 * sent: `webhook-timestamp` is the attempt's time, the key the integration's `whsec_` webhook secret.
 * An integration made before that secret existed signs with its Signature-Key of the payment's mode,
 * as it always did, until the merchant rotates the `tollgate-webhook` group in.
 */
export const nativeFormatter: NotificationFormatter = {
  retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
  isDelivered: is2xx,
  render({ payment, event, integration }) {
    const url = payment.notifyUrl ?? integration.notificationUrl;
    if (!url) return [];
    const id = `${payment.id}.v${event.version}`;
    const body = JSON.stringify({
      type: `payment.${event.to}`,
      id,
      payment: {
        id: payment.id,
        state: payment.state,
        previousState: event.from,
        version: event.version,
        amount: { minor: payment.amountMinor, currency: payment.currency, decimal: formatDecimal(payment.amountMinor, payment.currency) },
        reference: payment.reference,
        method: payment.method,
        mode: payment.mode,
        failureCode: payment.failureCode,
        changedAt: new Date(event.at).toISOString(),
      },
    });
    return [{ url, body, headers: { 'content-type': 'application/json', 'webhook-id': id }, signing: { mode: payment.mode } }];
  },
  sign({ headers, body, signing, credentials, at }) {
    const id = headers['webhook-id'] ?? '';
    const timestamp = Math.floor(at / 1000).toString();
    const secret = credentials.tollgate.webhookSecret;
    const pl = signing.mode === 'live' ? credentials.paynowPl.production : credentials.paynowPl.sandbox;
    const key = secret ? Buffer.from(secret.slice('whsec_'.length), 'base64') : pl.signatureKey;
    return { headers: { 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${standardWebhookSignature(key, id, timestamp, body)}` } };
  },
};
