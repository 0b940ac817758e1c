import { asId, asOptionalId } from '../../core/ids.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps.js';
import { redeliver } from '../../services/notify/deliveries.js';
import { integrationEndpoints, integrationEventPage, searchMerchantDeliveries } from '../../services/notify/delivery-lists.js';
import { recordForward } from '../../services/notify/forwards.js';
import { requireMerchant } from './auth.js';
import { delivery } from './resources.js';
import { deliveryId, integrationId, paymentId } from './schemas.js';
import { id, instant, instantOrNull, MERCHANT_RESOURCE, page, pageQuery, problems } from './shapes.js';

const deliveryFilter = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional().meta({ description: 'pending (waiting for an attempt or a retry), delivered, or failed (gave up)' }),
  endpoint: z.string().max(2048).optional().meta({ description: 'Only deliveries sent to this URL, exactly' }),
});
const integrationDeliveryFilter = deliveryFilter.extend({
  paymentId: z.string().regex(/^pay_[0-9a-z]{21}$/, 'must be a payment id (pay_…)').optional().meta({ description: "Only this payment's notifications" }),
});

const integrationEvent = z
  .object({
    id: id('evt', 'Event'),
    paymentId: id('pay', 'Payment'),
    version: z.number().int().meta({ description: 'The payment version this event made' }),
    from: z.string().nullable(),
    to: z.string(),
    reason: z.string().nullable(),
    at: instant('When the state changed'),
  })
  .meta({ id: 'IntegrationEvent' });

const endpoint = z
  .object({
    url: z.string(),
    delivered: z.number().int(),
    pending: z.number().int(),
    failed: z.number().int(),
    lastAt: instantOrNull('When the newest delivery to it was queued'),
    failing: z.boolean().meta({ description: 'A delivery gave up after the last one that got through' }),
  })
  .meta({ id: 'NotificationEndpoint' });

/** Notifications: a payment's or an integration's deliveries with every attempt, redelivery, events, endpoint health. */
export function registerDeliveryRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/payments/:id/deliveries', {
    schema: {
      tags: ['notifications'],
      summary: 'Notifications of a payment with every attempt',
      description: 'Each attempt has the request sent, the status answered, the latency and the first KiB of the answer.',
      params: paymentId,
      querystring: deliveryFilter.extend(pageQuery.shape),
      response: { 200: page(delivery, 'Deliveries, newest first'), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const { limit, cursor, status, endpoint: url } = request.query;
    return searchMerchantDeliveries(deps, requireMerchant(request), { paymentId: asId('payment', request.params.id), status, url }, { limit, cursor });
  });

  app.get('/api/integrations/:id/deliveries', {
    schema: {
      tags: ['notifications'],
      summary: 'Every notification of an integration with every attempt',
      description: 'Newest first; filter by status and by endpoint URL.',
      params: integrationId,
      querystring: integrationDeliveryFilter.extend(pageQuery.shape),
      response: { 200: page(delivery, 'Deliveries, newest first'), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const { limit, cursor, status, endpoint: url, paymentId } = request.query;
    return searchMerchantDeliveries(deps, requireMerchant(request), { integrationId: asId('integration', request.params.id), status, url, paymentId: asOptionalId('payment', paymentId) }, { limit, cursor });
  });

  app.get('/api/integrations/:id/events', {
    schema: {
      tags: ['payments'],
      summary: 'Every payment event of an integration',
      description: "Newest first: each change of a payment's state with the version it made.",
      params: integrationId,
      querystring: pageQuery,
      response: { 200: page(integrationEvent, 'Events, newest first'), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => integrationEventPage(deps, requireMerchant(request), asId('integration', request.params.id), request.query));

  app.get('/api/integrations/:id/endpoints', {
    schema: {
      tags: ['notifications'],
      summary: 'Notification endpoints with their delivery health',
      description: 'Each URL notifications went to, with its deliveries by status; `failing` when a delivery gave up after the last success.',
      params: integrationId,
      response: { 200: z.object({ data: z.array(endpoint) }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => ({ data: await integrationEndpoints(deps, requireMerchant(request), asId('integration', request.params.id)) }));

  app.post('/api/deliveries/:id/redeliver', {
    schema: {
      tags: ['notifications'],
      summary: 'Send a notification again, now',
      description: 'One more attempt, whatever became of the delivery; it shows in its attempt log.',
      params: deliveryId,
      response: { 202: z.object({ scheduled: z.literal(true) }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request, reply) => {
    await redeliver(deps, requireMerchant(request), asId('delivery', request.params.id));
    return reply.code(202).send({ scheduled: true as const });
  });

  app.post('/api/deliveries/:id/forwards', {
    schema: {
      tags: ['notifications'],
      summary: 'Report what a local receiver answered to a forwarded notification (tollgate listen)',
      description:
        "Kept in the delivery record beside the gateway's attempts. An answer the wire counts as delivered (2xx) delivers a pending notification, so the gateway stops retrying its own URL.",
      params: deliveryId,
      body: z
        .object({
          url: z.url({ protocol: /^https?$/ }).max(2048),
          statusCode: z.number().int().min(100).max(599).nullable(),
          latencyMs: z.number().int().min(0).max(3_600_000),
          error: z.string().max(1000).nullable().default(null),
          responseHead: z.string().max(1024).nullable().default(null),
        })
        .strict(),
      response: { 201: z.object({ forward: z.object({ id: id('fwd', 'Forward'), delivered: z.boolean().meta({ description: 'Whether this answer delivered the notification' }) }) }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const forward = await recordForward(deps, requireMerchant(request), asId('delivery', request.params.id), { url: b.url, statusCode: b.statusCode, latencyMs: b.latencyMs, error: b.error, responseHead: b.responseHead });
    return reply.code(201).send({ forward });
  });
}
