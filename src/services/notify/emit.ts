import type { IntegrationId } from '../../core/ids.js';
import { formatDecimal } from '../../core/money.js';
import type { PaymentState } from '../../core/payment-state.js';
import { insertDeliveries } from '../../store/repos/deliveries.js';
import type { Disbursement } from '../../store/repos/disbursements.js';
import type { Integration } from '../../store/repos/integrations.js';
import { findMerchant } from '../../store/repos/merchants.js';
import type { Payment } from '../../store/repos/payments.js';
import type { Tx } from '../../store/schema.js';
import type { ServiceDeps } from '../deps.js';
import { clockOwner, type NewJob, scheduleJobs } from '../jobs.js';
import { enqueueMail } from '../mail/outbox.js';
import { signingCredentialSet } from '../merchants/credentials.js';
import type { DialectName, RenderedNotification } from './formatter.js';

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
    await queueDeliveries(tx, deps, { subjectId: payment.id, integration, dialect: payment.dialect as DialectName, version: event.version, at: event.at, clock: clockOwner(payment) }, rendered);
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

/**
 * Inside the transaction of a sent transfer (a PayDunya disbursement): the callbacks its wire renders,
 * delivered and retried like a payment's notifications.
 */
export async function emitTransferNotifications(tx: Tx, deps: ServiceDeps, integration: Integration, dialect: DialectName, transfer: Disbursement, at: number): Promise<void> {
  const formatter = deps.formatters[dialect];
  if (!formatter.renderTransfer || !transfer.callbackUrl) return;
  const credentials = await signingCredentialSet(deps, integration, at, tx);
  const rendered = formatter.renderTransfer({ transfer, integration, credentials });
  await queueDeliveries(tx, deps, { subjectId: transfer.id, integration, dialect, version: 1, at, clock: clockOwner(transfer) }, rendered);
}

interface DeliverySubject {
  /** The payment (or transfer) the notifications are about; its deliveries go one after another. */
  subjectId: string;
  integration: Integration;
  dialect: DialectName;
  version: number;
  at: number;
  /** Whose sandbox clock the first attempt follows (null for live work). */
  clock: IntegrationId | null;
}

/** One delivery and its job per rendered notification, first attempt after the wire's first delay. */
async function queueDeliveries(tx: Tx, deps: ServiceDeps, subject: DeliverySubject, rendered: RenderedNotification[]): Promise<void> {
  if (rendered.length === 0) return;
  const formatter = deps.formatters[subject.dialect];
  const firstAt = subject.at + (formatter.retryDelaysMs[0] ?? 0);
  const jobs: NewJob[] = [];
  const rows = rendered.map((r) => {
    const id = deps.ids.next('delivery');
    jobs.push({ kind: 'deliver', payload: { deliveryId: id, paymentId: subject.subjectId, version: subject.version }, runAt: firstAt, integrationId: subject.clock });
    return {
      id,
      payment_id: subject.subjectId,
      integration_id: subject.integration.id,
      merchant_id: subject.integration.merchantId,
      dialect: subject.dialect,
      event_version: subject.version,
      url: r.url,
      headers: JSON.stringify(r.headers),
      body: r.body,
      signing: r.signing ? JSON.stringify(r.signing) : null,
      status: 'pending' as const,
      attempts: 0,
      max_attempts: formatter.retryDelaysMs.length,
      created_at: subject.at,
      delivered_at: null,
      next_attempt_at: firstAt,
    };
  });
  await insertDeliveries(tx, rows);
  await scheduleJobs(tx, deps.ids, jobs, subject.at);
}
