import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps.js';
import { integrationDeliveries } from '../../services/notify/delivery-list.js';
import { recordForward } from '../../services/notify/forwards.js';
import { requireMerchant } from './auth.js';
import { integrationId } from './schemas.js';

const deliveryId = z.object({ id: z.string().regex(/^dlv_[0-9a-z]{21}$/, 'must be a delivery id (dlv_…)') });

const attempt = z.object({ attempt: z.number(), attemptedAt: z.string(), url: z.string(), statusCode: z.number().nullable(), latencyMs: z.number(), error: z.string().nullable(), responseHead: z.string().nullable() });
const forward = z.object({ id: z.string(), forwardedAt: z.string(), url: z.string(), statusCode: z.number().nullable(), latencyMs: z.number(), error: z.string().nullable(), responseHead: z.string().nullable() });
const delivery = z.object({
  id: z.string(),
  paymentId: z.string(),
  integrationId: z.string(),
  merchantId: z.string(),
  dialect: z.string(),
  eventVersion: z.number(),
  state: z.string().nullable().describe('the payment state the notification announces'),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  maxAttempts: z.number(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  attemptLog: z.array(attempt),
  forwards: z.array(forward).describe('what tollgate listen did with it: each forward to a local URL and its answer'),
});

/** An integration's notifications across its payments, and the answers `tollgate listen` reports. */
export function registerDeliveryRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/integrations/:id/deliveries', {
    schema: {
      tags: ['notifications'],
      summary: "An integration's notifications, newest first",
      description: 'Each with its attempts and the forwards tollgate listen reported. Filters: status, paymentId.',
      params: integrationId,
      querystring: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().regex(/^dlv_[0-9a-z]{21}$/, 'must be a cursor from nextCursor').optional(),
        status: z.enum(['pending', 'delivered', 'failed']).optional(),
        paymentId: z.string().regex(/^pay_[0-9a-z]{21}$/, 'must be a payment id (pay_…)').optional(),
      }),
      response: { 200: z.object({ data: z.array(delivery), nextCursor: z.string().nullable() }) },
    },
  }, async (request) => {
    const q = request.query;
    return integrationDeliveries(deps, requireMerchant(request), request.params.id, { limit: q.limit, cursor: q.cursor, status: q.status, paymentId: q.paymentId });
  });

  app.post('/api/deliveries/:id/forwards', {
    schema: {
      tags: ['notifications'],
      summary: 'Report what a local receiver answered to a forwarded notification (tollgate listen)',
      description:
        'Kept in the delivery record beside the gateway\'s attempts. An answer the wire counts as delivered (2xx) delivers a pending notification, so the gateway stops retrying its own URL.',
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
      response: { 201: z.object({ forward: z.object({ id: z.string(), delivered: z.boolean() }) }) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const forward = await recordForward(deps, requireMerchant(request), request.params.id, { url: b.url, statusCode: b.statusCode, latencyMs: b.latencyMs, error: b.error, responseHead: b.responseHead });
    return reply.code(201).send({ forward });
  });
}
