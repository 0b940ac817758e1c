import { assertNever } from '../../core/errors.js';
import { isPaymentMethod } from '../../core/payment-methods.js';
import type { CheckoutView } from '../../services/payments/checkout.js';
import type { Payment } from '../../store/repos/payments.js';
import { escapeHtml } from '../../core/html.js';
import { documentHtml } from './layout.js';
import type { Messages } from './messages/index.js';
import { alertBox, amountText, backLink, cancelForm, fakePanel, summary } from './parts.js';

export const STATUS_REFRESH_SECONDS = 2;

/** The waiting page: reloads itself every two seconds, without JavaScript, until the payment is final. */
export function renderWaiting(view: CheckoutView, m: Messages, csrf: string, opts: { code?: string | undefined; error?: string | undefined; refreshUrl?: string | undefined }): string {
  const method = view.payment.method;
  const waitingText = method !== null && isPaymentMethod(method) ? m.methods[method].waiting : undefined;
  const body =
    summary(view, m) +
    alertBox(opts.error) +
    `<section class="co-panel" aria-live="polite"><h1 id="status">${escapeHtml(m.waitingTitle)}</h1>` +
    (waitingText ? `<p id="instructions">${escapeHtml(waitingText)}</p>` : '') +
    (opts.code ? `<p>${escapeHtml(m.authorizationCode)} <strong class="co-code" id="auth-code">${escapeHtml(opts.code)}</strong></p>` : '') +
    `<p class="co-hint">${escapeHtml(m.refreshes)}</p></section>` +
    fakePanel(view, csrf) +
    cancelForm(view, csrf, m);
  return documentHtml(m, m.waitingTitle, body, { refreshSeconds: STATUS_REFRESH_SECONDS, refreshUrl: opts.refreshUrl, testBanner: view.payment.mode === 'test' });
}

function outcomeText(p: Payment, m: Messages): [string, string] {
  switch (p.state) {
    case 'paid':
    case 'awaiting_delivery':
    case 'delivered':
      return m.outcome.paid;
    case 'partially_refunded':
      return m.outcome.partlyRefunded(amountText({ amountMinor: p.refundedMinor, currency: p.currency }, m), amountText(p, m));
    case 'refunded':
      return m.outcome.refunded;
    case 'disputed':
      return m.outcome.disputed;
    case 'failed':
      return m.outcome.failed(p.failureMessage);
    case 'cancelled':
      return m.outcome.cancelled;
    case 'expired':
      return m.outcome.expired;
    case 'created':
    case 'pending':
      return m.outcome.open;
    default:
      return assertNever(p.state);
  }
}

/** A payment that is final (or past being paid): what happened, and the way back to the merchant. */
export function renderOutcome(view: CheckoutView, m: Messages, opts: { error?: string | undefined } = {}): string {
  const p = view.payment;
  const [title, detail] = outcomeText(p, m);
  const body =
    summary(view, m) +
    alertBox(opts.error) +
    `<section class="co-panel co-outcome co-${escapeHtml(p.state)}"><h1 id="status">${escapeHtml(title)}</h1>` +
    `<p id="outcome-detail">${escapeHtml(detail)}</p>` +
    backLink(p, p.state === 'cancelled', m.returnToMerchant) +
    '</section>';
  return documentHtml(m, title, body, { testBanner: p.mode === 'test' });
}

/** A page for what is not a payment at all (not found, a forged form, a server fault). */
export function renderMessage(m: Messages, [title, text]: [string, string], back?: string): string {
  const link = back ? `<p><a href="${escapeHtml(back)}">${escapeHtml(m.backToPayment)}</a></p>` : '';
  return documentHtml(m, title, `<h1>${escapeHtml(title)}</h1><p id="message">${escapeHtml(text)}</p>${link}`);
}
