import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CURRENCIES, type Currency } from '../../core/money.js';
import { PAYMENT_METHODS } from '../../core/payment-methods.js';
import type { ServiceDeps } from '../../services/deps.js';
import { requireActiveIntegration } from '../../services/merchants/integrations.js';
import { listDeliveries, redeliver } from '../../services/notify/deliveries.js';
import { createPayment } from '../../services/payments/create.js';
import { startPayment } from '../../services/payments/pay.js';
import { getPaymentDetail, listIntegrationPayments, paymentView, requirePayment } from '../../services/payments/queries.js';
import { cancelRefund, createRefund } from '../../services/payments/refunds.js';
import { requireMerchant } from './auth.js';
import { httpUrl, integrationId, text } from './schemas.js';

const paymentId = z.object({ id: z.string().regex(/^pay_[0-9a-z]{21}$/, 'must be a payment id (pay_…)') });
const DEFAULT_VALIDITY_S = 24 * 60 * 60;

/**
 * Tollgate's own payments API: create a payment on an integration, pay it with a method (express),
 * read it with its events, refund it, and see and redeliver its notifications.
 */
export function registerPaymentRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post('/api/integrations/:id/payments', {
    schema: {
      tags: ['payments'],
      summary: 'Create a payment; the customer pays it at checkoutUrl. Send Idempotency-Key to make retries safe.',
      params: integrationId,
      headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }).loose(),
      body: z
        .object({
          amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
          currency: z.enum(Object.keys(CURRENCIES) as [Currency, ...Currency[]]),
          reference: text(100).optional(),
          description: text(255).optional(),
          items: z.array(z.object({ name: text(120), quantity: z.number().int().positive(), unitMinor: z.number().int().nonnegative() }).strict()).max(100).optional(),
          customer: z.object({ email: z.email().max(254).optional(), phone: z.string().max(32).optional(), name: text(100).optional() }).strict().optional(),
          returnUrl: httpUrl.optional(),
          cancelUrl: httpUrl.optional(),
          notifyUrl: httpUrl.optional(),
          merchantTrace: text(32).optional(),
          validForSeconds: z.number().int().min(60).max(864_000).optional(),
          testCheckout: z.enum(['merchant_only', 'open']).optional(),
        })
        .strict(),
    },
  }, async (request, reply) => {
    const merchantId = requireMerchant(request);
    const integration = await requireActiveIntegration(deps, merchantId, request.params.id);
    if (integration.mode === 'test') request.testLog = { integrationId: integration.id, dialect: 'tollgate', signature: null };
    const b = request.body;
    const key = request.headers['idempotency-key'];
    const result = await createPayment(
      deps,
      {
        integration,
        mode: integration.mode,
        dialect: 'tollgate',
        amountMinor: b.amount,
        currency: b.currency,
        reference: b.reference ?? null,
        description: b.description ?? null,
        items: b.items ?? [],
        customer: b.customer ?? {},
        returnUrl: b.returnUrl ?? null,
        cancelUrl: b.cancelUrl ?? null,
        notifyUrl: b.notifyUrl ?? null,
        merchantTrace: b.merchantTrace ?? null,
        validForMs: (b.validForSeconds ?? DEFAULT_VALIDITY_S) * 1000,
        testCheckout: b.testCheckout ?? 'merchant_only',
      },
      typeof key === 'string' ? { scope: 'tollgate:create-payment', key, request: JSON.stringify(b), respond: (p) => ({ payment: paymentView(deps, p) }) } : undefined,
    );
    reply.header('idempotent-replayed', String(result.replayed));
    return reply.code(201).send(result.response ?? { payment: paymentView(deps, result.payment!) });
  });

  app.get('/api/integrations/:id/payments', {
    schema: { tags: ['payments'], summary: 'Payments of an integration, newest first', params: integrationId, querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }) },
  }, async (request) => {
    return { payments: await listIntegrationPayments(deps, requireMerchant(request), request.params.id, request.query.limit) };
  });

  app.get('/api/payments/:id', { schema: { tags: ['payments'], summary: 'A payment with its events and refunds', params: paymentId } }, async (request) => {
    return getPaymentDetail(deps, requireMerchant(request), request.params.id);
  });

  app.post('/api/payments/:id/pay', {
    schema: {
      tags: ['payments'],
      summary: 'Express checkout: pay with a method now (test mode: its simulator decides)',
      params: paymentId,
      body: z
        .object({
          method: z.enum(PAYMENT_METHODS),
          phone: z.string().max(32).optional(),
          token: z.string().max(64).optional(),
          code: z.string().max(16).optional(),
          cardNumber: z.string().max(32).optional(),
          customerAlias: z.string().max(254).optional(),
        })
        .strict(),
    },
  }, async (request) => {
    const merchantId = requireMerchant(request);
    await requirePayment(deps, merchantId, request.params.id);
    const { method, ...input } = request.body;
    const r = await startPayment(deps, request.params.id, method, input);
    return {
      payment: paymentView(deps, r.payment),
      ...(r.instructions !== undefined && { instructions: r.instructions }),
      ...(r.authorization !== undefined && { authorization: { ...r.authorization, expiresAt: new Date(r.authorization.expiresAt).toISOString() } }),
    };
  });

  app.post('/api/payments/:id/refunds', {
    schema: { tags: ['payments'], summary: 'Refund part or all of a paid payment', params: paymentId, body: z.object({ amount: z.number().int().positive(), reason: text(255).optional() }).strict() },
  }, async (request, reply) => {
    const { refund } = await createRefund(deps, requireMerchant(request), request.params.id, { amountMinor: request.body.amount, reason: request.body.reason ?? null });
    return reply.code(201).send({ refund });
  });

  app.post('/api/refunds/:id/cancel', {
    schema: { tags: ['payments'], summary: 'Cancel a refund that is still new', params: z.object({ id: z.string().regex(/^re_[0-9a-z]{21}$/, 'must be a refund id (re_…)') }) },
  }, async (request) => {
    return { refund: await cancelRefund(deps, requireMerchant(request), request.params.id) };
  });

  app.get('/api/payments/:id/deliveries', { schema: { tags: ['notifications'], summary: 'Notifications of a payment with every attempt', params: paymentId } }, async (request) => {
    return { deliveries: await listDeliveries(deps, requireMerchant(request), request.params.id) };
  });

  app.post('/api/deliveries/:id/redeliver', {
    schema: { tags: ['notifications'], summary: 'Send a notification again, now', params: z.object({ id: z.string().regex(/^dlv_[0-9a-z]{21}$/, 'must be a delivery id (dlv_…)') }) },
  }, async (request, reply) => {
    await redeliver(deps, requireMerchant(request), request.params.id);
    return reply.code(202).send({ scheduled: true });
  });
}
