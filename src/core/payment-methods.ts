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
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export function isPaymentMethod(value: string): value is PaymentMethod {
  return (PAYMENT_METHODS as readonly string[]).includes(value);
}
