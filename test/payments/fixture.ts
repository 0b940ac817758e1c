import type { IntegrationId, MerchantId } from '../../src/core/ids.js';
/**
 * What the payments and notification suites share: a real server with one verified merchant, an API
 * token (a script's way in: no cookie, no CSRF), an integration, and short calls for the routes.
 */
import type { PaymentMethod } from '../../src/core/payment-methods.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import { createOperator, registerMerchant } from '../../src/services/merchants/accounts.js';
import { decideGoLive, requestGoLive } from '../../src/services/merchants/golive.js';
import { createIntegration } from '../../src/services/merchants/integrations.js';
import { createApiToken } from '../../src/services/merchants/sessions.js';
import { ApiClient, type Reply } from '../helpers/client.js';
import type { DbKind } from '../helpers/dbs.js';
import { snapshot, startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';

export interface Shop {
  s: TestServer;
  api: ApiClient;
  merchantId: MerchantId;
  integrationId: IntegrationId;
  /** The integration's Signature-Key for test mode (signs native webhooks). */
  signatureKey: string;
}

let seq = 0;

/** A verified merchant with an API token; returns its id and a client that sends the token. */
export async function newMerchant(deps: ServiceDeps, base: string, label = 'shop'): Promise<{ merchantId: MerchantId; api: ApiClient }> {
  seq += 1;
  const email = `${label}-${seq}-${Date.now().toString(36)}@example.test`;
  const { merchant } = await registerMerchant(deps, { email, password: 'a long password 1', companyName: `${label} ${seq}` }, { verified: true });
  const { token } = await createApiToken(deps, merchant.id, 'tests');
  const api = new ApiClient(base);
  api.bearer = token;
  return { merchantId: merchant.id, api };
}

export async function newIntegration(
  deps: ServiceDeps,
  merchantId: MerchantId,
  input: { name?: string; notificationUrl?: string; enabledMethods?: PaymentMethod[] } = {},
): Promise<{ integrationId: IntegrationId; signatureKey: string }> {
  const created = await createIntegration(
    deps,
    merchantId,
    { name: input.name ?? 'Web shop', notificationUrl: input.notificationUrl, enabledMethods: input.enabledMethods },
    { kind: 'system', id: null },
  );
  return { integrationId: created.integration.id, signatureKey: created.credentials.paynowPl.sandbox.signatureKey };
}

export async function openShop(kind: DbKind, options: TestServerOptions & { notificationUrl?: string; enabledMethods?: PaymentMethod[] } = {}): Promise<Shop> {
  const { notificationUrl, enabledMethods, ...serverOptions } = options;
  const s = await startTestServer(kind, serverOptions);
  try {
    const { merchantId, api } = await newMerchant(s.app.deps, s.url);
    const { integrationId, signatureKey } = await newIntegration(s.app.deps, merchantId, { notificationUrl, enabledMethods });
    return { s, api, merchantId, integrationId, signatureKey };
  } catch (err) {
    await s.stop();
    throw err;
  }
}

/** POST /api/integrations/:id/payments; fails the test unless 201. Returns the payment view. */
export async function createPaymentOk(api: ApiClient, integrationId: string, body: Record<string, unknown> = {}): Promise<any> {
  const r = await api.post(`/api/integrations/${integrationId}/payments`, { amount: 1000, currency: 'USD', ...body });
  if (r.status !== 201) throw new Error(`creating a payment answered ${r.status}: ${r.text}`);
  return r.body.payment;
}

export function pay(api: ApiClient, paymentId: string, body: Record<string, unknown>): Promise<Reply> {
  return api.post(`/api/payments/${paymentId}/pay`, body);
}

/** GET /api/payments/:id: { payment, events, refunds }. */
export async function detail(api: ApiClient, paymentId: string): Promise<{ payment: any; events: any[]; refunds: any[] }> {
  const r = await api.get(`/api/payments/${paymentId}`);
  if (r.status !== 200) throw new Error(`reading ${paymentId} answered ${r.status}: ${r.text}`);
  return r.body;
}

export async function stateOf(api: ApiClient, paymentId: string): Promise<string> {
  return (await detail(api, paymentId)).payment.state;
}

/** Moves the server's clock and runs every job that fell due. */
export async function advance(s: TestServer, ms: number): Promise<void> {
  s.clock.advance(ms);
  await s.app.worker.drain();
}

/**
 * snapshot() without the tables every request touches on its own: the test-mode request log (written
 * after the response, so it may even land after the reply arrived) and the API tokens' last use.
 */
export function dataSnapshot(store: TestServer['store']): Promise<string> {
  return snapshot(store, ['request_log_batches', 'api_tokens']);
}

/**
 * Takes an integration live the way a merchant and an operator do: one paid test payment (through
 * the sandbox controls), a go-live request, an operator's approval.
 */
export async function makeLive(shop: Pick<Shop, 's' | 'api' | 'merchantId'>, integrationId: IntegrationId): Promise<void> {
  const deps = shop.s.app.deps;
  const p = await createPaymentOk(shop.api, integrationId, { amount: 100, currency: 'USD' });
  const done = await shop.api.post(`/api/payments/${p.id}/sandbox/complete`, { outcome: 'paid' });
  if (done.status !== 200) throw new Error(`sandbox complete answered ${done.status}: ${done.text}`);
  await requestGoLive(deps, shop.merchantId, integrationId, { kind: 'merchant', id: shop.merchantId });
  seq += 1;
  const operator = await createOperator(deps, `operator-${seq}-${Date.now().toString(36)}@example.test`, 'an operator password 1');
  const view = await decideGoLive(deps, integrationId, { approve: true }, { kind: 'operator', id: operator.id });
  if (view.mode !== 'live') throw new Error('the integration did not go live');
}
