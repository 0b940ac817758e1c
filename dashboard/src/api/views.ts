/**
 * What the pages read from the API's answers. The generated schema types requests; these name the few
 * fields each page shows, and tolerate both money shapes the API has had ({minor, currency} objects, and
 * integer minor units beside a `currency` field).
 */
import { formatDecimal, isCurrency, parseDecimal } from '../../../src/core/money.js';
import type { components } from './schema';

export type Mode = 'test' | 'live';

export type Merchant = components['schemas']['Merchant'];
export type Integration = components['schemas']['Integration'];

export type MoneyLike = number | { minor: number; currency?: string; decimal?: string } | null | undefined;

export type Payment = components['schemas']['Payment'];

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

/** Minor units and currency of a money value, whatever its shape. */
export function minorOf(v: MoneyLike, currency?: string): { minor: number; currency: string } {
  if (v === null || v === undefined) return { minor: 0, currency: currency ?? '' };
  if (typeof v === 'number') return { minor: v, currency: currency ?? '' };
  return { minor: v.minor, currency: v.currency ?? currency ?? '' };
}

/** Integer minor units as decimal text with thousands separators; the digits are the gateway's own rule (core/money.ts). */
export function formatMinor(minor: number, currency: string): string {
  const text = isCurrency(currency) ? formatDecimal(Math.abs(minor), currency) : String(Math.abs(minor));
  const [whole = '', frac] = text.split('.');
  return `${minor < 0 ? '−' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`} ${currency}`.trim();
}

export function formatMoney(v: MoneyLike, currency?: string): string {
  const m = minorOf(v, currency);
  return formatMinor(m.minor, m.currency);
}

/** Decimal text typed by a person as minor units, or null when it is not a positive amount of that currency. */
export function parseAmount(text: string, currency: string): number | null {
  if (!isCurrency(currency) || !/^\s*\d/.test(text)) return null;
  return parseDecimal(text, currency) ?? null;
}

export function formatTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}
