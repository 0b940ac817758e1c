import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RotationGroup } from '../../core/credentials.js';
import type { ServiceDeps } from '../../services/deps.js';
import { goLiveWarnings, requestGoLive } from '../../services/merchants/golive.js';
import {
  createIntegration,
  emailIntegrationKeys,
  getIntegration,
  listMerchantIntegrations,
  merchantAudit,
  rotateIntegrationKeys,
  updateIntegrationSettings,
} from '../../services/merchants/integrations.js';
import { requireMerchant } from './auth.js';
import { integrationFields, integrationId, rotationGroups } from './schemas.js';

const actorOf = (merchantId: string) => ({ kind: 'merchant' as const, id: merchantId });

/** Integrations, their keys, the go-live request and the audit log, for the merchant who owns them. */
export function registerIntegrationRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/integrations', { schema: { tags: ['integrations'], summary: 'List integrations' } }, async (request) => {
    return { integrations: await listMerchantIntegrations(deps, requireMerchant(request)) };
  });

  app.post('/api/integrations', {
    schema: {
      tags: ['integrations'],
      summary: 'Create an integration in test mode. Its credentials are in this response once, and emailed to the company address.',
      body: z.object(integrationFields).strict(),
    },
  }, async (request, reply) => {
    const merchantId = requireMerchant(request);
    return reply.code(201).send(await createIntegration(deps, merchantId, request.body, actorOf(merchantId)));
  });

  app.get('/api/integrations/:id', { schema: { tags: ['integrations'], summary: 'Read an integration (never its keys)', params: integrationId } }, async (request) => {
    return { integration: await getIntegration(deps, requireMerchant(request), request.params.id) };
  });

  app.patch('/api/integrations/:id', {
    schema: {
      tags: ['integrations'],
      summary: 'Change an integration, or disable it with {"disabled": true}',
      params: integrationId,
      body: z.object({ ...integrationFields, name: integrationFields.name.optional(), disabled: z.boolean().optional() }).strict(),
    },
  }, async (request) => {
    const merchantId = requireMerchant(request);
    return { integration: await updateIntegrationSettings(deps, merchantId, request.params.id, request.body, actorOf(merchantId)) };
  });

  app.post('/api/integrations/:id/rotate-keys', {
    schema: {
      tags: ['integrations'],
      summary: 'Generate New Key: the new keys are emailed to the company address, never returned',
      params: integrationId,
      // A POST without a body arrives as null; it means "every group, at once".
      body: z.preprocess((v) => v ?? {}, z.object({ groups: rotationGroups.optional(), graceSeconds: z.number().int().min(0).max(604_800).optional() }).strict()),
    },
  }, async (request) => {
    const merchantId = requireMerchant(request);
    const result = await rotateIntegrationKeys(
      deps,
      merchantId,
      request.params.id,
      { groups: request.body.groups as RotationGroup[] | undefined, graceSeconds: request.body.graceSeconds },
      actorOf(merchantId),
    );
    return { integration: result.integration, rotated: result.groups, emailed: true };
  });

  app.post('/api/integrations/:id/email-keys', {
    schema: { tags: ['integrations'], summary: 'Email Key To Company Address', params: integrationId },
  }, async (request, reply) => {
    const merchantId = requireMerchant(request);
    return reply.code(202).send(await emailIntegrationKeys(deps, merchantId, request.params.id, actorOf(merchantId)));
  });

  app.post('/api/integrations/:id/go-live', {
    schema: { tags: ['integrations'], summary: 'Request to be set live (needs a verified email and a successful test payment)', params: integrationId },
  }, async (request, reply) => {
    const merchantId = requireMerchant(request);
    const integration = await requestGoLive(deps, merchantId, request.params.id, actorOf(merchantId));
    return reply.code(202).send({ integration, warnings: goLiveWarnings(integration) });
  });

  app.get('/api/audit', {
    schema: { tags: ['integrations'], summary: 'The audit log: key rotations, go-live decisions, integration changes', querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  }, async (request) => {
    return { entries: await merchantAudit(deps, requireMerchant(request), request.query.limit) };
  });
}
