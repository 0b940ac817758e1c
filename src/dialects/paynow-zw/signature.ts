import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../../core/crypto.js';
import type { Pair } from './wire.js';

/**
 * Paynow Zimbabwe's hash (spec §4): SHA-512 over the values of the pairs in message order, `hash`
 * excluded wherever it stands, then the integration key; UTF-8; upper-case hex, 128 characters.
 */
export function hashValues(values: readonly string[], key: string): string {
  return createHash('sha512').update(values.join('') + key, 'utf8').digest('hex').toUpperCase();
}

export function valuesToHash(pairs: readonly Pair[]): string[] {
  return pairs.filter(([k]) => k.toLowerCase() !== 'hash').map(([, v]) => v);
}

/** The hash of an outgoing message: over exactly the pairs emitted, in their order. */
export function signPairs(pairs: readonly Pair[], key: string): Pair[] {
  return [...pairs, ['hash', hashValues(valuesToHash(pairs), key)]];
}

export interface HashCheck {
  ok: boolean;
  /** What we computed with the current key over the raw values: for the error text and the request log. */
  expected: string;
}

/**
 * Accepts the raw or the per-value-trimmed concatenation (the .NET SDK and PHP trim), compared
 * case-insensitively and in constant time, under any key that verifies now (a rotation's grace period).
 */
export function checkHash(pairs: readonly Pair[], keys: readonly string[]): HashCheck {
  const received = (pairs.find(([k]) => k.toLowerCase() === 'hash')?.[1] ?? '').trim().toUpperCase();
  const raw = valuesToHash(pairs);
  const trimmed = raw.map((v) => v.trim());
  let ok = false;
  for (const key of keys) {
    const k = key.toLowerCase();
    for (const candidate of [hashValues(raw, k), hashValues(trimmed, k)]) {
      if (constantTimeEqual(candidate, received)) ok = true;
    }
  }
  return { ok, expected: keys[0] === undefined ? '' : hashValues(raw, keys[0].toLowerCase()) };
}
