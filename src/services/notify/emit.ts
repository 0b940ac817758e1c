import { formatDecimal } from '../../core/money.js';
import type { PaymentState } from '../../core/payment-state.js';
import { insertDeliveries } from '../../store/repos/deliveries.js';
import type { Integration } from '../../store/repos/integrations.js';
import { findMerchant } from '../../store/repos/merchants.js';
import type { Payment } from '../../store/repos/payments.js';
import type { Tx } from '../../store/schema.js';
import type { ServiceDeps } from '../deps.js';
import { clockOwner, type NewJob, scheduleJobs } from '../jobs.js';
import { enqueueMail } from '../mail/outbox.js';
import { signingCredentialSet } from '../merchants/credentials.js';
import type { DialectName } from './formatter.js';

/**
 * Inside the transaction of a change: one delivery (and its job) per notification the payment's wire
 * renders, and a mail to the integration's notification email. Nothing is sent before the commit.
 */
export async function emitNotifications(
  tx: Tx,
  deps: ServiceDeps,
  integration: Integration,
  payment: Payment,
  event: { version: number; from: PaymentState | null; to: PaymentState; at: number },
): Promise<void> {
  const formatter = deps.formatters[payment.dialect as DialectName];
  // Every wire notifies the payment's URL or the integration's default; with neither there is nothing to render.
  if (formatter && (payment.notifyUrl || integration.notificationUrl)) {
    const credentials = await signingCredentialSet(deps, integration, event.at, tx);
    const rendered = formatter.render({ payment, event, integration, credentials });
    const jobs: NewJob[] = [];
    const rows = rendered.map((r) => {
      const id = deps.ids.next('delivery');
      jobs.push({ kind: 'deliver', payload: { deliveryId: id, paymentId: payment.id, version: event.version }, runAt: event.at + (formatter.retryDelaysMs[0] ?? 0), integrationId: clockOwner(payment) });
      return {
        id,
        payment_id: payment.id,
        integration_id: integration.id,
        merchant_id: payment.merchantId,
        dialect: payment.dialect,
        event_version: event.version,
        url: r.url,
        headers: JSON.stringify(r.headers),
        body: r.body,
        status: 'pending' as const,
        attempts: 0,
        max_attempts: formatter.retryDelaysMs.length,
        created_at: event.at,
        delivered_at: null,
        next_attempt_at: event.at + (formatter.retryDelaysMs[0] ?? 0),
      };
    });
    await insertDeliveries(tx, rows);
    await scheduleJobs(tx, deps.ids, jobs, event.at);
  }
  if (integration.notificationEmail && event.from !== null) {
    const merchant = await findMerchant(tx, integration.merchantId);
    await enqueueMail(
      tx,
      deps,
      {
        to: integration.notificationEmail,
        kind: 'transaction_update',
        subject: `${payment.mode === 'test' ? '[TEST] ' : ''}Payment ${payment.reference ?? payment.id}: ${event.to.replace('_', ' ')}`,
        body: [
          `${merchant?.companyName ?? 'Your shop'}: a payment changed.`,
          '',
          `Payment:   ${payment.id}${payment.reference ? ` (${payment.reference})` : ''}`,
          `Amount:    ${formatDecimal(payment.amountMinor, payment.currency)} ${payment.currency}`,
          `Status:    ${event.from} → ${event.to}`,
          `Mode:      ${payment.mode}`,
          `Time:      ${new Date(event.at).toISOString()}`,
          '',
        ].join('\n'),
      },
      event.at,
    );
  }
}
