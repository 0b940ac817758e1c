import type { IntegrationId, MerchantId } from '../../../src/core/ids.js';
/**
 * What the Paynow.pl conformance suites share, written from the spec and seed 001 (never from src):
 * the v3 signer, PHP's json_encode, a raw HTTP client that sends exactly the header names and bytes
 * it is given, and a shop (a merchant with one integration) on a real server.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { CredentialSlot } from '../../../src/core/credentials.js';
import type { PaymentMethod } from '../../../src/core/payment-methods.js';
import { createOperator, registerMerchant } from '../../../src/services/merchants/accounts.js';
import { decideGoLive, requestGoLive } from '../../../src/services/merchants/golive.js';
import { createIntegration, revealCredentials } from '../../../src/services/merchants/integrations.js';
import type { DbKind } from '../../helpers/dbs.js';
import { snapshot, startTestServer, type TestServer } from '../../helpers/server.js';

/** The public sandbox credentials of seed 001 / spec §7. */
export const PUBLIC_STANDARD = { apiKey: '97a55694-5478-43b5-b406-fb49ebfdd2b5', signatureKey: 'b305b996-bca5-4404-a0b7-2ccea3d2b64b' } as const;
export const PUBLIC_WHITE_LABEL = { apiKey: 'a5346108-639d-4a34-b408-afe86d89071f', signatureKey: '7201572b-1234-4853-8437-dd038a28a31d' } as const;

export const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/** Base64 (padded) of HMAC-SHA256 under the key's UTF-8 bytes: v1 bodies and notifications sign the raw bytes with it. */
export const hmacBase64 = (key: string, data: string): string => createHmac('sha256', key).update(data, 'utf8').digest('base64');

export type Pairs = Array<[string, string]>;

/** The query of a path as name/value pairs, in the order they appear, each decoded once. */
export function queryPairs(path: string): Pairs {
  const q = path.indexOf('?');
  return q < 0 ? [] : [...new URLSearchParams(path.slice(q + 1))];
}

/**
 * Seed 001's v3 signature: compact JSON of headers (Api-Key, Idempotency-Key), parameters (each name
 * to an array of its values, in the order given; none = {}) and the raw body as a string.
 */
export function v3Signature(signatureKey: string, apiKey: string, idempotencyKey: string, params: Pairs, body: string): string {
  const parameters: Record<string, string[]> = {};
  for (const [name, value] of params) {
    const values = parameters[name] ?? [];
    values.push(value);
    parameters[name] = values;
  }
  return hmacBase64(signatureKey, JSON.stringify({ headers: { 'Api-Key': apiKey, 'Idempotency-Key': idempotencyKey }, parameters, body }));
}

/** A PHP float (json_encode writes 1.0 as "1.0"). */
export class PhpFloat {
  constructor(readonly value: number) {}
}

function phpString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c > 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

/** PHP's json_encode($v, JSON_UNESCAPED_SLASHES): non-ASCII as lower-case \uXXXX, "/" kept, [] for an empty array. */
export function phpJsonEncode(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof PhpFloat) return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return phpString(v);
  if (Array.isArray(v)) return `[${v.map(phpJsonEncode).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '[]';
  return `{${entries.map(([k, x]) => `${phpString(k)}:${phpJsonEncode(x)}`).join(',')}}`;
}

export interface WireReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

/**
 * One HTTP request with exactly these header lines (names as spelled, in this order) and body bytes;
 * Host and, with a body (or on POST/PATCH), Content-Length are added as any client does.
 */
export function rawRequest(base: string, method: string, path: string, headers: Pairs, body?: string): Promise<WireReply> {
  const url = new URL(base);
  const lines: Pairs = [...headers];
  if (body !== undefined || method === 'POST' || method === 'PATCH') lines.push(['Content-Length', String(Buffer.byteLength(body ?? '', 'utf8'))]);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: Object.fromEntries(lines), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : Buffer.from(body, 'utf8'));
  });
}

let keyCounter = 0;
/** A fresh Idempotency-Key (a UUID-like string, as Postman and most clients send). */
export function freshKey(): string {
  keyCounter += 1;
  return `${randomUUID().slice(0, 24)}-${keyCounter}`;
}

export interface V3Options {
  idem?: string | undefined;
  /** Parameters in query order (the PHP SDK) or sorted by name (Postman). */
  order?: 'query' | 'sorted';
  /** Replace the computed signature. */
  signature?: string;
  /** Leave these headers out. */
  omit?: Array<'Api-Key' | 'Signature' | 'Idempotency-Key'>;
  apiKey?: string;
  signatureKey?: string;
}

/** A v3 merchant client signing as seed 001 says. */
export class PlClient {
  constructor(
    readonly base: string,
    public apiKey: string,
    public signatureKey: string,
  ) {}

  v3(method: string, path: string, body = '', o: V3Options = {}): Promise<WireReply> {
    const apiKey = o.apiKey ?? this.apiKey;
    const idem = o.idem ?? freshKey();
    const params = queryPairs(path);
    if (o.order === 'sorted') params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const signature = o.signature ?? v3Signature(o.signatureKey ?? this.signatureKey, apiKey, idem, params, body);
    const omit = new Set(o.omit ?? []);
    const headers: Pairs = [];
    if (!omit.has('Api-Key')) headers.push(['Api-Key', apiKey]);
    if (!omit.has('Idempotency-Key')) headers.push(['Idempotency-Key', idem]);
    if (!omit.has('Signature')) headers.push(['Signature', signature]);
    headers.push(['Accept', 'application/json']);
    if (body !== '') headers.push(['Content-Type', 'application/json']);
    return rawRequest(this.base, method, path, headers, body === '' ? undefined : body);
  }

  /** v1/v2: Api-Key always; a Signature (HMAC of the raw body) only with a body. */
  v1(method: string, path: string, body?: string, o: { signature?: string } = {}): Promise<WireReply> {
    const headers: Pairs = [['Api-Key', this.apiKey]];
    if (body !== undefined) headers.push(['Signature', o.signature ?? hmacBase64(this.signatureKey, body)], ['Content-Type', 'application/json']);
    return rawRequest(this.base, method, path, headers, body);
  }

  /** POST /v3/payments with a JSON body; fails the test unless 201. */
  async create(body: Record<string, unknown>, o: V3Options = {}): Promise<{ paymentId: string; status: string; redirectUrl: string | null }> {
    const r = await this.v3('POST', '/v3/payments', JSON.stringify(body), o);
    assert.equal(r.status, 201, r.text);
    return r.json;
  }

  async status(paymentId: string, o: V3Options = {}): Promise<string> {
    const r = await this.v3('GET', `/v3/payments/${paymentId}/status`, '', o);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json), ['paymentId', 'status']);
    assert.equal(r.json.paymentId, paymentId);
    return r.json.status;
  }
}

let orderSeq = 0;
/** A minimal valid payment body. */
export function paymentBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  orderSeq += 1;
  return { amount: 1000, externalId: `order-${orderSeq}`, description: `Order ${orderSeq}`, buyer: { email: 'jan.kowalski@example.pl' }, ...extra };
}

/** A White Label BLIK payment body. */
export const blikBody = (code: string, extra: Record<string, unknown> = {}) => paymentBody({ paymentMethodId: 2007, authorizationCode: code, ...extra });

/** The error body every Paynow.pl error has. */
export const plError = (statusCode: number, errorType: string, message: string) => ({ statusCode, errors: [{ errorType, message }] });

export function assertError(r: WireReply, statusCode: number, errorType: string, message: string): void {
  assert.equal(r.status, statusCode, r.text);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  assert.deepEqual(r.json, plError(statusCode, errorType, message));
}

export interface Shop {
  s: TestServer;
  merchantId: MerchantId;
  integrationId: IntegrationId;
  sandbox: { apiKey: string; signatureKey: string };
  production: { apiKey: string; signatureKey: string };
  /** Signs with the sandbox keys. */
  pl: PlClient;
}

let shopSeq = 0;

/** A verified merchant and one integration on the server (chosen credentials win). */
export async function addShop(
  s: TestServer,
  options: { credentials?: Partial<Record<CredentialSlot, string>>; notificationUrl?: string; enabledMethods?: PaymentMethod[] } = {},
): Promise<Shop> {
  shopSeq += 1;
  const deps = s.app.deps;
  const { merchant } = await registerMerchant(deps, { email: `pl-${shopSeq}-${Date.now().toString(36)}@sklep.test`, password: 'a long password 1', companyName: `Sklep ${shopSeq}` }, { verified: true });
  const { integration, credentials } = await createIntegration(
    deps,
    merchant.id,
    { name: `Sklep ${shopSeq}`, ...(options.notificationUrl && { notificationUrl: options.notificationUrl }), ...(options.enabledMethods && { enabledMethods: options.enabledMethods }) },
    { kind: 'system', id: null },
    options.credentials ? { credentials: options.credentials } : {},
  );
  const sandbox = credentials.paynowPl.sandbox;
  return { s, merchantId: merchant.id, integrationId: integration.id, sandbox, production: credentials.paynowPl.production, pl: new PlClient(s.url, sandbox.apiKey, sandbox.signatureKey) };
}

export async function openShop(kind: DbKind, options: Parameters<typeof addShop>[1] = {}): Promise<Shop> {
  const s = await startTestServer(kind);
  try {
    return await addShop(s, options);
  } catch (err) {
    await s.stop();
    throw err;
  }
}

/** Moves the server's clock and runs every job that fell due. */
export async function advance(s: TestServer, ms: number): Promise<void> {
  s.clock.advance(ms);
  await s.app.worker.drain();
}

/** Every table but the test-mode request log (written for each test-mode request, rightly). */
export async function dbState(s: TestServer): Promise<string> {
  return snapshot(s.store, ['request_log_batches']);
}

/** The stored payment behind a Paynow.pl paymentId. */
export async function storedPayment(s: TestServer, paymentId: string) {
  return s.store.db.selectFrom('payments').selectAll().where('public_id', '=', paymentId).executeTakeFirst();
}

export async function countRows(s: TestServer, table: 'payments' | 'refunds' | 'deliveries'): Promise<number> {
  const rows = await s.store.db.selectFrom(table).select('id').execute();
  return rows.length;
}

/**
 * Takes the shop live as a merchant and an operator do: a paid test payment (White Label BLIK
 * 111111), a go-live request, an approval. Returns the new production keys (going live renews them).
 */
export async function goLive(shop: Shop): Promise<{ apiKey: string; signatureKey: string }> {
  const deps = shop.s.app.deps;
  const p = await shop.pl.create(blikBody('111111'));
  await advance(shop.s, 600);
  assert.equal(await shop.pl.status(p.paymentId), 'CONFIRMED');
  await requestGoLive(deps, shop.merchantId, shop.integrationId, { kind: 'merchant', id: shop.merchantId });
  const operator = await createOperator(deps, `operator-${shopSeq}-${Date.now().toString(36)}@tollgate.test`, 'an operator password 1');
  const view = await decideGoLive(deps, shop.integrationId, { approve: true }, { kind: 'operator', id: operator.id });
  assert.equal(view.mode, 'live');
  return (await revealCredentials(deps, shop.merchantId, shop.integrationId)).paynowPl.production;
}
