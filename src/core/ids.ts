import { randomFillSync } from 'node:crypto';
import { type ErrorCode, TollgateError } from './errors.js';

/** Prefixed, branded ids: one per entity, so a merchant id can never be passed where an integration id goes. */
export const ID_PREFIXES = {
  merchant: 'mer_',
  operator: 'opr_',
  integration: 'int_',
  credential: 'crd_',
  session: 'ses_',
  apiToken: 'tok_',
  audit: 'aud_',
  mail: 'mail_',
  job: 'job_',
  payment: 'pay_',
  event: 'evt_',
  delivery: 'dlv_',
  attempt: 'att_',
  forward: 'fwd_',
  refund: 're_',
  customer: 'cus_',
  requestLog: 'req_',
  payout: 'po_',
  ledgerTx: 'ltx_',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;
export type Id<K extends IdKind> = string & { readonly __id: K };

export type MerchantId = Id<'merchant'>;
export type OperatorId = Id<'operator'>;
export type IntegrationId = Id<'integration'>;
export type PaymentId = Id<'payment'>;
export type RefundId = Id<'refund'>;
export type PayoutId = Id<'payout'>;
export type DeliveryId = Id<'delivery'>;
export type CustomerId = Id<'customer'>;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Upper, lower and digits: the alphabet of tokens the gateways hand out. */
export const MIXED_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * CSPRNG bytes drawn 4 KiB at a time and each handed out once (as crypto.randomUUID does with its
 * cache): one system call per few hundred ids instead of one per id.
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++] as number;
}

/** `length` CSPRNG bytes from the same pool: a token per request without a system call each. */
export function randomBytesPooled(length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = randomByte();
  return out;
}

/** Random text of `length` characters of the alphabet (base 36 by default) from a CSPRNG, without modulo bias. */
export function randomAlphanumeric(length: number, alphabet = ALPHABET): string {
  let out = '';
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    const byte = randomByte();
    if (byte < limit) out += alphabet[byte % alphabet.length];
  }
  return out;
}

export interface IdGenerator {
  next<K extends IdKind>(kind: K): Id<K>;
}

/** Time-ordered ids: 9 base-36 chars of milliseconds, then 12 random ones; sortable by creation. */
export const randomIds: IdGenerator = {
  next<K extends IdKind>(kind: K): Id<K> {
    const time = Date.now().toString(36).padStart(9, '0');
    return `${ID_PREFIXES[kind]}${time}${randomAlphanumeric(12)}` as Id<K>;
  },
};

/** Exactly the shape randomIds makes (the API's id schemas say the same), so `pay_x_…` with a longer tail is no id. */
export function isId<K extends IdKind>(kind: K, value: unknown): value is Id<K> {
  const prefix = ID_PREFIXES[kind];
  return typeof value === 'string' && value.length === prefix.length + 21 && value.startsWith(prefix) && /^[0-9a-z]{21}$/.test(value.slice(prefix.length));
}

/**
 * Text from outside (a path parameter, a CLI argument, a wire field) as an id of `kind`: the one
 * place a string becomes a branded id without coming from our own rows. A malformed id fails as an
 * unknown one does at that boundary (`code` and `detail`), so no caller sees a new answer.
 */
export function asId<K extends IdKind>(kind: K, text: string, code: ErrorCode = 'not_found', detail = `${kind} ${text} not found`): Id<K> {
  if (isId(kind, text)) return text;
  throw new TollgateError(code, detail);
}

/** asId for an optional field: an absent one stays absent. */
export function asOptionalId<K extends IdKind>(kind: K, text: string | undefined): Id<K> | undefined {
  return text === undefined ? undefined : asId(kind, text);
}

/** A string our own store wrote as an id of `kind` (a row's column): trusted, so only the type changes. */
export function storedId<K extends IdKind>(_kind: K, text: string): Id<K> {
  return text as Id<K>;
}
