import { randomInt } from 'node:crypto';
import { type Currency, formatDecimal, parseDecimal } from '../../core/money.js';

/** A key/value pair as received or sent: order and duplicates matter (the hash is over the order). */
export type Pair = [key: string, value: string];

function decodeComponent(text: string): string {
  const plus = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    // A stray % that is not an escape stays as it is, as ASP.NET leaves it.
    return plus.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}

/** Parses a form body into pairs in received order, decoding each key and value exactly once. */
export function parseForm(body: string): Pair[] {
  if (body.trim() === '') return [];
  return body
    .replace(/^\?/, '')
    .split('&')
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [decodeComponent(part), ''] : [decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))];
    });
}

const ESCAPE = /%[0-9a-fA-F]{2}/;
const STRAY_PERCENT = /%(?![0-9a-fA-F]{2})/;

/**
 * The Python SDK quote_plus-es every value but the URLs before hashing and Node's encodeURI-s them, so
 * after the one form decode the hash needs, `you%40shop.test` is still encoded. A value is decoded a
 * second time (for checking, storing and showing; never for the hash) only when it looks encoded: at
 * least one %XX, no stray %, and the result valid UTF-8. `+` is a space unless the value also has
 * %20 (encodeURI's space, which leaves `+` as it is).
 */
export function decodeAgain(value: string): string {
  if (!ESCAPE.test(value) || STRAY_PERCENT.test(value)) return value;
  try {
    return decodeURIComponent(value.includes('%20') ? value : value.replace(/\+/g, ' '));
  } catch {
    return value; // not UTF-8 once decoded: taken as it came
  }
}

/** Fields the SDKs pre-encode that are read as text (the URLs are sent as they are; amounts and ids have nothing to encode). */
export const PRE_ENCODED = new Set(['reference', 'additionalinfo', 'authemail', 'authname']);

/** The first value of a key, matched case-insensitively (the SDKs send lower-case keys; Java sends `hash` early). */
export function field(pairs: readonly Pair[], key: string): string | undefined {
  const k = key.toLowerCase();
  return pairs.find(([name]) => name.toLowerCase() === k)?.[1];
}

const UNRESERVED = /[A-Za-z0-9\-_.!*()]/;
const ALL_UNRESERVED = new RegExp(`^${UNRESERVED.source}*$`);
/** Where encodeURIComponent differs from HttpUtility.UrlEncode: `~` and `'` kept, upper-case hex, space as %20. */
const URI_COMPONENT_DIFFERENCES = /%[0-9A-F]{2}|[~']/g;

/**
 * ASP.NET's HttpUtility.UrlEncode, which the real server's responses show: space as `+`,
 * `-_.!*()` and alphanumerics kept, everything else as lower-case %xx of its UTF-8 bytes.
 * Every response is encoded on the way out, so the common cases are fast: a value with nothing to
 * encode is returned as it is, and the rest is encodeURIComponent with its differences rewritten.
 */
export function encodeValue(value: string): string {
  if (ALL_UNRESERVED.test(value)) return value;
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    return encodeEachCharacter(value); // a lone surrogate, which encodeURIComponent refuses
  }
  return encoded.replace(URI_COMPONENT_DIFFERENCES, (m) => (m === '%20' ? '+' : m === '~' ? '%7e' : m === "'" ? '%27' : m.toLowerCase()));
}

/** The definition, character by character; lone surrogates become U+FFFD's bytes, as in .NET. */
export function encodeEachCharacter(value: string): string {
  let out = '';
  for (const ch of value) {
    if (ch === ' ') out += '+';
    else if (UNRESERVED.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export function encodeForm(pairs: readonly Pair[]): string {
  return pairs.map(([k, v]) => `${encodeValue(k)}=${encodeValue(v)}`).join('&');
}

/** A paynowreference: always 9 digits, no leading zero (README). */
export function newPaynowReference(): string {
  return randomInt(100_000_000, 1_000_000_000).toString();
}

/** The largest amount accepted: 10,000,000.00 in either currency. */
export const MAX_AMOUNT_MINOR = 1_000_000_000;

/**
 * Amounts in every shape the SDKs send: `5.9`, `10`, `5.90`, `3.3000000000000003` (a float sum, rounded
 * half-up to cents), and `10,50` (.NET under a comma-decimal culture). Zero, negative, non-numeric and
 * absurdly large amounts are refused.
 */
export function parseAmount(text: string, currency: Currency): number | undefined {
  const t = text.trim();
  const normal = /^\d+,\d{1,2}$/.test(t) ? t.replace(',', '.') : t;
  if (!/^\d+(\.\d*)?$/.test(normal)) return undefined;
  const minor = parseDecimal(normal, currency, 'half-up');
  if (minor === undefined || minor <= 0 || minor > MAX_AMOUNT_MINOR) return undefined;
  return minor;
}

/** Plain d.dd: Java does new BigDecimal(amount), Python float(amount). */
export function formatAmount(minor: number, currency: Currency): string {
  return formatDecimal(minor, currency);
}

/** Longest value accepted per field; longer is "Invalid <field> field". */
export const LIMITS: Record<string, number> = {
  reference: 100,
  additionalinfo: 500,
  returnurl: 2048,
  resulturl: 2048,
  authemail: 254,
  authphone: 20,
  authname: 100,
  merchanttrace: 32,
  phone: 20,
  token: 64,
  method: 20,
};

export const TICKET_FIELDS = [
  'primaryticketnumber',
  'passengerfirstname',
  'passengerlastname',
  'passengerid',
  'passengerstatus',
  'passengertype',
  'firstdeparturelocationcode',
  'firstarrivallocationcode',
  'pnrnumber',
  'officeiatanumber',
  'ordernumber',
  'placeofissue',
  'departuredate',
  'departuretime',
  'arrivaldate',
  'arrivaltime',
  'journeytype',
  'completeroute',
] as const;

export const PASSENGER_TYPES = ['ADT', 'CNN', 'INF', 'YTH', 'STU', 'SCR', 'MIL'] as const;

/** Each ticket field's format (spec §3.6); all are required (the docs mark only additionalinfo and authemail optional). */
export const TICKET_FORMATS: Record<(typeof TICKET_FIELDS)[number], RegExp> = {
  primaryticketnumber: /^[A-Za-z0-9-]{1,20}$/,
  passengerfirstname: /^.{1,50}$/,
  passengerlastname: /^.{1,50}$/,
  passengerid: /^.{1,30}$/,
  passengerstatus: /^.{1,20}$/,
  passengertype: /^(ADT|CNN|INF|YTH|STU|SCR|MIL)$/,
  firstdeparturelocationcode: /^[A-Z]{3}$/,
  firstarrivallocationcode: /^[A-Z]{3}$/,
  pnrnumber: /^[A-Za-z0-9]{1,10}$/,
  officeiatanumber: /^[A-Za-z0-9]{1,10}$/,
  ordernumber: /^.{1,30}$/,
  placeofissue: /^.{1,50}$/,
  departuredate: /^\d{8}$/,
  departuretime: /^\d{2}:\d{2} GMT[+-]\d{2}:\d{2}$/,
  arrivaldate: /^\d{8}$/,
  arrivaltime: /^\d{2}:\d{2} GMT[+-]\d{2}:\d{2}$/,
  journeytype: /^.{1,30}$/,
  completeroute: /^[A-Z]{3}-[A-Z]{3}(:[A-Z]{3}-[A-Z]{3})*$/,
};
