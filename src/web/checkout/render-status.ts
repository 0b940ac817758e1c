import { assertNever } from '../../core/errors.js';
import { isPaymentMethod } from '../../core/payment-methods.js';
import type { CheckoutView } from '../../services/payments/checkout.js';
import type { Payment } from '../../store/repos/payments.js';
import { escapeHtml } from '../../core/html.js';
import { documentHtml } from './layout.js';
import { METHOD_UI } from './methods.js';
import { alertBox, amountText, backLink, cancelForm, fakePanel, summary } from './parts.js';

export const STATUS_REFRESH_SECONDS = 2;

/** The waiting page: reloads itself every two seconds, without JavaScript, until the payment is final. */
export function renderWaiting(view: CheckoutView, csrf: string, opts: { code?: string | undefined; error?: string | undefined; refreshUrl?: string | undefined }): string {
  const method = view.payment.method;
  const ui = method !== null && isPaymentMethod(method) ? METHOD_UI[method] : undefined;
  const body =
    summary(view) +
    alertBox(opts.error) +
    '<section class="co-panel" aria-live="polite"><h1 id="status">Waiting for your payment to be confirmed…</h1>' +
    (ui ? `<p id="instructions">${escapeHtml(ui.waiting)}</p>` : '') +
    (opts.code ? `<p>Authorization code: <strong class="co-code" id="auth-code">${escapeHtml(opts.code)}</strong></p>` : '') +
    '<p class="co-hint">This page refreshes by itself.</p></section>' +
    fakePanel(view, csrf) +
    cancelForm(view, csrf);
  return documentHtml('Waiting for confirmation', body, { refreshSeconds: STATUS_REFRESH_SECONDS, refreshUrl: opts.refreshUrl, testBanner: view.payment.mode === 'test' });
}

function outcomeText(p: Payment): { title: string; detail: string } {
  switch (p.state) {
    case 'paid':
    case 'awaiting_delivery':
    case 'delivered':
      return { title: 'Payment received', detail: 'Thank you: the merchant has been told.' };
    case 'partially_refunded':
      return { title: 'Payment partly refunded', detail: `The merchant has refunded ${amountText({ amountMinor: p.refundedMinor, currency: p.currency })} of ${amountText(p)}.` };
    case 'refunded':
      return { title: 'Payment refunded', detail: 'The merchant has refunded this payment.' };
    case 'disputed':
      return { title: 'Payment disputed', detail: 'This payment is being disputed.' };
    case 'failed':
      return { title: 'Payment failed', detail: p.failureMessage ?? 'The payment did not go through.' };
    case 'cancelled':
      return { title: 'Payment cancelled', detail: 'Nothing was charged.' };
    case 'expired':
      return { title: 'Payment expired', detail: 'The time to pay has run out.' };
    case 'created':
    case 'pending':
      return { title: 'Payment not finished', detail: 'This payment is still waiting to be paid.' };
    default:
      return assertNever(p.state);
  }
}

/** A payment that is final (or past being paid): what happened, and the way back to the merchant. */
export function renderOutcome(view: CheckoutView, opts: { error?: string | undefined } = {}): string {
  const p = view.payment;
  const { title, detail } = outcomeText(p);
  const body =
    summary(view) +
    alertBox(opts.error) +
    `<section class="co-panel co-outcome co-${escapeHtml(p.state)}"><h1 id="status">${escapeHtml(title)}</h1>` +
    `<p id="outcome-detail">${escapeHtml(detail)}</p>` +
    backLink(p, p.state === 'cancelled', 'Return to merchant') +
    '</section>';
  return documentHtml(title, body, { testBanner: p.mode === 'test' });
}

/** A page for what is not a payment at all (not found, a forged form, a server fault). */
export function renderMessage(title: string, text: string, back?: string): string {
  const link = back ? `<p><a href="${escapeHtml(back)}">Back to the payment</a></p>` : '';
  return documentHtml(title, `<h1>${escapeHtml(title)}</h1><p id="message">${escapeHtml(text)}</p>${link}`);
}
