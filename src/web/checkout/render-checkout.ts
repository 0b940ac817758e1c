import type { PaymentMethod } from '../../core/payment-methods.js';
import { type CheckoutView, MERCHANT_TESTING_MESSAGE } from '../../services/payments/checkout.js';
import { escapeHtml } from '../../core/html.js';
import { documentHtml } from './layout.js';
import { METHOD_UI, type Form, methodFields } from './methods.js';
import { action, alertBox, amountText, backLink, cancelForm, fakePanel, hiddenCsrf, merchantLogin, summary } from './parts.js';

export interface CheckoutPageInput {
  view: CheckoutView;
  csrf: string;
  /** A refusal or mistake to show; with a method, that method's form opens with it. */
  error?: { text: string; method?: PaymentMethod | undefined; login?: boolean } | undefined;
  /** What the customer typed, refilled after a refusal. */
  kept?: Form | undefined;
}

/** A method's refusal shows inside its form when that form is on the page, else at the top. */
const inlineError = ({ view, error }: CheckoutPageInput): boolean => error?.method !== undefined && view.canPay && view.methods.includes(error.method);

function methodSection(input: CheckoutPageInput, method: PaymentMethod): string {
  const { view, csrf, error } = input;
  const ui = METHOD_UI[method];
  const mine = inlineError(input) && error?.method === method;
  return (
    `<details class="co-method" id="method-${method}"${mine ? ' open' : ''}><summary>${escapeHtml(ui.label)}</summary>` +
    `<form method="post" action="${action(view.payment, 'pay')}">${hiddenCsrf(csrf)}<input type="hidden" name="method" value="${method}">` +
    (mine && error ? alertBox(error.text).replace('id="error"', `id="error-${method}"`) : '') +
    methodFields(method, mine ? (input.kept ?? {}) : {}) +
    (view.payment.mode === 'test' ? `<p class="co-hint">${escapeHtml(ui.testHint)}</p>` : '') +
    `<button type="submit">Pay ${escapeHtml(amountText(view.payment))}</button></form></details>`
  );
}

function body(input: CheckoutPageInput): string {
  const { view, csrf, error } = input;
  const p = view.payment;
  const parts: string[] = [summary(view)];
  if (error && !error.login && !inlineError(input)) parts.push(alertBox(error.text));
  if (view.merchantTesting) {
    parts.push(`<p class="co-notice" id="merchant-testing">${escapeHtml(MERCHANT_TESTING_MESSAGE)}</p>`, backLink(p, true, 'Back to the merchant'));
  } else if (view.blocked === 'expired') {
    parts.push('<p class="co-notice" id="blocked">This payment has expired.</p>', backLink(p, true, 'Back to the merchant'));
  } else if (view.blocked === 'integration_disabled') {
    parts.push('<p class="co-notice" id="blocked">The merchant cannot take payments at the moment.</p>', backLink(p, true, 'Back to the merchant'));
  }
  parts.push(fakePanel(view, csrf));
  if (view.canPay) {
    parts.push(
      view.methods.length === 0
        ? '<p class="co-notice" id="no-methods">This merchant cannot take payments online at the moment. Nothing has been charged: please contact the merchant to pay another way.</p>'
        : `<section class="co-methods" aria-labelledby="methods-h"><h2 id="methods-h">How would you like to pay?</h2>${view.methods.map((m) => methodSection(input, m)).join('')}</section>`,
    );
    parts.push(cancelForm(view, csrf));
  }
  parts.push(merchantLogin(view, csrf, { error: error?.login ? error.text : undefined, email: typeof input.kept?.email === 'string' ? input.kept.email : undefined }));
  return parts.join('');
}

/** The hosted checkout page of an open payment. */
export function renderCheckout(input: CheckoutPageInput): string {
  return documentHtml(`Pay ${input.view.merchantName}`, body(input), { testBanner: input.view.payment.mode === 'test' });
}
