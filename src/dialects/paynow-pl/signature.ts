import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../core/crypto.js';

/** Base64 (standard, padded) of HMAC-SHA256 under the Signature-Key's UTF-8 bytes. */
export function hmacBase64(key: string, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('base64');
}

/** v1/v2 requests and every notification: over the exact body bytes. */
export const bodySignature = hmacBase64;

export type Parameters = Array<[name: string, value: string]>;

/** JSON.stringify with every non-ASCII character escaped as PHP's json_encode does (lower-case \uXXXX). */
function escapeNonAscii(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function grouped(params: Parameters, sorted: boolean): Record<string, string[]> {
  const names = [...new Set(params.map(([n]) => n))];
  if (sorted) names.sort();
  // A parameter named __proto__ must be an entry of the JSON the client signed, not the object's prototype.
  const out: Record<string, string[]> = Object.create(null);
  for (const n of names) out[n] = params.filter(([m]) => m === n).map(([, v]) => v);
  return out;
}

/**
 * The v3 request signature's payload (spec §5.2): compact JSON of exactly headers (Api-Key then
 * Idempotency-Key), parameters (each name → array of values; none → {}), and the raw body as a string.
 */
export function v3Payload(apiKey: string, idempotencyKey: string, params: Parameters, body: string, sorted = true): string {
  return JSON.stringify({ headers: { 'Api-Key': apiKey, 'Idempotency-Key': idempotencyKey }, parameters: grouped(params, sorted), body });
}

export function signV3(key: string, apiKey: string, idempotencyKey: string, params: Parameters, body: string): string {
  return hmacBase64(key, v3Payload(apiKey, idempotencyKey, params, body));
}

/**
 * Verifies a v3 signature the lenient way of spec §5.4: parameters sorted or in query order, with
 * non-ASCII raw or escaped, under every Signature-Key that verifies now; in constant time.
 * Returns what we computed with the current key (for the request log) and whether one matched.
 */
export function verifyV3(
  keys: readonly string[],
  apiKey: string,
  idempotencyKey: string,
  params: Parameters,
  body: string,
  given: string,
): { ok: boolean; computed: string } {
  // The first is the canonical payload: under the current key it is what the request log shows.
  const canonical = v3Payload(apiKey, idempotencyKey, params, body, true);
  const payloads = new Set<string>([canonical, escapeNonAscii(canonical)]);
  if (params.length > 1) {
    const inQueryOrder = v3Payload(apiKey, idempotencyKey, params, body, false);
    payloads.add(inQueryOrder);
    payloads.add(escapeNonAscii(inQueryOrder));
  }
  let ok = false;
  let computed = '';
  keys.forEach((key, i) => {
    for (const p of payloads) {
      const mac = hmacBase64(key, p);
      if (i === 0 && p === canonical) computed = mac;
      if (constantTimeEqual(mac, given)) ok = true;
    }
  });
  return { ok, computed };
}

export function verifyBody(keys: readonly string[], body: string, given: string): { ok: boolean; computed: string } {
  const macs = keys.map((key) => hmacBase64(key, body));
  // Every key is compared, whichever matches: the time taken does not tell which did.
  let ok = false;
  for (const mac of macs) if (constantTimeEqual(mac, given)) ok = true;
  return { ok, computed: macs[0] ?? '' };
}
