import { asId, type IntegrationId, type MerchantId, type PaymentId } from '../../src/core/ids.js';
/**
 * What the checkout suites share: a real gateway, a merchant who owns a test integration, a second
 * merchant, a local "merchant site" that the return and cancel URLs point at, and a small form-posting
 * client that keeps cookies the way a browser with JavaScript off would.
 */
import type { PaymentMethod } from '../../src/core/payment-methods.js';
import { registerMerchant } from '../../src/services/merchants/accounts.js';
import { createIntegration, requireActiveIntegration } from '../../src/services/merchants/integrations.js';
import { type CreatePaymentInput, createPayment } from '../../src/services/payments/create.js';
import { checkoutPath } from '../../src/services/payments/queries.js';
import { findPaymentById, type Payment } from '../../src/store/repos/payments.js';
import { ApiClient } from '../helpers/client.js';
import type { DbKind } from '../helpers/dbs.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

export const OWNER = { email: 'owner@harare-hardware.test', password: 'hardware till 4821', company: 'Harare Hardware' };
export const OTHER = { email: 'other@shop.test', password: 'second shop till 77', company: 'Other Shop' };

export interface PaymentBody {
  amount?: number;
  currency?: string;
  description?: string;
  reference?: string;
  items?: Array<{ name: string; quantity: number; unitMinor: number }>;
  returnUrl?: string | null;
  cancelUrl?: string | null;
  testCheckout?: 'merchant_only' | 'open';
}

export interface World {
  s: TestServer;
  /** The merchant's site: every return and cancel lands here. */
  site: Receiver;
  returnUrl: string;
  cancelUrl: string;
  ownerId: MerchantId;
  otherId: string;
  integrationId: IntegrationId;
  /** The owner, logged in to the management API. */
  api: ApiClient;
  /** A payment through the management API; its id. */
  pay(body?: PaymentBody): Promise<PaymentId>;
  /** A payment made by the service directly (live mode, URLs the API would refuse). */
  payDirect(input: Partial<CreatePaymentInput>): Promise<PaymentId>;
  payment(id: PaymentId): Promise<Payment>;
  /** A checkout path of the payment (its page, or a form's), with the capability that opens it. */
  at(id: PaymentId, form?: string): Promise<string>;
  /** Runs the worker after moving the clock: timed sandbox outcomes fall due. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startWorld(kind: DbKind, options: { enabledMethods?: PaymentMethod[]; companyName?: string } = {}): Promise<World> {
  const s = await startTestServer(kind);
  let site: Receiver | undefined;
  try {
    site = await startReceiver('/return');
    return await furnishWorld(s, site, options);
  } catch (err) {
    // A failed start closes what it opened, or the test file never ends.
    await site?.close();
    await s.stop();
    throw err;
  }
}

async function furnishWorld(s: TestServer, site: Receiver, options: { enabledMethods?: PaymentMethod[]; companyName?: string }): Promise<World> {
  const deps = s.app.deps;
  const owner = await registerMerchant(deps, { email: OWNER.email, password: OWNER.password, companyName: options.companyName ?? OWNER.company }, { verified: true });
  const other = await registerMerchant(deps, { email: OTHER.email, password: OTHER.password, companyName: OTHER.company }, { verified: true });
  const created = await createIntegration(deps, owner.merchant.id, { name: 'Web shop', ...(options.enabledMethods && { enabledMethods: options.enabledMethods }) }, { kind: 'system', id: null });
  const integrationId = created.integration.id;
  const api = new ApiClient(s.url);
  const login = await api.login(OWNER.email, OWNER.password);
  if (login.status !== 200) throw new Error(`owner login failed: ${login.text}`);
  const returnUrl = site.url;
  const cancelUrl = site.url.replace('/return', '/cancel');
  return {
    s,
    site,
    returnUrl,
    cancelUrl,
    ownerId: owner.merchant.id,
    otherId: other.merchant.id,
    integrationId,
    api,
    async pay(body = {}) {
      const payload: Record<string, unknown> = {
        amount: 1250,
        currency: 'USD',
        description: 'Two hammers',
        reference: 'INV-7',
        returnUrl,
        cancelUrl,
        testCheckout: 'merchant_only',
        ...body,
      };
      for (const [k, v] of Object.entries(payload)) if (v === null) delete payload[k];
      const r = await api.post(`/api/integrations/${integrationId}/payments`, payload);
      if (r.status !== 201) throw new Error(`payment not created: ${r.text}`);
      return asId('payment', r.body.payment.id);
    },
    async payDirect(input) {
      const integration = await requireActiveIntegration(deps, owner.merchant.id, integrationId);
      const r = await createPayment(deps, { integration, mode: 'test', dialect: 'tollgate', amountMinor: 1250, currency: 'USD', validForMs: 3_600_000, returnUrl, cancelUrl, ...input });
      return r.payment!.id;
    },
    async payment(id) {
      const p = await findPaymentById(s.store.db, id);
      if (!p) throw new Error(`payment ${id} vanished`);
      return p;
    },
    async at(id, form = '') {
      const p = await findPaymentById(s.store.db, id);
      if (!p) throw new Error(`payment ${id} vanished`);
      return checkoutPath(p, form);
    },
    async advance(ms) {
      s.clock.advance(ms);
      await s.app.worker.drain();
    },
    async stop() {
      await s.stop();
      await site.close();
    },
  };
}

export interface PageReply {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

/** A visitor without JavaScript: keeps cookies by name, reads the CSRF field from the last page. */
export class Visitor {
  readonly cookies = new Map<string, string>();
  /** The raw Set-Cookie lines of the last answer. */
  lastSetCookie: string[] = [];
  csrf: string | undefined;

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async send(method: string, path: string, body?: string, contentType = 'application/x-www-form-urlencoded'): Promise<PageReply> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    if (body !== undefined) headers['content-type'] = contentType;
    const res = await fetch(`${this.base}${path}`, { method, headers, body, redirect: 'manual' });
    this.lastSetCookie = res.headers.getSetCookie();
    for (const line of this.lastSetCookie) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq);
      const value = (pair ?? '').slice(eq + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await res.text();
    const m = /name="csrf" value="([^"]+)"/.exec(html);
    if (m) this.csrf = m[1];
    return { status: res.status, headers: res.headers, html, location: res.headers.get('location') };
  }

  get(path: string): Promise<PageReply> {
    return this.send('GET', path);
  }

  /** Posts a form; the CSRF field of the last page is added unless the fields say otherwise. */
  post(path: string, fields: Record<string, string>, options: { csrf?: string | null; contentType?: string } = {}): Promise<PageReply> {
    const token = options.csrf === undefined ? this.csrf : options.csrf;
    const all = token === null || token === undefined ? fields : { csrf: token, ...fields };
    return this.send('POST', path, new URLSearchParams(all).toString(), options.contentType);
  }

  /** Takes over a management API session cookie (the same cookie the checkout login sets). */
  adoptSession(cookieHeader: string): void {
    const [name, value] = cookieHeader.split('=');
    if (name && value) this.cookies.set(name, value);
  }
}
