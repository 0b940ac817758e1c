import type { CredentialSet } from '../../core/credentials.js';
import { type Diagnosis, diagnose, type Hypothesis, type Part } from '../../core/diagnosis.js';
import { hashValues, valuesToHash } from './signature.js';
import { decodeAgain, type Pair } from './wire.js';

/**
 * The usual mistakes behind a failed Paynow Zimbabwe hash (spec §4, §10), each tried against what was
 * received. Raw and per-value-trimmed values are both accepted already, so "trimming" here is the key
 * read with its line end (an env file's newline).
 */

/** Field orders the official clients send (spec §4.3) and the alphabetical one of a sorted map. */
const ORDERS: Array<{ name: string; fields: string[] }> = [
  { name: 'the order of the Paynow docs', fields: ['id', 'reference', 'amount', 'additionalinfo', 'returnurl', 'resulturl', 'authemail', 'phone', 'method', 'status'] },
  { name: 'the order of the Node, Python and PHP SDKs', fields: ['resulturl', 'returnurl', 'reference', 'amount', 'id', 'additionalinfo', 'authemail', 'phone', 'method', 'status'] },
  { name: "the Java SDK's HashMap order", fields: ['reference', 'authemail', 'amount', 'method', 'phone', 'returnurl', 'id', 'resulturl', 'additionalinfo', 'status'] },
];

const sha = (values: readonly string[], key: string): string => hashValues(values, key);
const partsOf = (values: readonly string[], key: string): Part[] => [...values, { secret: key }];

function reordered(pairs: readonly Pair[], fields: readonly string[]): Pair[] {
  const rank = (k: string) => {
    const i = fields.indexOf(k.toLowerCase());
    return i < 0 ? fields.length : i;
  };
  return [...pairs].map((p, i) => ({ p, i })).sort((a, b) => rank(a.p[0]) - rank(b.p[0]) || a.i - b.i).map((x) => x.p);
}

function* hypotheses(pairs: readonly Pair[], key: string, others: readonly CredentialSet[]): Generator<Hypothesis> {
  const body = pairs.filter(([k]) => k.toLowerCase() !== 'hash');
  const raw = valuesToHash(pairs);
  for (const o of others) {
    const k = o.paynowZw.integrationKey.toLowerCase();
    yield { mistake: 'other-integration', explanation: `The hash was made with the key of your other integration ${o.paynowZw.integrationId}: use this integration's own key.`, parts: partsOf(raw, k), signature: sha(raw, k) };
  }
  const upper = key.toUpperCase();
  yield { mistake: 'key-case', explanation: 'The key was hashed in upper case: Paynow keys are lower-case GUIDs (the Java SDK uses the key verbatim).', parts: partsOf(raw, upper), signature: sha(raw, upper) };
  for (const [end, name] of [['\n', 'a line feed'], ['\r\n', 'CR LF'], [' ', 'a space']] as const) {
    yield { mistake: 'trimming', explanation: `The key was hashed with ${name} after it (read from a file untrimmed): trim the key.`, parts: partsOf(raw, `${key}${end}`), signature: sha(raw, `${key}${end}`) };
  }
  for (let i = 0; i < body.length; i++) {
    const [name, value] = body[i] as Pair;
    const once = decodeAgain(value);
    if (once === value) continue;
    const values = body.map(([, v], j) => (j === i ? once : v));
    yield { mistake: 'encoded-twice', explanation: `The field "${name}" was URL-encoded twice on the wire: hash what you send after one encoding (or encode it once).`, parts: partsOf(values, key), signature: sha(values, key) };
  }
  const decoded = body.map(([, v]) => decodeAgain(v));
  if (decoded.some((v, i) => v !== raw[i])) {
    yield { mistake: 'encoded-twice', explanation: 'The values were URL-encoded twice on the wire: hash what you send after one encoding.', parts: partsOf(decoded, key), signature: sha(decoded, key) };
  }
  const orders = [...ORDERS, { name: 'alphabetical order', fields: [...body.map(([k]) => k.toLowerCase())].sort() }];
  for (const o of orders) {
    const values = reordered(body, o.fields).map(([, v]) => v);
    if (values.every((v, i) => v === raw[i])) continue;
    yield { mistake: 'values-reordered', explanation: `The values were hashed in ${o.name}, not in the order they were sent: hash the values in the order of the message.`, parts: partsOf(values, key), signature: sha(values, key) };
  }
}

/** Why the hash of a Paynow Zimbabwe request failed; `key` is the integration's current key. */
export function diagnoseZwHash(pairs: readonly Pair[], key: string, others: readonly CredentialSet[]): Diagnosis {
  const k = key.toLowerCase();
  const raw = valuesToHash(pairs);
  const received = (pairs.find(([name]) => name.toLowerCase() === 'hash')?.[1] ?? '').trim().toUpperCase();
  return diagnose(
    { parts: partsOf(raw, k), signature: sha(raw, k) },
    received,
    hypotheses(pairs, k, others),
    'No usual mistake reproduces this hash: it was most likely made with a key that is not this integration\'s current one (an old key after "Generate New Key", or a mistyped one).',
  );
}
