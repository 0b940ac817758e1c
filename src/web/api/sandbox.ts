import { asId, asOptionalId } from '../../core/ids.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CURRENCIES, type Currency } from '../../core/money.js';
import type { ServiceDeps } from '../../services/deps.js';
import { paymentView } from '../../services/payments/queries.js';
import {
  advanceSandboxClock,
  completeTestPayment,
  createFictitiousCustomer,
  fictitiousCustomers,
  reloadFictitiousCustomer,
  requestLogPage,
  sandboxPayout,
} from '../../services/sandbox/controls.js';
import { requireMerchant } from './auth.js';
import { customer, payment, requestLogEntry } from './resources.js';
import { email, integrationId, paymentId, text } from './schemas.js';
import { MERCHANT_RESOURCE, page, pageQuery, problems } from './shapes.js';
import { pageInMemory } from '../../services/paging.js';
import type { FictitiousCustomer } from '../../store/repos/sandbox.js';

const customerView = (c: FictitiousCustomer) => ({ id: c.id, integrationId: c.integrationId, name: c.name, email: c.email, phone: c.phone, balance: c.balanceMinor, currency: c.currency, createdAt: c.createdAt });

/** Test-mode controls for scripts and CI: finish payments, move time, read the request log, manage fictitious customers. */
export function registerSandboxRoutes(root: FastifyInstance, deps: ServiceDeps, drain: () => Promise<number>): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post('/api/payments/:id/sandbox/complete', {
    schema: {
      tags: ['sandbox'],
      summary: 'Finish a test payment as paid, failed, cancelled or expired',
      description: 'What the sandbox buttons of the checkout page do. A live payment is refused (403); finishing twice the same way changes nothing (`changed: false`).',
      params: paymentId,
      body: z.object({ outcome: z.enum(['paid', 'failed', 'cancelled', 'expired']) }).strict(),
      response: { 200: z.object({ payment, changed: z.boolean() }), ...problems(...MERCHANT_RESOURCE, 409) },
    },
  }, async (request) => {
    const r = await completeTestPayment(deps, requireMerchant(request), asId('payment', request.params.id), request.body.outcome);
    return { payment: paymentView(deps, r.payment), changed: r.changed };
  });

  app.post('/api/integrations/:id/sandbox/advance', {
    schema: {
      tags: ['sandbox'],
      summary: "Move the integration's sandbox clock forward",
      description: 'Timers, expiries and retry waits that fall due fire at once. Test integrations only (403 on a live one).',
      params: integrationId,
      body: z.object({ seconds: z.number().int().positive().max(365 * 24 * 3600) }).strict(),
      response: {
        200: z.object({
          offsetSeconds: z.number().meta({ description: "How far ahead of real time the integration's clock now is" }),
          jobsMoved: z.number().int(),
          jobsRun: z.number().int(),
        }),
        ...problems(...MERCHANT_RESOURCE),
      },
    },
  }, async (request) => {
    const r = await advanceSandboxClock(deps, requireMerchant(request), asId('integration', request.params.id), request.body.seconds * 1000);
    const ran = await drain();
    return { offsetSeconds: r.offsetMs / 1000, jobsMoved: r.jobsMoved, jobsRun: ran };
  });

  app.post('/api/integrations/:id/sandbox/payout', {
    schema: {
      tags: ['sandbox'],
      summary: "Pay out the integration's test balance in a currency",
      description: 'All of it, or `amount` (in minor units): what a test does to reach "insufficient balance" for a refund.',
      params: integrationId,
      body: z.object({ currency: z.enum(Object.keys(CURRENCIES) as [Currency, ...Currency[]]), amount: z.number().int().positive().optional() }).strict(),
      response: {
        200: z.object({ paidOut: z.number().int().meta({ description: 'Paid out, in minor units of currency' }), balance: z.number().int().meta({ description: 'Test balance left, in minor units of currency' }), currency: z.string() }),
        ...problems(...MERCHANT_RESOURCE, 422),
      },
    },
  }, async (request) => {
    return { ...(await sandboxPayout(deps, requireMerchant(request), asId('integration', request.params.id), request.body.currency, request.body.amount)), currency: request.body.currency };
  });

  app.get('/api/integrations/:id/request-log', {
    schema: {
      tags: ['sandbox'],
      summary: 'The test-mode request log',
      description:
        'Every request the integration sent in test mode, newest first: headers (secrets masked), body, our answer, the hash or signature we computed, and for a failed check its `diagnosis` (the most likely mistake, the strings hashed and the first differing byte). ' +
        '`failedNotLogged` counts failed requests beyond the per-minute budget that were only counted. `paymentId` keeps the entries that name that payment.',
      params: integrationId,
      querystring: pageQuery.extend({ paymentId: z.string().regex(/^pay_[0-9a-z]{21}$/).optional().meta({ description: 'Only entries about this payment' }) }),
      response: { 200: page(requestLogEntry, 'Request log entries, newest first').extend({ failedNotLogged: z.number().int() }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const { paymentId, ...page } = request.query;
    return requestLogPage(deps, requireMerchant(request), asId('integration', request.params.id), { ...page, paymentId: asOptionalId('payment', paymentId) });
  });

  app.get('/api/integrations/:id/customers', {
    schema: {
      tags: ['sandbox'],
      summary: 'Fictitious customers of the integration',
      description: 'Newest first. They pay test payments from their balance (seed 000).',
      params: integrationId,
      querystring: pageQuery,
      response: { 200: page(customer, 'Fictitious customers'), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const all = await fictitiousCustomers(deps, requireMerchant(request), asId('integration', request.params.id));
    return pageInMemory(all, request.query, (c) => ({ at: c.createdAt, id: c.id }), customerView);
  });

  app.post('/api/integrations/:id/customers', {
    schema: {
      tags: ['sandbox'],
      summary: 'Create a fictitious customer',
      description: 'A customer who pays test payments from a balance (in minor units of currency).',
      params: integrationId,
      body: z
        .object({
          name: text(100),
          email,
          phone: z.string().regex(/^\+?\d{6,15}$/, 'must be a phone number of digits'),
          balance: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
          currency: z.enum(Object.keys(CURRENCIES) as [Currency, ...Currency[]]),
        })
        .strict(),
      response: { 201: z.object({ customer }), ...problems(...MERCHANT_RESOURCE, 409) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const customer = await createFictitiousCustomer(deps, requireMerchant(request), asId('integration', request.params.id), { name: b.name, email: b.email, phone: b.phone, balanceMinor: b.balance, currency: b.currency });
    return reply.code(201).send({ customer: customerView(customer) });
  });

  app.post('/api/integrations/:id/customers/:customerId/reload', {
    schema: {
      tags: ['sandbox'],
      summary: "Add to a fictitious customer's balance",
      description: '`amount` is in minor units of the customer’s currency.',
      params: integrationId.extend({ customerId: z.string().regex(/^cus_[0-9a-z]{21}$/, 'must be a customer id (cus_…)') }),
      body: z.object({ amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict(),
      response: { 200: z.object({ customer }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    return { customer: customerView(await reloadFictitiousCustomer(deps, requireMerchant(request), asId('integration', request.params.id), asId('customer', request.params.customerId), request.body.amount)) };
  });
}
