import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACCOUNT_KINDS, TRANSACTION_KINDS } from '../../core/ledger.js';
import type { ServiceDeps } from '../../services/deps.js';
import { merchantBalances } from '../../services/money/balances.js';
import { allPayouts, integrationPayouts, ledgerCsv, ledgerEntries, markPayout, payoutDetail } from '../../services/money/reports.js';
import { requireMerchant, requireOperator } from './auth.js';
import { integrationId } from './schemas.js';
import { MERCHANT_RESOURCE, problems } from './shapes.js';

const entryFilter = z
  .object({
    mode: z.enum(['test', 'live']).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/).optional(),
    kind: z.enum(TRANSACTION_KINDS).optional(),
    account: z.enum(ACCOUNT_KINDS).optional(),
  })
  .strict();

/** A merchant's money: balances, ledger entries (paged, filtered, CSV), payouts; the operator marks payouts. */
export function registerMoneyRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/integrations/:id/balances', { schema: { tags: ['money'], summary: 'Available, pending, in-transit and fee balances per mode and currency', params: integrationId } }, async (request) => {
    return { balances: await merchantBalances(deps, requireMerchant(request), request.params.id) };
  });

  app.get('/api/integrations/:id/ledger', {
    schema: {
      tags: ['money'],
      summary: 'Ledger postings, newest first, with cursor paging and filters',
      params: integrationId,
      querystring: entryFilter.extend({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    },
  }, async (request) => ledgerEntries(deps, requireMerchant(request), request.params.id, request.query));

  app.get('/api/integrations/:id/ledger.csv', { schema: { tags: ['money'], summary: 'Ledger postings as CSV', params: integrationId, querystring: entryFilter } }, async (request, reply) => {
    const csv = await ledgerCsv(deps, requireMerchant(request), request.params.id, request.query);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="ledger-${request.params.id}.csv"`).send(csv);
  });

  app.get('/api/integrations/:id/payouts', { schema: { tags: ['money'], summary: "The integration's payouts and their statuses", params: integrationId } }, async (request) => {
    return { payouts: await integrationPayouts(deps, requireMerchant(request), request.params.id) };
  });

  const payoutId = z.string().regex(/^po_[0-9a-z]{21}$/, 'must be a payout id (po_…)');
  app.get('/api/integrations/:id/payouts/:payoutId', {
    schema: {
      tags: ['money'],
      summary: 'One payout and the payments it settles',
      description: 'The payout (amount in minor units, status pending → in_transit → paid or failed, masked destination) and each payment it settles with the amount it brought to the available balance, in minor units. A failed payout\'s payments are marked released: the next payout settles them.',
      params: integrationId.extend({ payoutId }),
      response: {
        200: z.object({
          id: z.string(),
          status: z.enum(['pending', 'in_transit', 'paid', 'failed']),
          amount: z.number().int().describe('in minor units'),
          currency: z.string(),
          mode: z.enum(['test', 'live']),
          destination: z.string().nullable(),
          createdAt: z.string(),
          updatedAt: z.string().nullable(),
          payments: z.array(z.object({ paymentId: z.string(), amount: z.number().int().describe('in minor units'), currency: z.string(), released: z.boolean() })),
        }),
        ...problems(...MERCHANT_RESOURCE),
      },
    },
  }, async (request) => {
    const { payout: p, payments } = await payoutDetail(deps, requireMerchant(request), request.params.id, request.params.payoutId);
    const iso = (t: number) => new Date(t).toISOString();
    return {
      id: p.id,
      status: p.status,
      amount: p.amountMinor,
      currency: p.currency,
      mode: p.mode,
      destination: p.destination,
      createdAt: iso(p.createdAt),
      updatedAt: p.updatedAt === null ? null : iso(p.updatedAt),
      payments: payments.map((x) => ({ paymentId: x.paymentId, amount: x.amountMinor, currency: p.currency, released: x.released })),
    };
  });

  app.get('/api/operator/payouts', { schema: { tags: ['operator'], summary: 'Every payout, by status', querystring: z.object({ status: z.enum(['pending', 'in_transit', 'paid', 'failed']).optional() }).strict() } }, async (request) => {
    requireOperator(request);
    return { payouts: await allPayouts(deps, request.query) };
  });

  app.post('/api/operator/payouts/:id/mark', {
    schema: {
      tags: ['operator'],
      summary: 'Mark a payout paid or failed (a failed payout returns its money to available)',
      params: z.object({ id: payoutId }),
      body: z.object({ status: z.enum(['paid', 'failed']) }).strict(),
    },
  }, async (request) => {
    requireOperator(request);
    return { payout: await markPayout(deps, request.params.id, request.body.status) };
  });
}
