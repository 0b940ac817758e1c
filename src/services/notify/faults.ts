/**
 * Adversarial notifications (pure): which faults one attempt of a test integration's delivery gets,
 * from the rates the developer chose, and what each does to the request. The random source is given,
 * so a seeded run injects the same faults every time.
 */
import { mulberry32 } from '../../core/random.js';

export const FAULTS = ['duplicate', 'reorder', 'delay', 'wrongSignature', 'truncatedBody'] as const;
export type Fault = (typeof FAULTS)[number];

/** Percent (0–100) per fault. */
export type FaultRates = Record<Fault, number>;

export const NO_FAULT_RATES: FaultRates = { duplicate: 0, reorder: 0, delay: 0, wrongSignature: 0, truncatedBody: 0 };

/** Each fault is drawn on its own: at 100 % it always happens, at 0 % never. */
export function decideFaults(rates: FaultRates, random: () => number): Fault[] {
  return FAULTS.filter((f) => {
    const r = random();
    return rates[f] > 0 && r * 100 < rates[f];
  });
}

/** A [0, 1) source seeded by a string (its FNV-1a hash). */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return mulberry32(h);
}

export interface OutgoingRequest {
  headers: Record<string, string>;
  body: string;
}

/** Another character of the same alphabet, so the signature keeps its form and only its value is wrong. */
const flip = (c: string) => (c === 'A' ? 'B' : c === 'a' ? 'b' : c === '0' ? '1' : /[0-9]/.test(c) ? '0' : /[a-z]/.test(c) ? 'a' : 'A');

/**
 * The request with a wrong signature wherever its wire carries one: the `Signature` or
 * `webhook-signature` header, else a `hash` field of a form body (Paynow Zimbabwe; PayDunya's `data[hash]`).
 */
export function withWrongSignature(r: OutgoingRequest): OutgoingRequest {
  for (const name of Object.keys(r.headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'signature' && lower !== 'webhook-signature') continue;
    const v = r.headers[name] ?? '';
    const at = lower === 'webhook-signature' ? v.indexOf(',') + 1 : 0;
    return { headers: { ...r.headers, [name]: v.slice(0, at) + flip(v.charAt(at)) + v.slice(at + 1) }, body: r.body };
  }
  const m = /(^|&)(hash|data%5Bhash%5D|data\[hash\])=/i.exec(r.body);
  if (!m) return r;
  const at = m.index + m[0].length;
  return { headers: r.headers, body: r.body.slice(0, at) + flip(r.body.charAt(at)) + r.body.slice(at + 1) };
}

/** The first half of the body, as a connection cut short would deliver it. */
export function withTruncatedBody(r: OutgoingRequest): OutgoingRequest {
  return { headers: r.headers, body: r.body.slice(0, Math.floor(r.body.length / 2)) };
}
