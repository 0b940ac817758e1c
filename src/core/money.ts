/**
 * Money is an integer number of minor units and an explicit currency; never a float.
 * Decimal text is parsed and printed by string arithmetic only.
 */
export const CURRENCIES = {
  USD: { exponent: 2 },
  ZWG: { exponent: 2 },
  PLN: { exponent: 2 },
  EUR: { exponent: 2 },
  GBP: { exponent: 2 },
  CZK: { exponent: 2 },
  XOF: { exponent: 0 },
} as const;
export type Currency = keyof typeof CURRENCIES;

export interface Money {
  readonly minor: number;
  readonly currency: Currency;
}

export function isCurrency(value: string): value is Currency {
  return Object.hasOwn(CURRENCIES, value);
}

export function exponentOf(currency: Currency): number {
  return CURRENCIES[currency].exponent;
}

export function money(minor: number, currency: Currency): Money {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount must be a safe integer of minor units, got ${minor}`);
  return { minor, currency };
}

export type Rounding = 'reject' | 'half-up';

/**
 * Parses decimal text ("5.9", "10", "5.90", "3.3000000000000003", "-1") into minor units.
 * Extra fraction digits are rejected, or rounded half-up when asked (what a float sum of prices means).
 * Returns undefined for anything that is not a plain decimal number.
 */
export function parseDecimal(text: string, currency: Currency, rounding: Rounding = 'reject'): number | undefined {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return undefined;
  const sign = m[1] ?? '';
  const whole = m[2] ?? '0';
  const frac = m[3] ?? '';
  const exp = exponentOf(currency);
  const kept = frac.slice(0, exp).padEnd(exp, '0');
  const rest = frac.slice(exp);
  let carry = 0;
  if (/[1-9]/.test(rest)) {
    if (rounding === 'reject') return undefined;
    if ((rest[0] ?? '0') >= '5') carry = 1;
  }
  const digits = `${whole}${kept}`.replace(/^0+(?=\d)/, '');
  if (digits.length > 15) return undefined;
  const minor = Number(digits) + carry;
  if (!Number.isSafeInteger(minor)) return undefined;
  return sign === '-' && minor !== 0 ? -minor : minor;
}

/** Prints minor units as plain decimal text with exactly the currency's digits: 590 USD → "5.90". */
export function formatDecimal(minor: number, currency: Currency): string {
  const exp = exponentOf(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = Math.abs(minor).toString();
  if (exp === 0) return `${sign}${digits}`;
  const padded = digits.padStart(exp + 1, '0');
  return `${sign}${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
}
