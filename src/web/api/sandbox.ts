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
  requestLog,
  sandboxPayout,
} from '../../services/sandbox/controls.js';
import { requireMerchant } from './auth.js';
import { email, integrationId, text } from './schemas.js';

const paymentId = z.object({ id: z.string().regex(/^pay_[0-9a-z]{21}$/, 'must be a payment id (pay_…)') });

/** Test-mode controls for scripts and CI: finish payments, move time, read the request log, manage fictitious customers. */
export function registerSandboxRoutes(root: FastifyInstance, deps: ServiceDeps, drain: () => Promise<number>): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post('/api/payments/:id/sandbox/complete', {
    schema: {
      tags: ['sandbox'],
      summary: 'Finish a test payment as paid, failed, cancelled or expired (instead of clicking the checkout page)',
      params: paymentId,
      body: z.object({ outcome: z.enum(['paid', 'failed', 'cancelled', 'expired']) }).strict(),
    },
  }, async (request) => {
    const r = await completeTestPayment(deps, requireMerchant(request), request.params.id, request.body.outcome);
    return { payment: paymentView(deps, r.payment), changed: r.changed };
  });

  app.post('/api/integrations/:id/sandbox/advance', {
    schema: {
      tags: ['sandbox'],
      summary: "Move the integration's sandbox clock forward: timers, expiries and retry waits that fall due fire at once",
      params: integrationId,
      body: z.object({ seconds: z.number().int().positive().max(365 * 24 * 3600) }).strict(),
    },
  }, async (request) => {
    const r = await advanceSandboxClock(deps, requireMerchant(request), request.params.id, request.body.seconds * 1000);
    const ran = await drain();
    return { offsetSeconds: r.offsetMs / 1000, jobsMoved: r.jobsMoved, jobsRun: ran };
  });

  app.post('/api/integrations/:id/sandbox/payout', {
    schema: {
      tags: ['sandbox'],
      summary: "Pay out the integration's test balance in a currency (all of it, or an amount): what a test does to reach \"insufficient balance\"",
      params: integrationId,
      body: z.object({ currency: z.enum(Object.keys(CURRENCIES) as [Currency, ...Currency[]]), amount: z.number().int().positive().optional() }).strict(),
    },
  }, async (request) => {
    return sandboxPayout(deps, requireMerchant(request), request.params.id, request.body.currency, request.body.amount);
  });

  app.get('/api/integrations/:id/request-log', {
    schema: {
      tags: ['sandbox'],
      summary: 'Every request the integration sent in test mode: headers (secrets masked), body, our response, the hash or signature we computed, and for a failed check its diagnosis (the most likely mistake)',
      params: integrationId,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    },
  }, async (request) => {
    return requestLog(deps, requireMerchant(request), request.params.id, request.query.limit);
  });

  app.get('/api/integrations/:id/customers', { schema: { tags: ['sandbox'], summary: 'Fictitious customers of the integration', params: integrationId } }, async (request) => {
    return { customers: await fictitiousCustomers(deps, requireMerchant(request), request.params.id) };
  });

  app.post('/api/integrations/:id/customers', {
    schema: {
      tags: ['sandbox'],
      summary: 'Create a fictitious customer who pays test payments from a balance',
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
    },
  }, async (request, reply) => {
    const b = request.body;
    const customer = await createFictitiousCustomer(deps, requireMerchant(request), request.params.id, { name: b.name, email: b.email, phone: b.phone, balanceMinor: b.balance, currency: b.currency });
    return reply.code(201).send({ customer });
  });

  app.post('/api/integrations/:id/customers/:customerId/reload', {
    schema: {
      tags: ['sandbox'],
      summary: "Add to a fictitious customer's balance",
      params: integrationId.extend({ customerId: z.string().regex(/^cus_[0-9a-z]{21}$/, 'must be a customer id (cus_…)') }),
      body: z.object({ amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict(),
    },
  }, async (request) => {
    return { customer: await reloadFictitiousCustomer(deps, requireMerchant(request), request.params.id, request.params.customerId, request.body.amount) };
  });
}
