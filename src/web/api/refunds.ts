import { asId } from '../../core/ids.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps.js';
import { refundView } from '../../services/payments/queries.js';
import { cancelRefund, createRefund } from '../../services/payments/refunds.js';
import { requireMerchant } from './auth.js';
import { refund } from './resources.js';
import { paymentId, refundId, text } from './schemas.js';
import { MERCHANT_RESOURCE, problems } from './shapes.js';

/** Refunds of a payment: full or partial, and cancelling one still new. */
export function registerRefundRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post('/api/payments/:id/refunds', {
    schema: {
      tags: ['payments'],
      summary: 'Refund part or all of a paid payment',
      description: 'The amount is reserved at once (the payment’s `refunded` grows); the refunds of a payment never exceed its amount.',
      params: paymentId,
      body: z.object({ amount: z.number().int().positive().meta({ description: 'In minor units of the payment’s currency', example: 500 }), reason: text(255).optional() }).strict(),
      response: { 201: z.object({ refund }), ...problems(...MERCHANT_RESOURCE, 409, 422) },
    },
  }, async (request, reply) => {
    const { refund: r } = await createRefund(deps, requireMerchant(request), asId('payment', request.params.id), { amountMinor: request.body.amount, reason: request.body.reason ?? null });
    return reply.code(201).send({ refund: refundView(r) });
  });

  app.post('/api/refunds/:id/cancel', {
    schema: {
      tags: ['payments'],
      summary: 'Cancel a refund that is still new',
      description: 'Its amount is released; a refund already sent cannot be cancelled (409).',
      params: refundId,
      response: { 200: z.object({ refund }), ...problems(...MERCHANT_RESOURCE, 409) },
    },
  }, async (request) => {
    return { refund: refundView(await cancelRefund(deps, requireMerchant(request), asId('refund', request.params.id))) };
  });
}
