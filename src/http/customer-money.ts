import { type Currency, formatDecimal } from '../core/money.js';

/** The languages customer-facing pages and documents speak. */
export type CustomerLanguage = 'en' | 'fr' | 'pl';

/** The CFA francs, which French-speaking customers know as "FCFA" (PayDunya's own pages and messages say so). */
const CFA: ReadonlySet<string> = new Set(['XOF', 'XAF']);

/**
 * An amount as a customer reads it, one rule for every page and receipt: on a French page a CFA
 * franc amount is "1 400 000 FCFA" (thousands apart, no decimals); anything else is the decimal
 * amount and its ISO code ("12.50 USD").
 */
export function customerAmount(minor: number, currency: Currency, language: CustomerLanguage): string {
  if (language === 'fr' && CFA.has(currency)) return `${groupThousands(formatDecimal(minor, currency))} FCFA`;
  return `${formatDecimal(minor, currency)} ${currency}`;
}

/** A decimal amount without its currency, grouped as customerAmount groups it. */
export function customerNumber(minor: number, currency: Currency, language: CustomerLanguage): string {
  const text = formatDecimal(minor, currency);
  return language === 'fr' && CFA.has(currency) ? groupThousands(text) : text;
}

function groupThousands(decimal: string): string {
  const [whole = '', fraction] = decimal.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${sign}${digits}${fraction === undefined ? '' : `,${fraction}`}`;
}
