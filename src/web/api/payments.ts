import { asId, asOptionalId } from '../../core/ids.js';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CURRENCIES, type Currency } from '../../core/money.js';
import { PAYMENT_METHODS } from '../../core/payment-methods.js';
import type { ServiceDeps } from '../../services/deps.js';
import { requireActiveIntegration } from '../../services/merchants/integrations.js';
import { createPayment } from '../../services/payments/create.js';
import { paymentsCsv } from '../../services/payments/export.js';
import { startPayment } from '../../services/payments/pay.js';
import { getPaymentDetail, paymentView, requirePayment, searchMerchantPayments } from '../../services/payments/queries.js';
import { paymentFilterQuery, toPaymentFilter } from './payment-filters.js';
import { payment, paymentEvent, refund } from './resources.js';
import { MERCHANT_RESOURCE, page, pageQuery, problems } from './shapes.js';
import { requireMerchant } from './auth.js';
import { httpUrl, integrationId, paymentId, text } from './schemas.js';

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
      summary: 'Create a payment',
      description:
        'The customer pays it at checkoutUrl (or pay it at once with POST /api/payments/{id}/pay). Amounts are integers in minor units of currency. ' +
        'Send Idempotency-Key to make retries safe: the same key with the same body answers the first response again (header idempotent-replayed: true).',
      params: integrationId,
      headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }).loose(),
      body: z
        .object({
          amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).meta({ description: 'In minor units of currency', example: 5900 }),
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
      response: { 201: z.object({ payment }), ...problems(...MERCHANT_RESOURCE, 409) },
    },
  }, async (request, reply) => {
    const merchantId = requireMerchant(request);
    const integration = await requireActiveIntegration(deps, merchantId, asId('integration', request.params.id));
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
      typeof key === 'string' ? { scope: 'tollgate:create-payment', key, request: JSON.stringify(b) } : undefined,
      async (_tx, p) => ({ payment: paymentView(deps, p) }),
    );
    reply.header('idempotent-replayed', String(result.replayed));
    return reply.code(201).send(result.response);
  });

  app.get('/api/integrations/:id/payments', {
    schema: {
      tags: ['payments'],
      summary: 'Payments of an integration',
      description: 'Newest first, a page at a time, filtered by every query parameter given.',
      params: integrationId,
      querystring: paymentFilterQuery.extend(pageQuery.shape),
      response: { 200: page(payment, 'Payments'), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const { limit, cursor, ...f } = request.query;
    return searchMerchantPayments(deps, requireMerchant(request), { ...toPaymentFilter(f), integrationId: asId('integration', request.params.id) }, { limit, cursor });
  });

  app.get('/api/payments', {
    schema: {
      tags: ['payments'],
      summary: "The merchant's payments across integrations",
      description: 'Newest first, a page at a time, filtered by every query parameter given (integrationId narrows to one integration).',
      querystring: paymentFilterQuery.extend({ integrationId: integrationId.shape.id.optional() }).extend(pageQuery.shape),
      response: { 200: page(payment, 'Payments'), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const { limit, cursor, integrationId: only, ...f } = request.query;
    return searchMerchantPayments(deps, requireMerchant(request), { ...toPaymentFilter(f), integrationId: asOptionalId('integration', only) }, { limit, cursor });
  });

  app.get('/api/payments.csv', {
    schema: {
      tags: ['payments'],
      summary: 'Export payments as CSV',
      description: 'Every payment matching the filters (the same as GET /api/payments), newest first; amounts in minor units. Text a spreadsheet would run as a formula starts with an apostrophe.',
      querystring: paymentFilterQuery.extend({ integrationId: integrationId.shape.id.optional() }),
      response: { 200: z.custom<Readable>().meta({ type: 'string', 'x-content-type': 'text/csv', description: 'CSV with a header line' }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request, reply) => {
    const merchantId = requireMerchant(request);
    const { integrationId: only, ...f } = request.query;
    const filter = { ...toPaymentFilter(f), integrationId: asOptionalId('integration', only) };
    // Checked before the stream starts, so an unknown integration is still a 404 problem.
    await searchMerchantPayments(deps, merchantId, filter, { limit: 1 });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="payments.csv"')
      .send(Readable.from(paymentsCsv(deps, merchantId, filter)));
  });

  app.get('/api/payments/:id', {
    schema: {
      tags: ['payments'],
      summary: 'A payment with its events and refunds',
      description: 'The events are the timeline: each change of state with the version it made.',
      params: paymentId,
      response: { 200: z.object({ payment, events: z.array(paymentEvent), refunds: z.array(refund) }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    return getPaymentDetail(deps, requireMerchant(request), asId('payment', request.params.id));
  });

  app.post('/api/payments/:id/pay', {
    schema: {
      tags: ['payments'],
      summary: 'Express checkout: pay with a method now',
      description: 'In test mode the method’s simulator decides by the documented magic values; in live mode a method without a live rail refuses (422).',
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
      response: {
        200: z.object({
          payment,
          instructions: z.string().optional().meta({ description: 'What the customer must do next (approve on the phone, …)' }),
          authorization: z.object({ code: z.string(), expiresAt: z.string(), qrUrl: z.string().optional() }).optional(),
        }),
        ...problems(...MERCHANT_RESOURCE, 409, 422),
      },
    },
  }, async (request) => {
    const merchantId = requireMerchant(request);
    const paymentId = asId('payment', request.params.id);
    await requirePayment(deps, merchantId, paymentId);
    const { method, ...input } = request.body;
    const r = await startPayment(deps, paymentId, method, input);
    return {
      payment: paymentView(deps, r.payment),
      ...(r.instructions !== undefined && { instructions: r.instructions }),
      ...(r.authorization !== undefined && { authorization: { ...r.authorization, expiresAt: new Date(r.authorization.expiresAt).toISOString() } }),
    };
  });
}
