import { asId, asOptionalId } from '../../core/ids.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACCOUNT_KINDS, TRANSACTION_KINDS } from '../../core/ledger.js';
import type { ServiceDeps } from '../../services/deps.js';
import { merchantBalances } from '../../services/money/balances.js';
import { exportPayouts } from '../../services/money/payout-run.js';
import { integrationPayouts, ledgerCsv, ledgerEntries, markPayout, payoutDetail, payoutsPage } from '../../services/money/reports.js';
import { requireMerchant, requireOperator } from './auth.js';
import { balanceList, balanceView, entryView, ledgerEntry, markedPayout, PAYOUT_STATUSES, payout, payoutDetailView, payoutView } from './money-resources.js';
import { integrationId } from './schemas.js';
import { MERCHANT_RESOURCE, page, pageQuery, problems } from './shapes.js';

const mode = z.enum(['test', 'live']);

const entryFilter = z
  .object({
    mode: mode.optional().meta({ description: 'test or live' }),
    currency: z.string().regex(/^[A-Z]{3}$/).optional().meta({ description: 'Only this currency' }),
    kind: z.enum(TRANSACTION_KINDS).optional().meta({ description: 'Only this kind of transaction' }),
    account: z.enum(ACCOUNT_KINDS).optional().meta({ description: 'Only postings to this balance' }),
  })
  .strict();

const payoutFilter = z.object({ status: z.enum(PAYOUT_STATUSES).optional(), mode: mode.optional() });

/** A merchant's money: balances, ledger entries (paged, filtered, CSV), payouts; the operator's payouts. */
export function registerMoneyRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/integrations/:id/balances', {
    schema: {
      tags: ['money'],
      summary: 'Balances per mode and currency',
      description: 'Available, pending, in-transit and fee balances of the integration, one entry per mode and currency that has moved money (a short list, not paged). Amounts in minor units.',
      params: integrationId,
      response: { 200: balanceList, ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => ({ data: (await merchantBalances(deps, requireMerchant(request), asId('integration', request.params.id))).map(balanceView) }));

  app.get('/api/integrations/:id/ledger', {
    schema: {
      tags: ['money'],
      summary: 'Ledger postings',
      description: 'Every posting to the integration’s accounts, newest first, a page at a time, narrowed by every filter given. Amounts are signed, in minor units.',
      params: integrationId,
      querystring: entryFilter.extend(pageQuery.shape),
      response: { 200: page(ledgerEntry, 'Ledger postings'), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const r = await ledgerEntries(deps, requireMerchant(request), asId('integration', request.params.id), request.query);
    return { data: r.data.map(entryView), nextCursor: r.nextCursor };
  });

  app.get('/api/integrations/:id/ledger.csv', {
    schema: {
      tags: ['money'],
      summary: 'Ledger postings as CSV',
      description: 'Every posting matching the filters (the same as the ledger list), newest first, amounts in minor units.',
      params: integrationId,
      querystring: entryFilter,
      response: { 200: z.string().meta({ 'x-content-type': 'text/csv', description: 'CSV with a header line' }), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request, reply) => {
    const csv = await ledgerCsv(deps, requireMerchant(request), asId('integration', request.params.id), request.query);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="ledger-${request.params.id}.csv"`).send(csv);
  });

  app.get('/api/integrations/:id/payouts', {
    schema: {
      tags: ['money'],
      summary: "The integration's payouts",
      description: 'Newest first, a page at a time, narrowed by status and mode. GET …/payouts/{payoutId} lists the payments one settles.',
      params: integrationId,
      querystring: payoutFilter.extend(pageQuery.shape),
      response: { 200: page(payout, 'Payouts'), ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const { limit, cursor, ...filter } = request.query;
    const r = await integrationPayouts(deps, requireMerchant(request), asId('integration', request.params.id), filter, { limit, cursor });
    return { data: r.data.map(payoutView), nextCursor: r.nextCursor };
  });

  const payoutId = z.string().regex(/^po_[0-9a-z]{21}$/, 'must be a payout id (po_…)');
  app.get('/api/integrations/:id/payouts/:payoutId', {
    schema: {
      tags: ['money'],
      summary: 'One payout and the payments it settles',
      description: "The payout and each payment it settles with the amount it brought to the available balance, in minor units. A failed payout's payments are marked released: the next payout settles them.",
      params: integrationId.extend({ payoutId }),
      response: { 200: payoutDetailView, ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => {
    const { payout: p, payments } = await payoutDetail(deps, requireMerchant(request), asId('integration', request.params.id), asId('payout', request.params.payoutId));
    return { ...payoutView(p), payments: payments.map((x) => ({ paymentId: x.paymentId, amount: x.amountMinor, currency: p.currency, released: x.released })) };
  });

  app.get('/api/operator/payouts', {
    schema: {
      tags: ['operator', 'money'],
      summary: 'Every payout',
      description: 'Payouts of every merchant, newest first, a page at a time, narrowed by status, mode and integration. The day’s file is the live ones still pending.',
      querystring: payoutFilter.extend({ integrationId: integrationId.shape.id.optional() }).extend(pageQuery.shape),
      response: { 200: page(payout, 'Payouts'), ...problems(400, 401, 403) },
    },
  }, async (request) => {
    requireOperator(request);
    const { limit, cursor, integrationId: only, ...filter } = request.query;
    const r = await payoutsPage(deps, { ...filter, integrationId: asOptionalId('integration', only) }, { limit, cursor });
    return { data: r.data.map(payoutView), nextCursor: r.nextCursor };
  });

  app.post('/api/operator/payouts/export', {
    schema: {
      tags: ['operator', 'money'],
      summary: "The day's payout file",
      description:
        'The live payouts waiting for the bank as CSV, one line per payout with the merchant’s payout account and a TOTAL line per currency (amounts in minor units), as `tollgate payouts export` writes it. The payouts in it become in transit: a second export does not list them again.',
      response: { 200: z.string().meta({ 'x-content-type': 'text/csv', description: 'CSV with a header line' }), ...problems(400, 401, 403) },
    },
  }, async (request, reply) => {
    requireOperator(request);
    const { csv, count } = await exportPayouts(deps);
    const day = new Date(deps.clock.now()).toISOString().slice(0, 10);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="payouts-${day}.csv"`).header('x-payout-count', String(count)).send(csv);
  });

  app.post('/api/operator/payouts/:id/mark', {
    schema: {
      tags: ['operator', 'money'],
      summary: 'Mark a payout paid or failed',
      description: 'Once, from pending or in transit. A failed payout returns its money to available and its payments to the next payout; a payout already paid or failed is a 409.',
      params: z.object({ id: payoutId }),
      body: z.object({ status: z.enum(['paid', 'failed']) }).strict(),
      response: { 200: markedPayout, ...problems(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    requireOperator(request);
    return { payout: payoutView(await markPayout(deps, asId('payout', request.params.id), request.body.status)) };
  });
}
