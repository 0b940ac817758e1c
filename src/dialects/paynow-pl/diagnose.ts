import { createHmac } from 'node:crypto';
import type { CredentialSet } from '../../core/credentials.js';
import { type Diagnosis, diagnose, type Hypothesis, type Mistake } from '../../core/diagnosis.js';
import { hmacBase64, type Parameters, v3Payload } from './signature.js';

/**
 * The usual mistakes behind a failed Paynow.pl signature (spec §5), each tried against what was
 * received: another key (production, another shop), the body signed before it was re-serialised, the
 * signature's own encoding, values in another order, a trailing newline. What is signed holds no
 * secret (the Api-Key names the shop; the Signature-Key is the HMAC's key), so it is shown whole.
 */
export interface PlSigned {
  version: 'v1' | 'v3';
  apiKey: string;
  idempotencyKey: string;
  params: Parameters;
  body: string;
  /** The Signature header as received. */
  received: string;
}

/** Re-serialisations of a JSON body a client may have signed instead of the bytes it sent. */
function reserialisations(body: string): Array<{ text: string; how: string }> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [];
  }
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v;
  const compact = JSON.stringify(value);
  return [
    { text: compact, how: 'compact JSON (no spaces)' },
    { text: JSON.stringify(value, null, 2), how: 'JSON indented by 2 spaces' },
    { text: JSON.stringify(value, null, 4), how: 'JSON indented by 4 spaces' },
    { text: JSON.stringify(sortKeys(value)), how: 'JSON with its keys sorted' },
    { text: compact.replace(/\//g, '\\/'), how: "PHP's json_encode (slashes escaped)" },
    { text: compact.replace(/":/g, '": ').replace(/,"/g, ', "'), how: 'JSON with a space after each colon and comma (Python json.dumps)' },
  ].filter((r) => r.text !== body);
}

function* hypotheses(s: PlSigned, key: string, production: string, others: readonly CredentialSet[]): Generator<Hypothesis> {
  const signed = (body: string) => (s.version === 'v3' ? v3Payload(s.apiKey, s.idempotencyKey, s.params, body) : body);
  const h = (mistake: Mistake, explanation: string, text: string, k = key): Hypothesis => ({ mistake, explanation, parts: [text], signature: hmacBase64(k, text) });
  const ours = signed(s.body);
  yield h('other-environment', 'The request was signed with the production Signature-Key but sent with the sandbox Api-Key: sign with the Signature-Key of the same pair.', ours, production);
  for (const o of others) {
    for (const [env, pair] of [['sandbox', o.paynowPl.sandbox], ['production', o.paynowPl.production]] as const) {
      yield h('other-integration', `The request was signed with the ${env} Signature-Key of your other shop (Api-Key …${pair.apiKey.slice(-4)}): use this shop's key.`, ours, pair.signatureKey);
    }
  }
  const mac = createHmac('sha256', key).update(ours, 'utf8').digest();
  yield { mistake: 'signature-encoding', explanation: 'The signature was sent in hex: send the HMAC-SHA256 in standard Base64.', parts: [ours], signature: mac.toString('hex') };
  yield { mistake: 'signature-encoding', explanation: 'The signature was sent in URL-safe Base64: send standard Base64 with padding.', parts: [ours], signature: mac.toString('base64url') };
  yield { mistake: 'encoded-twice', explanation: 'The signature was Base64-encoded twice: Base64-encode the HMAC bytes once.', parts: [ours], signature: Buffer.from(mac.toString('base64'), 'utf8').toString('base64') };
  if (s.version === 'v3') {
    yield h('encoded-twice', 'The body was JSON-encoded twice inside the signed payload: put the raw body text in "body", encoded once.', v3Payload(s.apiKey, s.idempotencyKey, s.params, JSON.stringify(s.body)));
    if (s.params.length > 0) {
      const encoded = s.params.map(([n, v]) => [n, encodeURIComponent(v)] as [string, string]);
      yield h('encoded-twice', 'The query parameters were signed URL-encoded: sign their decoded values.', v3Payload(s.apiKey, s.idempotencyKey, encoded, s.body));
    }
    const parsed = JSON.parse(ours) as Record<string, unknown>;
    const swapped = JSON.stringify({ headers: { 'Idempotency-Key': s.idempotencyKey, 'Api-Key': s.apiKey }, parameters: parsed.parameters, body: s.body });
    yield h('values-reordered', 'The signed headers were in another order: "headers" must hold Api-Key, then Idempotency-Key.', swapped);
    yield h('values-reordered', 'The payload\'s sections were in another order: sign {"headers", "parameters", "body"} in that order.', JSON.stringify({ body: s.body, headers: parsed.headers, parameters: parsed.parameters }));
  }
  for (const r of reserialisations(s.body)) {
    yield h('reserialised', `The body was signed as ${r.how} but sent with other spacing or key order: sign the exact bytes you send.`, signed(r.text));
  }
  if (s.body.trim() !== s.body) yield h('trimming', 'The body was signed trimmed but sent with surrounding whitespace: sign the exact bytes you send.', signed(s.body.trim()));
  yield h('trimming', 'The body was signed with a trailing newline that was not sent: sign the exact bytes you send.', signed(`${s.body}\n`));
  for (const [end, name] of [['\n', 'a line feed'], [' ', 'a space']] as const) {
    yield h('trimming', `The Signature-Key was used with ${name} after it (read from a file untrimmed): trim the key.`, ours, `${key}${end}`);
  }
}

/** Why a Paynow.pl signature failed; `own` is the integration's credentials (the request used its sandbox pair). */
export function diagnosePlSignature(s: PlSigned, own: CredentialSet, others: readonly CredentialSet[]): Diagnosis {
  const key = own.paynowPl.sandbox.signatureKey;
  const ours = s.version === 'v3' ? v3Payload(s.apiKey, s.idempotencyKey, s.params, s.body) : s.body;
  return diagnose(
    { parts: [ours], signature: hmacBase64(key, ours) },
    s.received,
    hypotheses(s, key, own.paynowPl.production.signatureKey, others),
    'No usual mistake reproduces this signature: it was most likely made with a Signature-Key that is not this shop\'s current sandbox key (an old key after "Generate New Key", or a mistyped one).',
  );
}
