import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CURRENCIES } from '../../core/money.js';
import { PAYMENT_METHODS } from '../../core/payment-methods.js';
import type { ServiceDeps } from '../../services/deps.js';
import { allMerchants } from '../../services/merchants/accounts.js';
import { ANY_CURRENCY, feeSchedule, setFeeRule } from '../../services/money/fees.js';
import { decideGoLive, pendingGoLiveRequests } from '../../services/merchants/golive.js';
import { loadFixture } from '../../services/sandbox/fixtures.js';
import { requireOperator } from './auth.js';
import { integrationId, text } from './schemas.js';

/** What the gateway's own staff do: review go-live requests and see every merchant. */
export function registerOperatorRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/operator/merchants', { schema: { tags: ['operator'], summary: 'Every merchant' } }, async (request) => {
    requireOperator(request);
    return { merchants: await allMerchants(deps) };
  });

  app.get('/api/operator/golive-requests', { schema: { tags: ['operator'], summary: 'Go-live requests waiting for review' } }, async (request) => {
    requireOperator(request);
    return { integrations: await pendingGoLiveRequests(deps) };
  });

  app.post('/api/operator/integrations/:id/golive/approve', {
    schema: { tags: ['operator'], summary: 'Approve: the integration goes live and fresh live keys are emailed', params: integrationId },
  }, async (request) => {
    const operatorId = requireOperator(request);
    return { integration: await decideGoLive(deps, request.params.id, { approve: true }, { kind: 'operator', id: operatorId }) };
  });

  app.post('/api/operator/sandbox/load', {
    schema: {
      tags: ['operator', 'sandbox'],
      summary: 'Load a sandbox fixture (merchants, integrations with chosen credentials, fictitious customers, payments); loading twice changes nothing',
      body: z.record(z.string(), z.unknown()),
    },
  }, async (request) => {
    requireOperator(request);
    return { loaded: await loadFixture(deps, request.body) };
  });

  app.post('/api/operator/integrations/:id/golive/reject', {
    schema: { tags: ['operator'], summary: 'Reject with a reason the merchant will read', params: integrationId, body: z.object({ reason: text(1000) }).strict() },
  }, async (request) => {
    const operatorId = requireOperator(request);
    return {
      integration: await decideGoLive(deps, request.params.id, { approve: false, reason: request.body.reason }, { kind: 'operator', id: operatorId }),
    };
  });

  app.get('/api/operator/fees', { schema: { tags: ['operator', 'money'], summary: 'The fee schedule the operator set; a method and currency not in it takes the documented default' } }, async (request) => {
    requireOperator(request);
    return { fees: await feeSchedule(deps.store.db) };
  });

  app.put('/api/operator/fees/:method/:currency', {
    schema: {
      tags: ['operator', 'money'],
      summary: "Set a method's fee in a currency (or * for any): basis points of the amount, rounded half up, plus a fixed part, within an optional minimum and maximum",
      params: z.object({ method: z.enum(PAYMENT_METHODS), currency: z.enum([ANY_CURRENCY, ...Object.keys(CURRENCIES)] as [string, ...string[]]) }),
      body: z.object({ percentBps: minor.max(10_000), fixedMinor: minor, minMinor: minor.nullable().optional(), maxMinor: minor.nullable().optional() }).strict(),
    },
  }, async (request) => {
    requireOperator(request);
    return { fees: await setFeeRule(deps.store.db, { ...request.params, ...request.body }) };
  });
}

const minor = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
