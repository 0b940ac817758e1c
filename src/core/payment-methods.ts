import type { Currency } from './money.js';

/**
 * The payment methods the gateway knows, by rail. A dialect maps its own method names onto these;
 * an integration enables a subset.
 */
export const PAYMENT_METHODS = [
  'ecocash',
  'onemoney',
  'innbucks',
  'omari',
  'card',
  'zimswitch',
  'blik',
  'pay_by_link',
  'wallet',
  'mobile_money',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * The currencies each method takes (undefined: any). Zimbabwe's wallets take USD and ZWG, BLIK and
 * Polish bank transfers PLN, West Africa's mobile money XOF; cards and the test wallet take any.
 */
export const METHOD_CURRENCIES: Record<PaymentMethod, readonly Currency[] | undefined> = {
  ecocash: ['USD', 'ZWG'],
  onemoney: ['USD', 'ZWG'],
  innbucks: ['USD', 'ZWG'],
  omari: ['USD', 'ZWG'],
  card: undefined,
  zimswitch: ['USD', 'ZWG'],
  blik: ['PLN'],
  pay_by_link: ['PLN'],
  wallet: undefined,
  mobile_money: ['XOF'],
};

export function methodTakes(method: PaymentMethod, currency: Currency): boolean {
  const list = METHOD_CURRENCIES[method];
  return list === undefined || list.includes(currency);
}

export function isPaymentMethod(value: string): value is PaymentMethod {
  return (PAYMENT_METHODS as readonly string[]).includes(value);
}
