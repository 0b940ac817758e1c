import { assertNever } from '../../core/errors.js';
import type { PaymentMethod } from '../../core/payment-methods.js';
import type { RailInput } from '../../services/payments/rails/rail.js';
import { escapeHtml } from '../../core/html.js';
import type { Messages } from './messages/index.js';

/** What the customer types for a method. */
type Field = 'phone' | 'optional_phone' | 'card' | 'blik' | 'bank' | 'customer';

/** A method's form (its label and waiting text are the customer's, in the message catalogues). */
interface MethodUi {
  field: Field;
  /** Shown in test mode: the values the sandbox knows (English: only a developer reads them). */
  testHint: string;
}

const PHONE_HINT = 'Test numbers: 0771111111 pays after 5 s, 0772222222 pays after 30 s, 0773333333 fails after 30 s, 0774444444 has insufficient balance.';
const CODE_HINT = 'Leave the number empty to get an authorization code and wait, or use a test number: 0771111111 pays after 5 s, 0773333333 fails after 30 s.';
const CARD_HINT = 'Test card: 4444 4444 4444 4000 is paid at once; any other number is declined.';

export const METHOD_UI = {
  ecocash: { field: 'phone', testHint: PHONE_HINT },
  onemoney: { field: 'phone', testHint: PHONE_HINT },
  innbucks: { field: 'optional_phone', testHint: CODE_HINT },
  omari: { field: 'optional_phone', testHint: CODE_HINT },
  card: { field: 'card', testHint: CARD_HINT },
  zimswitch: { field: 'card', testHint: CARD_HINT },
  blik: {
    field: 'blik',
    testHint: 'Test codes: 111111 is paid, 222222 stays pending, 333333 to 333335 are refused, 333336 fails, 444444 times out after 20 s.',
  },
  pay_by_link: {
    field: 'bank',
    testHint: 'Test mode: every bank pays at once, except an amount of 9999.99 PLN, which fails with every bank but mTransfer.',
  },
  wallet: {
    field: 'customer',
    testHint: "Log in as one of this integration's fictitious customers with their email address or phone number; they pay from their balance.",
  },
  mobile_money: {
    field: 'phone',
    testHint: 'Test mode: any number pays after 5 s, except one ending in 0000, which has no account.',
  },
} as const satisfies Record<PaymentMethod, MethodUi>;

/** The banks offered for pay by link. */
export const BANKS = ['mTransfer', 'PKO Bank Polski', 'ING Bank Śląski', 'Santander Bank Polska', 'Bank Pekao'] as const;

export type Form = Record<string, unknown>;

const str = (form: Form, name: string): string => (typeof form[name] === 'string' ? (form[name] as string) : '');

/** The method's input from the posted form, or what is wrong with it. */
export function methodInput(method: PaymentMethod, form: Form, m: Messages): { input: RailInput } | { problem: string } {
  const field: Field = METHOD_UI[method].field;
  switch (field) {
    case 'phone':
    case 'optional_phone': {
      const phone = str(form, 'phone').trim();
      if (phone.length > 32) return { problem: m.problems.phoneTooLong };
      if (phone === '' && field === 'phone') return { problem: m.problems.phoneMissing };
      return { input: phone === '' ? {} : { phone } };
    }
    case 'card': {
      const cardNumber = str(form, 'cardNumber');
      if (cardNumber.length > 32) return { problem: m.problems.cardTooLong };
      return { input: { cardNumber } };
    }
    case 'blik': {
      const code = str(form, 'code').trim();
      if (code.length > 16) return { problem: m.problems.blikCode };
      return { input: { code } };
    }
    case 'bank':
      return (BANKS as readonly string[]).includes(str(form, 'bank')) ? { input: { bank: str(form, 'bank') } } : { problem: m.problems.bank };
    case 'customer': {
      const customerAlias = str(form, 'customer').trim();
      if (customerAlias === '' || customerAlias.length > 254) return { problem: m.problems.wallet };
      return { input: { customerAlias } };
    }
    default:
      return assertNever(field);
  }
}

/** The fields of one method's form; `kept` refills what the customer typed after a refusal (never a card number). */
export function methodFields(method: PaymentMethod, kept: Form, m: Messages): string {
  const id = (name: string) => `${method}-${name}`;
  const keep = (name: string) => escapeHtml(str(kept, name));
  const field: Field = METHOD_UI[method].field;
  switch (field) {
    case 'phone':
    case 'optional_phone':
      return (
        `<label for="${id('phone')}">${escapeHtml(m.fields.phone + (field === 'optional_phone' ? m.fields.optional : ''))}</label>` +
        `<input id="${id('phone')}" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="32" value="${keep('phone')}"${field === 'phone' ? ' required' : ''}>`
      );
    case 'card':
      return `<label for="${id('card')}">${escapeHtml(m.fields.cardNumber)}</label><input id="${id('card')}" name="cardNumber" inputmode="numeric" autocomplete="cc-number" maxlength="32" required>`;
    case 'blik':
      return `<label for="${id('code')}">${escapeHtml(m.fields.blikCode)}</label><input id="${id('code')}" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>`;
    case 'bank':
      return (
        `<fieldset><legend>${escapeHtml(m.fields.bank)}</legend>` +
        BANKS.map((b, i) => `<label class="co-choice"><input type="radio" name="bank" value="${escapeHtml(b)}"${i === 0 ? ' required' : ''}> ${escapeHtml(b)}</label>`).join('') +
        '</fieldset>'
      );
    case 'customer':
      return `<label for="${id('customer')}">${escapeHtml(m.fields.wallet)}</label><input id="${id('customer')}" name="customer" autocomplete="username" maxlength="254" value="${keep('customer')}" required>`;
    default:
      return assertNever(field);
  }
}
