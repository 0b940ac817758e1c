import { MIXED_ALPHABET, randomAlphanumeric } from '../../core/ids.js';

/**
 * PayDunya's JSON, as every official client sends it (spec §3.0/§3.1): bodies parsed as JSON whatever
 * the Content-Type, numbers as numbers or numeric strings, nulls as absent, items and taxes as an object
 * with any keys or as an array, store fields `phone` or `phone_number`, and store/custom_data/actions also
 * tolerated inside `invoice`.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseBody(raw: string): unknown {
  if (raw.trim() === '') return {};
  return JSON.parse(raw);
}

/** A number from a number or a numeric string; undefined otherwise. */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export interface Item {
  name: string;
  quantity: number;
  unit_price: number;
  total_price: number;
  description: string;
}

/** Items in every shape (object keyed item_0/item_1/items_0, or a list) → a list, in their order. */
export function normaliseList(v: unknown): JsonObject[] {
  if (Array.isArray(v)) return v.filter(isObject);
  if (isObject(v)) return Object.values(v).filter(isObject);
  return [];
}

/** XOF has no minor unit: floats such as 700000.0 are whole francs; a fraction is rounded half-up. */
export function francs(v: unknown): number | undefined {
  const n = num(v);
  if (n === undefined) return undefined;
  return Math.round(n);
}

/** `test_` + 10 alphanumerics in the sandbox, 20 alphanumerics live (spec §2.2). */
export function newInvoiceToken(mode: 'test' | 'live'): string {
  return mode === 'test' ? `test_${randomAlphanumeric(10, MIXED_ALPHABET)}` : randomAlphanumeric(20, MIXED_ALPHABET);
}

/** Appends `token=…` to a return or cancel URL, as PayDunya does on its redirects. */
export function withToken(url: string, token: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/**
 * PHP's http_build_query: nested keys in bracket notation (brackets percent-encoded), scalars as
 * strings, booleans as 1/0, nulls as empty, RFC 1738 (space as +). What an IPN body looks like.
 */
export function buildQuery(value: JsonObject, prefix = ''): string {
  const out: string[] = [];
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const walk = (v: Json, key: string) => {
    if (v === null) out.push(`${enc(key)}=`);
    else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, `${key}[${i}]`);
    }
    else if (typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${key}[${k}]`);
    else out.push(`${enc(key)}=${enc(typeof v === 'boolean' ? (v ? '1' : '0') : String(v))}`);
  };
  for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}[${k}]` : k);
  return out.join('&');
}
