import { createHmac } from 'node:crypto';
import { formatDecimal } from '../../core/money.js';
import { DEFAULT_RETRY_DELAYS_MS, is2xx, type NotificationFormatter } from './formatter.js';

/**
 * Tollgate's own JSON webhook, for payments made through the management API: one POST per change to
 * the payment's notify URL (or the integration's default), signed like Standard Webhooks with the
 * integration's Signature-Key of the payment's mode: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 */
export const nativeFormatter: NotificationFormatter = {
  retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
  isDelivered: is2xx,
  render({ payment, event, integration, credentials }) {
    const url = payment.notifyUrl ?? integration.notificationUrl;
    if (!url) return [];
    const id = `${payment.id}.v${event.version}`;
    const timestamp = Math.floor(event.at / 1000).toString();
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
    const key = payment.mode === 'live' ? credentials.paynowPl.production.signatureKey : credentials.paynowPl.sandbox.signatureKey;
    const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
    return [{ url, body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` } }];
  },
};
