import type { IntegrationId, MerchantId } from '../../../src/core/ids.js';
/**
 * One verified merchant with one test-mode integration on a real server, and a minimal signed request
 * of each dialect, written from the specs (never from src): what the cross-dialect suites (hostile
 * input, framework errors, the request log's bounds) send.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { registerMerchant } from '../../../src/services/merchants/accounts.js';
import { createIntegration } from '../../../src/services/merchants/integrations.js';
import { ApiClient } from '../../helpers/client.js';
import type { DbKind } from '../../helpers/dbs.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../../helpers/server.js';

const PASSWORD = 'a long password 1';

export type Pairs = Array<[string, string]>;

export interface AnyShop {
  s: TestServer;
  email: string;
  merchantId: MerchantId;
  integrationId: IntegrationId;
  zw: { id: string; key: string };
  pl: { apiKey: string; signatureKey: string };
  pd: { masterKey: string; privateKey: string; token: string };
  stop(): Promise<void>;
}

export async function openAnyShop(kind: DbKind, options: TestServerOptions & { email?: string } = {}): Promise<AnyShop> {
  const s = await startTestServer(kind, options);
  const email = options.email ?? `owner-${randomBytes(3).toString('hex')}@shop.test`;
  const { merchant } = await registerMerchant(s.app.deps, { email, password: PASSWORD, companyName: 'Shop' }, { verified: true });
  const { integration, credentials } = await createIntegration(s.app.deps, merchant.id, { name: 'Any' }, { kind: 'system', id: null });
  return {
    s,
    email,
    merchantId: merchant.id,
    integrationId: integration.id,
    zw: { id: String(credentials.paynowZw.integrationId), key: credentials.paynowZw.integrationKey },
    pl: credentials.paynowPl.sandbox,
    pd: { masterKey: credentials.paydunya.masterKey, privateKey: credentials.paydunya.test.privateKey, token: credentials.paydunya.test.token },
    stop: () => s.stop(),
  };
}

/** The management API, logged in as the shop's merchant. */
export async function merchantApi(shop: AnyShop): Promise<ApiClient> {
  const api = new ApiClient(shop.s.url);
  assert.equal((await api.login(shop.email, PASSWORD)).status, 200);
  return api;
}

/** Paynow Zimbabwe's hash (spec §4): SHA-512 over the values in order and the key, upper-case hex. */
export function zwSign(pairs: Pairs, key: string): Pairs {
  const values = pairs.map(([, v]) => v).join('');
  return [...pairs, ['hash', createHash('sha512').update(values + key.toLowerCase(), 'utf8').digest('hex').toUpperCase()]];
}

export const zwForm = (pairs: Pairs): string => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

/** A signed web initiation in the official clients' order, with `over` replacing or adding fields. */
export function zwInitiate(shop: AnyShop, over: Record<string, string> = {}): string {
  const base: Record<string, string> = {
    resulturl: 'http://127.0.0.1:9/result',
    returnurl: 'http://127.0.0.1:9/return',
    reference: `R-${randomBytes(4).toString('hex')}`,
    amount: '10.50',
    id: shop.zw.id,
    additionalinfo: 'Bananas',
    authemail: shop.email,
    ...over,
  };
  return zwForm(zwSign([...Object.entries(base), ['status', 'Message']], shop.zw.key));
}

/** Paynow.pl v3 headers for a request (spec §5.2). */
export function plHeaders(shop: AnyShop, path: string, body: string, idem = randomBytes(8).toString('hex')): Record<string, string> {
  const q = path.indexOf('?');
  const parameters: Record<string, string[]> = {};
  for (const [n, v] of q < 0 ? [] : new URLSearchParams(path.slice(q + 1))) Object.defineProperty(parameters, n, { value: [...(parameters[n] ?? []), v], enumerable: true, configurable: true, writable: true });
  const payload = JSON.stringify({ headers: { 'Api-Key': shop.pl.apiKey, 'Idempotency-Key': idem }, parameters, body });
  const signature = createHmac('sha256', shop.pl.signatureKey).update(payload, 'utf8').digest('base64');
  return { 'Api-Key': shop.pl.apiKey, 'Idempotency-Key': idem, Signature: signature, 'Content-Type': 'application/json', Accept: 'application/json' };
}

export function pdHeaders(shop: AnyShop): Record<string, string> {
  return { 'PAYDUNYA-MASTER-KEY': shop.pd.masterKey, 'PAYDUNYA-PRIVATE-KEY': shop.pd.privateKey, 'PAYDUNYA-TOKEN': shop.pd.token, 'Content-Type': 'application/json' };
}

export function zwParse(body: string): Map<string, string> {
  return new Map(
    body.split('&').map((p) => {
      const eq = p.indexOf('=');
      const dec = (x: string) => decodeURIComponent(x.replace(/\+/g, ' '));
      return eq < 0 ? [dec(p), ''] : [dec(p.slice(0, eq)), dec(p.slice(eq + 1))];
    }),
  );
}
