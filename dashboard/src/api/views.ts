/**
 * The API's resources as the pages use them, named from the generated schema, and integer money as
 * text: the digits of each currency are the gateway's own rule (core/money.ts).
 */
import { CURRENCIES, type Currency, formatDecimal, isCurrency, parseDecimal } from '../../../src/core/money.js';

export { type Currency, isCurrency };
/** Every currency the gateway takes, for pickers. */
export const CURRENCY_CODES = Object.keys(CURRENCIES) as Currency[];
import type { components } from './schema';

type Schemas = components['schemas'];
export type Mode = 'test' | 'live';
export type Merchant = Schemas['Merchant'];
export type Integration = Schemas['Integration'];
export type Payment = Schemas['Payment'];
export type Refund = Schemas['Refund'];
export type Delivery = Schemas['Delivery'];
export type RequestLogEntry = Schemas['RequestLogEntry'];
export type SignatureDiagnosis = Schemas['SignatureDiagnosis'];
export type NotificationEndpoint = Schemas['NotificationEndpoint'];
export type Customer = Schemas['FictitiousCustomer'];
export type ApiToken = Schemas['ApiToken'];
export type Balance = Schemas['Balance'];
export type LedgerEntry = Schemas['LedgerEntry'];
export type Payout = Schemas['Payout'];
export type PayoutDetail = Schemas['PayoutDetail'];
export type FeeRule = Schemas['FeeRule'];

/** Integer minor units as decimal text with thousands separators and the currency code. */
export function formatMinor(minor: number, currency: string): string {
  const text = isCurrency(currency) ? formatDecimal(Math.abs(minor), currency) : String(Math.abs(minor));
  const [whole = '', frac] = text.split('.');
  return `${minor < 0 ? '−' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`} ${currency}`.trim();
}

/** Decimal text typed by a person as minor units, or null when it is not a positive amount of that currency. */
export function parseAmount(text: string, currency: string): number | null {
  if (!isCurrency(currency) || !/^\s*\d/.test(text)) return null;
  return parseDecimal(text, currency) ?? null;
}

export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}
