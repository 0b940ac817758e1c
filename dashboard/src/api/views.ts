/**
 * What the pages read from the API's answers. The generated schema types requests; these name the few
 * fields each page shows, and tolerate both money shapes the API has had ({minor, currency} objects, and
 * integer minor units beside a `currency` field).
 */
export type Mode = 'test' | 'live';

export interface Merchant {
  id: string;
  email: string;
  companyName: string;
  companyEmail: string;
  emailVerified: boolean;
  bankAccount: { bankName: string; accountName: string; accountNumber: string; branch?: string; swift?: string } | null;
  createdAt: string;
}

export interface Integration {
  id: string;
  name: string;
  mode: Mode;
  absorbFees: boolean;
  notificationEmail: string | null;
  notificationUrl: string | null;
  note: string | null;
  enabledMethods: string[];
  disabled: boolean;
  goLive: { state: string; reason: string | null; requestedAt: string | null; decidedAt: string | null };
  paynowZwIntegrationId: number;
  paynowZwCurrency: string;
  createdAt: string;
  updatedAt: string;
  merchantId?: string;
}

export type MoneyLike = number | { minor: number; currency?: string; decimal?: string } | null | undefined;

export interface Payment {
  id: string;
  integrationId: string;
  mode: Mode;
  state: string;
  version: number;
  amount: MoneyLike;
  currency?: string;
  fee: MoneyLike;
  net: MoneyLike;
  refunded?: MoneyLike;
  reference: string | null;
  description: string | null;
  customer: { email?: string; phone?: string; name?: string } | null;
  method: string | null;
  dialect?: string;
  failure: { code: string; message: string | null } | null;
  checkoutUrl: string;
  createdAt: string;
  paidAt: string | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** A list answer of either shape: {data, nextCursor} or the older {<name>: [...]}. */
export function listOf<T>(answer: unknown, name: string): Page<T> {
  const a = (answer ?? {}) as Record<string, unknown>;
  if (Array.isArray(a.data)) return { data: a.data as T[], nextCursor: (a.nextCursor as string | null) ?? null };
  const v = a[name];
  return { data: Array.isArray(v) ? (v as T[]) : [], nextCursor: null };
}

const CURRENCY_DIGITS: Record<string, number> = { XOF: 0, XAF: 0, GNF: 0, JPY: 0 };

/** Minor units and currency of a money value, whatever its shape. */
export function minorOf(v: MoneyLike, currency?: string): { minor: number; currency: string } {
  if (v === null || v === undefined) return { minor: 0, currency: currency ?? '' };
  if (typeof v === 'number') return { minor: v, currency: currency ?? '' };
  return { minor: v.minor, currency: v.currency ?? currency ?? '' };
}

/** Integer minor units as decimal text, without floats. */
export function formatMinor(minor: number, currency: string): string {
  const digits = CURRENCY_DIGITS[currency] ?? 2;
  const neg = minor < 0;
  const s = String(Math.abs(minor)).padStart(digits + 1, '0');
  const whole = digits === 0 ? s : s.slice(0, -digits);
  const frac = digits === 0 ? '' : `.${s.slice(-digits)}`;
  return `${neg ? '−' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac} ${currency}`.trim();
}

export function formatMoney(v: MoneyLike, currency?: string): string {
  const m = minorOf(v, currency);
  return formatMinor(m.minor, m.currency);
}

/** Decimal text typed by a person as minor units, or null when it is not an amount. */
export function parseAmount(text: string, currency: string): number | null {
  const digits = CURRENCY_DIGITS[currency] ?? 2;
  const m = /^\s*(\d{1,15})(?:\.(\d*))?\s*$/.exec(text);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
}

export function formatTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}
