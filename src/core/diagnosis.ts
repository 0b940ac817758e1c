/**
 * The signature debugger's shared machinery (pure): each wire lists the usual mistakes as hypotheses,
 * each able to rebuild the string the client most likely signed; the first one whose signature equals
 * what was received is the diagnosis. Secrets never leave here in clear: a key inside a hashed string
 * is shown as `{key …abcd}`.
 */
import { constantTimeEqual } from './crypto.js';

/** The mistakes the debugger names (README "Signature debugger"). */
export const MISTAKES = [
  'wrong-key',
  'values-reordered',
  'encoded-twice',
  'trimming',
  'other-environment',
  'other-integration',
  'reserialised',
  'key-case',
  'signature-encoding',
] as const;
export type Mistake = (typeof MISTAKES)[number];

/** The first byte at which two strings' UTF-8 differ, with both bytes as two hex digits (null past an end). */
export interface FirstDifference {
  offset: number;
  ours: string | null;
  theirs: string | null;
}

export interface Diagnosis {
  /** The most likely mistake; `wrong-key` when no other hypothesis reproduces what was received. */
  mistake: Mistake;
  /** What the developer should change, in a sentence. */
  explanation: string;
  /** Whether a hypothesis reproduced the received signature exactly (false: `wrong-key` by elimination). */
  confirmed: boolean;
  /** The exact string we hashed (keys masked). */
  oursHashed: string;
  /** The string the client most likely hashed (keys masked); null when no hypothesis matched. */
  theirsHashed: string | null;
  /** Our signature or hash and the one received. */
  ourSignature: string;
  theirSignature: string;
  /** Between the strings hashed when a hypothesis matched, else between the two signatures. */
  firstDifference: FirstDifference | null;
  /** Every hypothesis tried, in order. */
  tried: Mistake[];
  /** Set when the hashed strings were clipped to a window: the byte offset their shown text starts at. */
  shownFrom?: number;
}

/** A piece of a hashed string: text as it is, or a secret shown masked. */
export type Part = string | { secret: string };

/** One guess at what the client did: the parts it hashed and the signature that gives. */
export interface Hypothesis {
  mistake: Mistake;
  explanation: string;
  parts: readonly Part[];
  /** The signature those parts give, in the form the wire compares (case already normalised). */
  signature: string;
}

export function maskSecret(secret: string): string {
  return secret.length <= 8 ? '{key}' : `{key …${secret.slice(-4)}}`;
}

export function shown(parts: readonly Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : maskSecret(p.secret))).join('');
}

function plain(parts: readonly Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p.secret)).join('');
}

/** The byte offsets of the secrets in a parts list, so a difference inside a key shows no key byte. */
function secretRanges(parts: readonly Part[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = 0;
  for (const p of parts) {
    const n = Buffer.byteLength(typeof p === 'string' ? p : p.secret, 'utf8');
    if (typeof p !== 'string') out.push([at, at + n]);
    at += n;
  }
  return out;
}

const hex = (b: number | undefined): string | null => (b === undefined ? null : b.toString(16).padStart(2, '0'));

export function firstDifference(ours: string, theirs: string): FirstDifference | null {
  const a = Buffer.from(ours, 'utf8');
  const b = Buffer.from(theirs, 'utf8');
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return null;
  return { offset: i, ours: hex(a[i]), theirs: hex(b[i]) };
}

/** The first difference between two hashed strings, its bytes hidden when they fall inside a key. */
function partsDifference(ours: readonly Part[], theirs: readonly Part[]): FirstDifference | null {
  const d = firstDifference(plain(ours), plain(theirs));
  if (!d) return null;
  const inKey = (parts: readonly Part[]) => secretRanges(parts).some(([s, e]) => d.offset >= s && d.offset < e);
  return { offset: d.offset, ours: inKey(ours) ? '**' : d.ours, theirs: inKey(theirs) ? '**' : d.theirs };
}

/**
 * Runs the hypotheses in order and names the first whose signature equals the received one, compared
 * in constant time (a candidate may be made from a key of the other environment).
 */
export function diagnose(ours: { parts: readonly Part[]; signature: string }, received: string, hypotheses: Iterable<Hypothesis>, fallback: string): Diagnosis {
  const tried: Mistake[] = [];
  for (const h of hypotheses) {
    if (!tried.includes(h.mistake)) tried.push(h.mistake);
    if (constantTimeEqual(h.signature, received)) {
      return {
        mistake: h.mistake,
        explanation: h.explanation,
        confirmed: true,
        oursHashed: shown(ours.parts),
        theirsHashed: shown(h.parts),
        ourSignature: ours.signature,
        theirSignature: received,
        // Strings alike (another key, another signature encoding): the signatures show where they part.
        firstDifference: partsDifference(ours.parts, h.parts) ?? firstDifference(ours.signature, received),
        tried,
      };
    }
  }
  return {
    mistake: 'wrong-key',
    explanation: fallback,
    confirmed: false,
    oursHashed: shown(ours.parts),
    theirsHashed: null,
    ourSignature: ours.signature,
    theirSignature: received,
    firstDifference: firstDifference(ours.signature, received),
    tried: [...tried, 'wrong-key'],
  };
}

/** The bytes [from, from + max) of a text, cut on character boundaries. */
function window(text: string, from: number, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max && from === 0) return text;
  return bytes.subarray(from, from + max).toString('utf8').replace(/^\uFFFD+|\uFFFD+$/g, '');
}

/**
 * A diagnosis kept small like the failed request it describes: the hashed strings are cut to `maxBytes`
 * around the first difference (or from the start), and `shownFrom` says where the window starts.
 */
export function clipDiagnosis(d: Diagnosis, maxBytes: number): Diagnosis {
  const longest = Math.max(Buffer.byteLength(d.oursHashed, 'utf8'), Buffer.byteLength(d.theirsHashed ?? '', 'utf8'));
  if (longest <= maxBytes) return d;
  const at = d.theirsHashed !== null && d.firstDifference ? d.firstDifference.offset : 0;
  const from = Math.max(0, at - Math.floor(maxBytes / 2));
  return { ...d, oursHashed: window(d.oursHashed, from, maxBytes), theirsHashed: d.theirsHashed === null ? null : window(d.theirsHashed, from, maxBytes), shownFrom: from };
}
