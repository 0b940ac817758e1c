import type { PaymentMethod } from '../../core/payment-methods.js';
import type { CheckoutView } from '../../services/payments/checkout.js';
import { escapeHtml } from '../../core/html.js';
import { documentHtml } from './layout.js';
import type { Messages } from './messages/index.js';
import { METHOD_UI, type Form, methodFields } from './methods.js';
import { action, alertBox, amountText, backLink, cancelForm, fakePanel, hiddenCsrf, merchantLogin, summary } from './parts.js';

export interface CheckoutPageInput {
  view: CheckoutView;
  m: Messages;
  csrf: string;
  /** A refusal or mistake to show; with a method, that method's form opens with it. */
  error?: { text: string; method?: PaymentMethod | undefined; login?: boolean } | undefined;
  /** What the customer typed, refilled after a refusal. */
  kept?: Form | undefined;
}

/** A method's refusal shows inside its form when that form is on the page, else at the top. */
const inlineError = ({ view, error }: CheckoutPageInput): boolean => error?.method !== undefined && view.canPay && view.methods.includes(error.method);

function methodSection(input: CheckoutPageInput, method: PaymentMethod): string {
  const { view, csrf, error, m } = input;
  const mine = inlineError(input) && error?.method === method;
  const fee = view.customerFees[method] ?? 0;
  return (
    `<details class="co-method" id="method-${method}"${mine ? ' open' : ''}><summary>${escapeHtml(m.methods[method].label)}</summary>` +
    `<form method="post" action="${action(view.payment, 'pay')}">${hiddenCsrf(csrf)}<input type="hidden" name="method" value="${method}">` +
    (mine && error ? alertBox(error.text).replace('id="error"', `id="error-${method}"`) : '') +
    methodFields(method, mine ? (input.kept ?? {}) : {}, m) +
    (view.payment.mode === 'test' ? `<p class="co-hint">${escapeHtml(METHOD_UI[method].testHint)}</p>` : '') +
    (fee > 0 ? `<p class="co-fee" id="fee-${method}">${escapeHtml(m.fee)} ${escapeHtml(amountText({ amountMinor: fee, currency: view.payment.currency }, m))}</p>` : '') +
    `<button type="submit">${escapeHtml(m.pay(amountText({ amountMinor: view.payment.amountMinor + fee, currency: view.payment.currency }, m)))}</button></form></details>`
  );
}

function body(input: CheckoutPageInput): string {
  const { view, csrf, error, m } = input;
  const p = view.payment;
  const parts: string[] = [summary(view, m)];
  if (error && !error.login && !inlineError(input)) parts.push(alertBox(error.text));
  if (view.merchantTesting) {
    parts.push(`<p class="co-notice" id="merchant-testing">${escapeHtml(m.merchantTesting)}</p>`, backLink(p, true, m.backToMerchant));
  } else if (view.blocked === 'expired') {
    parts.push(`<p class="co-notice" id="blocked">${escapeHtml(m.expired)}</p>`, backLink(p, true, m.backToMerchant));
  } else if (view.blocked === 'integration_disabled') {
    parts.push(`<p class="co-notice" id="blocked">${escapeHtml(m.merchantDisabled)}</p>`, backLink(p, true, m.backToMerchant));
  }
  parts.push(fakePanel(view, csrf));
  if (view.canPay) {
    parts.push(
      view.methods.length === 0
        ? `<p class="co-notice" id="no-methods">${escapeHtml(m.noMethods)}</p>`
        : `<section class="co-methods" aria-labelledby="methods-h"><h2 id="methods-h">${escapeHtml(m.howToPay)}</h2>${view.methods.map((method) => methodSection(input, method)).join('')}</section>`,
    );
    parts.push(cancelForm(view, csrf, m));
  }
  parts.push(merchantLogin(view, csrf, { error: error?.login ? error.text : undefined, email: typeof input.kept?.email === 'string' ? input.kept.email : undefined }));
  return parts.join('');
}

/** The hosted checkout page of an open payment. */
export function renderCheckout(input: CheckoutPageInput): string {
  return documentHtml(input.m, input.m.payTitle(input.view.storeName ?? input.view.merchantName), body(input), { testBanner: input.view.payment.mode === 'test' });
}
