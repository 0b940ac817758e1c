import type { IntegrationId, MerchantId } from '../../../src/core/ids.js';
/**
 * What the PayDunya conformance suites share, written from the spec (sections 2–7, 9, 10) and seed 003:
 * a raw HTTP client that sends exactly the header names, values and bytes it is given (PHP's empty
 * PAYDUNYA-PUBLIC-KEY, a JSON body labelled as a form), the checks every PayDunya answer must pass, and
 * a shop (a verified merchant with one integration and its keys) on a real server.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { listOutbox } from '../../../src/services/mail/outbox.js';
import { createOperator, registerMerchant } from '../../../src/services/merchants/accounts.js';
import { decideGoLive, requestGoLive } from '../../../src/services/merchants/golive.js';
import { createIntegration, revealCredentials } from '../../../src/services/merchants/integrations.js';
import { type Payment, paymentByPublicId } from '../../../src/services/payments/queries.js';
import { completeTestPayment, createFictitiousCustomer } from '../../../src/services/sandbox/controls.js';
import { availableBalance } from '../../../src/services/money/balances.js';
import { accountsOf } from '../../../src/services/money/ledger.js';
import { type FictitiousCustomer, findFictitiousCustomerById } from '../../../src/store/repos/sandbox.js';
import type { DbKind } from '../../helpers/dbs.js';
import { snapshot, startTestServer, type TestServer, type TestServerOptions } from '../../helpers/server.js';

export const SANDBOX = '/sandbox-api/v1';
export const LIVE = '/api/v1';

/** The one answer for any key mismatch (spec §2.3). */
export const BAD_KEYS = { response_code: '1001', response_text: 'Invalid Masterkey Specified' } as const;

/** Hex SHA-512 of the master key: confirm's `hash` and the IPN's data[hash] (spec §5), computed here with node:crypto. */
export const sha512Hex = (text: string): string => createHash('sha512').update(text, 'utf8').digest('hex');

export interface Triple {
  privateKey: string;
  publicKey: string;
  token: string;
}

export interface Wire {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: any;
}

/**
 * One HTTP request as a client library would send it: header names exactly as given (Node keeps their
 * case), empty values allowed, the body's bytes as given with a Content-Length, no redirects followed.
 */
export function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Wire> {
  return new Promise((done, fail) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body, 'utf8'));
    const req = httpRequest(url, { method: options.method ?? (options.body === undefined ? 'GET' : 'POST'), headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = text;
        }
        done({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

/** A plain JSON object (a map): never an array, never null (JAVA casts to Map, NET's JObject.Parse). */
export function assertMap(v: unknown, what: string): asserts v is Record<string, any> {
  assert.equal(typeof v, 'object', `${what} is an object: ${JSON.stringify(v)}`);
  assert.notEqual(v, null, `${what} is not null`);
  assert.ok(!Array.isArray(v), `${what} is {} and never []: ${JSON.stringify(v)}`);
}

/**
 * Every PayDunya JSON answer (spec §3.0): HTTP 200, application/json (superagent 0.18 parses nothing
 * else), response_code a numeric string (PY does int() on it), response_text a string. Returns the body.
 */
export function pd(r: Wire, code?: string): any {
  assert.equal(r.status, 200, `HTTP 200 for every API-level outcome: ${r.status} ${r.text}`);
  assert.match(String(r.headers['content-type']), /^application\/json(;|$)/, `Content-Type: ${r.headers['content-type']}`);
  assertMap(r.body, 'the answer');
  assert.equal(typeof r.body.response_code, 'string', `response_code is a JSON string: ${r.text}`);
  assert.match(r.body.response_code, /^\d+$/, `response_code is numeric: ${r.text}`);
  assert.equal(typeof r.body.response_text, 'string', `response_text is present: ${r.text}`);
  if (code !== undefined) assert.equal(r.body.response_code, code, r.text);
  return r.body;
}

/** PHP's json_encode: compact, and "/" written as "\/" (Java's json-simple does the same). */
export const phpJson = (v: unknown): string => JSON.stringify(v).replaceAll('/', '\\/');

/** Python's json.dumps: ", " and ": " separators (the strings here hold no separators of their own). */
export const pyJson = (v: unknown): string => JSON.stringify(v).replace(/("(?:[^"\\]|\\.)*")|([,:])/g, (_m, str: string | undefined, sep: string | undefined) => str ?? `${sep} `);

export interface Shop {
  s: TestServer;
  url: string;
  deps: TestServer['app']['deps'];
  merchantId: MerchantId;
  integrationId: IntegrationId;
  email: string;
  password: string;
  masterKey: string;
  test: Triple;
  /** The live keys: the ones made with the integration, then the renewed ones once it went live. */
  live: Triple;
  /** The three required headers in the Node SDK's shape (Content-Type: application/json). */
  keys(mode?: 'test' | 'live', extra?: Record<string, string>): Record<string, string>;
  /** POSTs JSON (or the given text) to a path with the shop's keys. */
  post(path: string, body: unknown, options?: { mode?: 'test' | 'live'; headers?: Record<string, string> }): Promise<Wire>;
  get(path: string, options?: { mode?: 'test' | 'live'; headers?: Record<string, string> }): Promise<Wire>;
  /** A checkout invoice in the sandbox (a minimal Node-SDK-shaped body merged with `extra`); its token. */
  createInvoice(extra?: { invoice?: Record<string, unknown>; actions?: Record<string, unknown>; custom_data?: Record<string, unknown>; store?: Record<string, unknown> }): Promise<string>;
  confirm(token: string, mode?: 'test' | 'live'): Promise<any>;
  payment(token: string): Promise<Payment>;
  customer(name: string, email: string, phone: string, balance: number): Promise<FictitiousCustomer>;
  balanceOf(customer: FictitiousCustomer): Promise<number>;
  /** The integration's test balance (paid test payments minus payouts). */
  testBalance(): Promise<number>;
  /** Pays a new invoice of `amount` through the sandbox controls: test money in the balance. */
  fund(amount: number): Promise<string>;
  /** The one-time code the latest mail to `email` carries (the outbox, kind one_time_code). */
  oneTimeCode(email: string, invoiceToken?: string): Promise<string>;
  /** Every row of every table but the request log (which records refused test requests on purpose). */
  state(): Promise<string>;
  /** Moves the clock and runs the due jobs. */
  advance(ms: number): Promise<void>;
  /** A paid test payment, the go-live request, an operator's approval; the renewed live keys. */
  goLive(): Promise<Triple>;
  stop(): Promise<void>;
}

export async function startShop(kind: DbKind, options: TestServerOptions & { company?: string } = {}): Promise<Shop> {
  const s = await startTestServer(kind, options);
  const deps = s.app.deps;
  const tag = randomBytes(3).toString('hex');
  const email = `owner-${tag}@dakar-shop.sn`;
  const password = 'a long merchant password 1';
  const { merchant } = await registerMerchant(deps, { email, password, companyName: options.company ?? 'Magasin le Choco' }, { verified: true });
  const { integration, credentials } = await createIntegration(deps, merchant.id, { name: 'PayDunya shop' }, { kind: 'system', id: null });
  const shop: Shop = {
    s,
    url: s.url,
    deps,
    merchantId: merchant.id,
    integrationId: integration.id,
    email,
    password,
    masterKey: credentials.paydunya.masterKey,
    test: { ...credentials.paydunya.test },
    live: { ...credentials.paydunya.live },
    keys(mode = 'test', extra = {}) {
      const k = mode === 'test' ? shop.test : shop.live;
      return { 'PAYDUNYA-MASTER-KEY': shop.masterKey, 'PAYDUNYA-PRIVATE-KEY': k.privateKey, 'PAYDUNYA-TOKEN': k.token, 'Content-Type': 'application/json', ...extra };
    },
    post(path, body, o = {}) {
      return send(`${s.url}${path}`, { method: 'POST', headers: o.headers ?? shop.keys(o.mode ?? 'test'), body: typeof body === 'string' ? body : JSON.stringify(body) });
    },
    get(path, o = {}) {
      return send(`${s.url}${path}`, { headers: o.headers ?? shop.keys(o.mode ?? 'test') });
    },
    async createInvoice(extra = {}) {
      const body = {
        invoice: { total_amount: 5000, description: 'Deux tickets', ...(extra.invoice ?? {}) },
        store: { name: 'Magasin le Choco', ...(extra.store ?? {}) },
        ...(extra.actions && { actions: extra.actions }),
        ...(extra.custom_data && { custom_data: extra.custom_data }),
      };
      const r = pd(await shop.post(`${SANDBOX}/checkout-invoice/create`, body), '00');
      assert.match(r.token, /^test_[A-Za-z0-9]{10}$/);
      return r.token as string;
    },
    async confirm(token, mode = 'test') {
      return pd(await shop.get(`${mode === 'test' ? SANDBOX : LIVE}/checkout-invoice/confirm/${token}`, { mode }), '00');
    },
    async payment(token) {
      const p = await paymentByPublicId(deps, token);
      assert.ok(p, `invoice ${token} is stored`);
      return p;
    },
    customer: (name, email, phone, balance) => createFictitiousCustomer(deps, merchant.id, integration.id, { name, email, phone, balanceMinor: balance, currency: 'XOF' }),
    async balanceOf(c) {
      const now = await findFictitiousCustomerById(s.store.db, integration.id, c.id);
      assert.ok(now);
      return now.balanceMinor;
    },
    testBalance: () => availableBalance(deps, accountsOf(integration.id, 'test', 'XOF').available),
    async fund(amount) {
      const token = await shop.createInvoice({ invoice: { total_amount: amount } });
      await completeTestPayment(deps, merchant.id, (await shop.payment(token)).id, 'paid');
      return token;
    },
    async oneTimeCode(to, invoiceToken) {
      const mails = (await listOutbox(s.store.db, deps.keyring, { to })).filter((m) => m.kind === 'one_time_code' && (invoiceToken === undefined || m.body.includes(invoiceToken)));
      const code = /is (\d+)\.?\s*$/m.exec(mails[0]?.body ?? '')?.[1];
      assert.ok(code, `a one-time code reached ${to}: ${JSON.stringify(mails)}`);
      return code;
    },
    async state() {
      return snapshot(s.store, ['request_log_batches']);
    },
    async advance(ms) {
      s.clock.advance(ms);
      await s.app.worker.drain();
    },
    async goLive() {
      await shop.fund(1000);
      await requestGoLive(deps, merchant.id, integration.id, { kind: 'merchant', id: merchant.id });
      const operator = await createOperator(deps, `ops-${tag}@tollgate.test`, 'an operator password 1');
      await decideGoLive(deps, integration.id, { approve: true }, { kind: 'operator', id: operator.id });
      const creds = await revealCredentials(deps, merchant.id, integration.id);
      assert.equal(creds.paydunya.masterKey, shop.masterKey, 'the master key is shared by test and live');
      shop.live = { ...creds.paydunya.live };
      return shop.live;
    },
    stop: () => s.stop(),
  };
  return shop;
}
