import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps.js';
import { allMerchants } from '../../services/merchants/accounts.js';
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
}
