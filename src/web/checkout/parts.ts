import { checkoutPath } from '../../services/payments/queries.js';
import type { CheckoutView } from '../../services/payments/checkout.js';
import type { Payment } from '../../store/repos/payments.js';
import { escapeHtml } from '../../core/html.js';
import { customerAmount, customerNumber } from '../../http/customer-money.js';
import { CSRF_FIELD } from './csrf.js';
import type { Messages } from './messages/index.js';
import { safeHttpUrl } from './security.js';

/** Pieces the checkout pages share. Every merchant-supplied string goes through escapeHtml here. */

/** An amount as this page's customer reads it (one rule: customerAmount). */
export const amountText = (p: Pick<Payment, 'amountMinor' | 'currency'>, m: Messages): string => customerAmount(p.amountMinor, p.currency, m.lang);

/** A form's address: the payment's checkout path with its capability, so the post is accepted. */
export const action = (p: Payment, what: string): string => escapeHtml(checkoutPath(p, what));

export const hiddenCsrf = (csrf: string): string => `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrf)}">`;

/** A long basket is cut short, so the page stays small (the amount is what the customer pays). */
export const MAX_ITEMS_SHOWN = 20;

/** Merchant, amount, description, reference and items. */
export function summary(view: CheckoutView, m: Messages): string {
  const p = view.payment;
  const items = p.items.length === 0
    ? ''
    : `<table class="co-items"><caption>${escapeHtml(m.items)}</caption><tbody>` +
      p.items
        .slice(0, MAX_ITEMS_SHOWN)
        .map((it) => {
          const total = it.quantity * it.unitMinor;
          const price = Number.isSafeInteger(total) ? customerNumber(total, p.currency, m.lang) : '';
          return `<tr><td>${escapeHtml(it.name)}</td><td class="co-qty">× ${it.quantity}</td><td class="co-num">${price}</td></tr>`;
        })
        .join('') +
      (p.items.length > MAX_ITEMS_SHOWN ? `<tr><td colspan="3">${escapeHtml(m.moreItems(p.items.length - MAX_ITEMS_SHOWN))}</td></tr>` : '') +
      '</tbody></table>';
  return (
    '<header class="co-summary">' +
    `<p class="co-merchant">${escapeHtml(view.storeName ?? view.merchantName)}</p>` +
    `<p class="co-amount" id="amount">${escapeHtml(amountText(p, m))}</p>` +
    (p.description ? `<p class="co-desc" id="description">${escapeHtml(p.description)}</p>` : '') +
    (p.reference ? `<p class="co-ref">${escapeHtml(m.reference)} <span id="reference">${escapeHtml(p.reference)}</span></p>` : '') +
    items +
    '</header>'
  );
}

export const alertBox = (text: string | undefined): string => (text ? `<p class="co-error" role="alert" id="error">${escapeHtml(text)}</p>` : '');

/** Where "back to the merchant" goes: the cancel URL for a cancelled payment when there is one, else the return URL. */
export function merchantLink(p: Payment, preferCancel: boolean): string | null {
  const cancel = safeHttpUrl(p.cancelUrl);
  const ret = safeHttpUrl(p.returnUrl);
  return preferCancel ? (cancel ?? ret) : ret;
}

export function backLink(p: Payment, preferCancel: boolean, label: string): string {
  const href = merchantLink(p, preferCancel);
  return href ? `<p><a class="co-button co-secondary" id="back" href="${escapeHtml(href)}">${escapeHtml(label)}</a></p>` : '';
}

/** The owning merchant's testing controls. */
export function fakePanel(view: CheckoutView, csrf: string): string {
  if (!view.canFake) return '';
  return (
    '<section class="co-panel co-testing" aria-labelledby="testing-h"><h2 id="testing-h">Merchant testing</h2>' +
    '<p>You are logged in as the merchant who owns this integration. Finish the payment as you like:</p>' +
    `<form method="post" action="${action(view.payment, 'fake')}">${hiddenCsrf(csrf)}` +
    '<button type="submit" name="outcome" value="paid" class="co-ok">TESTING: Faked Success</button> ' +
    '<button type="submit" name="outcome" value="failed" class="co-bad">TESTING: Faked Failure</button></form></section>'
  );
}

export function cancelForm(view: CheckoutView, csrf: string, m: Messages): string {
  if (!view.canPay) return '';
  return `<form method="post" action="${action(view.payment, 'cancel')}" class="co-cancel">${hiddenCsrf(csrf)}<button type="submit" class="co-secondary">${escapeHtml(m.cancelPayment)}</button></form>`;
}

/** "Merchant? Log in to test" for anyone else in test mode; "log out" for a logged-in merchant. */
export function merchantLogin(view: CheckoutView, csrf: string, opts: { error?: string | undefined; email?: string | undefined }): string {
  if (view.payment.mode !== 'test') return '';
  if (view.isOwner) {
    return `<form method="post" action="${action(view.payment, 'logout')}" class="co-logout">${hiddenCsrf(csrf)}<button type="submit" class="co-link">Log out of the merchant account</button></form>`;
  }
  return (
    `<details class="co-login"${opts.error ? ' open' : ''}><summary>Merchant? Log in to test</summary>` +
    `<form method="post" action="${action(view.payment, 'login')}">${hiddenCsrf(csrf)}` +
    (opts.error ? `<p class="co-error" role="alert" id="login-error">${escapeHtml(opts.error)}</p>` : '') +
    `<label for="login-email">Email</label><input id="login-email" name="email" type="email" autocomplete="username" maxlength="254" value="${escapeHtml(opts.email ?? '')}" required>` +
    '<label for="login-password">Password</label><input id="login-password" name="password" type="password" autocomplete="current-password" maxlength="256" required>' +
    '<button type="submit">Log in</button></form></details>'
  );
}
