import type { Currency } from '../../core/money.js';
import type { PaymentMethod } from '../../core/payment-methods.js';

export type MethodType = 'BLIK' | 'PBL' | 'CARD';

export interface PlMethod {
  id: number;
  name: string;
  description: string;
  type: MethodType;
  authorizationType: 'CODE' | 'REDIRECT';
  /** Our rail behind it. */
  method: PaymentMethod;
  currencies: readonly Currency[];
  /** The bank of a pay-by-link method. */
  bank?: string;
}

/** The sandbox's methods with their known ids (spec §3.3), grouped in the order the Postman collection expects. */
export const PL_METHODS: readonly PlMethod[] = [
  { id: 2007, name: 'BLIK', description: 'Płacę z Blikiem', type: 'BLIK', authorizationType: 'CODE', method: 'blik', currencies: ['PLN'] },
  { id: 1000, name: 'mTransfer', description: 'Zapłać przez mTransfer', type: 'PBL', authorizationType: 'REDIRECT', method: 'pay_by_link', currencies: ['PLN'], bank: 'mtransfer' },
  { id: 2031, name: 'iPKO', description: 'Zapłać przez iPKO', type: 'PBL', authorizationType: 'REDIRECT', method: 'pay_by_link', currencies: ['PLN'], bank: 'ipko' },
  { id: 2032, name: 'ING', description: 'Zapłać przez ING', type: 'PBL', authorizationType: 'REDIRECT', method: 'pay_by_link', currencies: ['PLN'], bank: 'ing' },
  { id: 2012, name: 'Pekao24', description: 'Zapłać przez Pekao24', type: 'PBL', authorizationType: 'REDIRECT', method: 'pay_by_link', currencies: ['PLN'], bank: 'pekao' },
  { id: 2013, name: 'Santander', description: 'Zapłać przez Santander', type: 'PBL', authorizationType: 'REDIRECT', method: 'pay_by_link', currencies: ['PLN'], bank: 'santander' },
  { id: 2009, name: 'Alior Bank', description: 'Zapłać przez Alior Bank', type: 'PBL', authorizationType: 'REDIRECT', method: 'pay_by_link', currencies: ['PLN'], bank: 'alior' },
  { id: 2017, name: 'Test Bank Simulator', description: 'Symulator banku', type: 'PBL', authorizationType: 'REDIRECT', method: 'pay_by_link', currencies: ['PLN'], bank: 'simulator' },
  { id: 2002, name: 'Karta płatnicza', description: 'Płatność kartą', type: 'CARD', authorizationType: 'REDIRECT', method: 'card', currencies: ['PLN', 'EUR', 'USD', 'GBP', 'CZK'] },
];

export const TYPE_ORDER: readonly MethodType[] = ['BLIK', 'PBL', 'CARD'];

export function methodById(id: number): PlMethod | undefined {
  return PL_METHODS.find((m) => m.id === id);
}

/** The methods a payment of this amount and currency can use on an integration with these methods enabled. */
export function availableMethods(enabled: readonly string[], currency: Currency | undefined): PlMethod[] {
  return PL_METHODS.filter((m) => enabled.includes(m.method) && (currency === undefined || m.currencies.includes(currency)));
}
