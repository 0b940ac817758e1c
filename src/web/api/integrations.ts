import { asId, type MerchantId } from '../../core/ids.js';
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
  merchantAuditPage,
  rotateIntegrationKeys,
  updateIntegrationSettings,
} from '../../services/merchants/integrations.js';
import { requireMerchant } from './auth.js';
import { auditEntry, credentials, integration } from './resources.js';
import { integrationFields, integrationId, rotationGroups } from './schemas.js';
import { MERCHANT, MERCHANT_RESOURCE, page, pageQuery, problems } from './shapes.js';
import { pageInMemory } from '../../services/paging.js';

const actorOf = (merchantId: MerchantId) => ({ kind: 'merchant' as const, id: merchantId });

/** Integrations, their keys, the go-live request and the audit log, for the merchant who owns them. */
export function registerIntegrationRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/integrations', {
    schema: {
      tags: ['integrations'],
      summary: 'List integrations',
      description: "The merchant's integrations, newest first (never their keys).",
      querystring: pageQuery,
      response: { 200: page(integration, 'Integrations'), ...problems(...MERCHANT) },
    },
  }, async (request) => {
    const all = await listMerchantIntegrations(deps, requireMerchant(request));
    return pageInMemory(all, request.query, (i) => ({ at: Date.parse(i.createdAt), id: i.id }), (i) => i);
  });

  app.post('/api/integrations', {
    schema: {
      tags: ['integrations'],
      summary: 'Create an integration in test mode',
      description: 'Its credentials for every dialect are in this response once, and emailed to the company address; the API never shows them again.',
      body: z.object(integrationFields).strict(),
      response: { 201: z.object({ integration, credentials }), ...problems(...MERCHANT) },
    },
  }, async (request, reply) => {
    const merchantId = requireMerchant(request);
    return reply.code(201).send(await createIntegration(deps, merchantId, request.body, actorOf(merchantId)));
  });

  app.get('/api/integrations/:id', {
    schema: {
      tags: ['integrations'],
      summary: 'Read an integration',
      description: 'Its settings, mode and go-live state (never its keys).',
      params: integrationId,
      response: { 200: z.object({ integration }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    return { integration: await getIntegration(deps, requireMerchant(request), asId('integration', request.params.id)) };
  });

  app.patch('/api/integrations/:id', {
    schema: {
      tags: ['integrations'],
      summary: 'Change an integration',
      description: 'Only the fields sent change. `{"disabled": true}` disables it: its wires then refuse every request.',
      params: integrationId,
      body: z.object({ ...integrationFields, name: integrationFields.name.optional(), disabled: z.boolean().optional() }).strict(),
      response: { 200: z.object({ integration }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const merchantId = requireMerchant(request);
    return { integration: await updateIntegrationSettings(deps, merchantId, asId('integration', request.params.id), request.body, actorOf(merchantId)) };
  });

  app.post('/api/integrations/:id/rotate-keys', {
    schema: {
      tags: ['integrations'],
      summary: 'Generate New Key',
      description:
        'Replaces the keys of the groups named (every group by default) at once; `graceSeconds` (up to 7 days) keeps the old ones verifying meanwhile. The new keys are emailed to the company address, never returned.',
      params: integrationId,
      // A POST without a body arrives as null; it means "every group, at once".
      body: z.preprocess((v) => v ?? {}, z.object({ groups: rotationGroups.optional(), graceSeconds: z.number().int().min(0).max(604_800).optional() }).strict()),
      response: { 200: z.object({ integration, rotated: z.array(z.string()).meta({ description: 'The rotation groups renewed' }), emailed: z.literal(true) }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const merchantId = requireMerchant(request);
    const result = await rotateIntegrationKeys(
      deps,
      merchantId,
      asId('integration', request.params.id),
      { groups: request.body.groups as RotationGroup[] | undefined, graceSeconds: request.body.graceSeconds },
      actorOf(merchantId),
    );
    return { integration: result.integration, rotated: result.groups, emailed: true as const };
  });

  app.post('/api/integrations/:id/email-keys', {
    schema: {
      tags: ['integrations'],
      summary: 'Email Key To Company Address',
      description: 'Mails the current keys to the company address (the API never shows them after creation).',
      params: integrationId,
      response: { 202: z.object({ to: z.string().meta({ description: 'The address mailed' }) }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request, reply) => {
    const merchantId = requireMerchant(request);
    return reply.code(202).send(await emailIntegrationKeys(deps, merchantId, asId('integration', request.params.id), actorOf(merchantId)));
  });

  app.post('/api/integrations/:id/go-live', {
    schema: {
      tags: ['integrations'],
      summary: 'Request to be Set Live',
      description: 'Needs a verified email (403 otherwise) and a successful test payment (409 otherwise). An operator approves, or rejects with a reason shown in goLive.reason.',
      params: integrationId,
      response: { 202: z.object({ integration, warnings: z.array(z.string()).meta({ description: 'What may surprise the merchant once live' }) }), ...problems(...MERCHANT_RESOURCE, 409) },
    },
  }, async (request, reply) => {
    const merchantId = requireMerchant(request);
    const integration = await requestGoLive(deps, merchantId, asId('integration', request.params.id), actorOf(merchantId));
    return reply.code(202).send({ integration, warnings: goLiveWarnings(integration) });
  });

  app.get('/api/audit', {
    schema: {
      tags: ['integrations'],
      summary: 'The audit log',
      description: 'Key rotations, go-live requests and decisions, integration changes; newest first, never a key.',
      querystring: pageQuery,
      response: { 200: page(auditEntry, 'Audit entries'), ...problems(...MERCHANT) },
    },
  }, async (request) => merchantAuditPage(deps, requireMerchant(request), request.query));
}
