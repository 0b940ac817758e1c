import { asId } from '../../core/ids.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CURRENCIES } from '../../core/money.js';
import { PAYMENT_METHODS } from '../../core/payment-methods.js';
import type { ServiceDeps } from '../../services/deps.js';
import { ANY_CURRENCY, feeSchedule, setFeeRule } from '../../services/money/fees.js';
import { decideGoLive, pendingGoLiveRequests } from '../../services/merchants/golive.js';
import { allMerchants, getMerchant, setMerchantEnabled } from '../../services/merchants/accounts.js';
import { listMerchantIntegrations } from '../../services/merchants/integrations.js';
import { loadFixture } from '../../services/sandbox/fixtures.js';
import { requireOperator } from './auth.js';
import { feeRuleList, feeRuleView } from './money-resources.js';
import { integration, merchant } from './resources.js';
import { integrationId, merchantId, text } from './schemas.js';
import { page, pageQuery, problems } from './shapes.js';
import { pageInMemory } from '../../services/paging.js';

const OPERATOR = [400, 401, 403] as const;
/** What the gateway's own staff do: review go-live requests and see every merchant. */
export function registerOperatorRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/operator/merchants', {
    schema: {
      tags: ['operator'],
      summary: 'Search merchants',
      description: '`q` matches the login email or the company name (case-insensitive, any part); `disabled` narrows to disabled or enabled accounts. Newest first.',
      querystring: pageQuery.extend({ q: z.string().max(200).optional(), disabled: z.enum(['true', 'false']).optional() }),
      response: { 200: page(merchant, 'Merchants'), ...problems(...OPERATOR) },
    },
  }, async (request) => {
    requireOperator(request);
    const { q, disabled, ...pageReq } = request.query;
    const needle = q?.trim().toLowerCase();
    const all = (await allMerchants(deps)).filter(
      (m) => (!needle || m.email.toLowerCase().includes(needle) || m.companyName.toLowerCase().includes(needle)) && (disabled === undefined || String(m.disabled) === disabled),
    );
    return pageInMemory(all, pageReq, (m) => ({ at: Date.parse(m.createdAt), id: m.id }), (m) => m);
  });

  app.get('/api/operator/merchants/:id', {
    schema: {
      tags: ['operator'],
      summary: 'A merchant with its integrations',
      description: 'The account and every integration (never their keys).',
      params: merchantId,
      response: { 200: z.object({ merchant, integrations: z.array(integration) }), ...problems(...OPERATOR, 404) },
    },
  }, async (request) => {
    requireOperator(request);
    const m = await getMerchant(deps, asId('merchant', request.params.id));
    return { merchant: m, integrations: await listMerchantIntegrations(deps, m.id) };
  });

  app.post('/api/operator/merchants/:id/disable', {
    schema: {
      tags: ['operator'],
      summary: 'Disable a merchant',
      description: 'Its sessions end, its API tokens stop working and it cannot log in (403) until enabled again. Its integrations and data stay.',
      params: merchantId,
      response: { 200: z.object({ merchant }), ...problems(...OPERATOR, 404) },
    },
  }, async (request) => {
    requireOperator(request);
    return { merchant: await setMerchantEnabled(deps, asId('merchant', request.params.id), false) };
  });

  app.post('/api/operator/merchants/:id/enable', {
    schema: {
      tags: ['operator'],
      summary: 'Enable a disabled merchant',
      description: 'Login and its API tokens work again.',
      params: merchantId,
      response: { 200: z.object({ merchant }), ...problems(...OPERATOR, 404) },
    },
  }, async (request) => {
    requireOperator(request);
    return { merchant: await setMerchantEnabled(deps, asId('merchant', request.params.id), true) };
  });

  app.get('/api/operator/golive-requests', {
    schema: {
      tags: ['operator'],
      summary: 'The go-live queue',
      description: 'Integrations whose merchant asked to be set live, waiting for a decision; newest request first.',
      querystring: pageQuery,
      response: { 200: page(integration.extend({ merchantId: z.string() }), 'Integrations waiting for review'), ...problems(...OPERATOR) },
    },
  }, async (request) => {
    requireOperator(request);
    const all = await pendingGoLiveRequests(deps);
    return pageInMemory(all, request.query, (i) => ({ at: Date.parse(i.goLive.requestedAt ?? i.createdAt), id: i.id }), (i) => i);
  });

  app.post('/api/operator/integrations/:id/golive/approve', {
    schema: {
      tags: ['operator'],
      summary: 'Approve a go-live request',
      description: 'The integration goes live and every credential that can act on live money is renewed and emailed to the merchant.',
      params: integrationId,
      response: { 200: z.object({ integration }), ...problems(...OPERATOR, 404, 409) },
    },
  }, async (request) => {
    const operatorId = requireOperator(request);
    return { integration: await decideGoLive(deps, asId('integration', request.params.id), { approve: true }, { kind: 'operator', id: operatorId }) };
  });

  app.post('/api/operator/sandbox/load', {
    schema: {
      tags: ['operator', 'sandbox'],
      summary: 'Load a sandbox fixture',
      description: 'Merchants, integrations with chosen credentials, fictitious customers and payments (tollgate sandbox load); loading twice changes nothing.',
      body: z.record(z.string(), z.unknown()),
      response: {
        200: z.object({
          loaded: z.object({ merchants: z.number().int(), integrations: z.number().int(), customers: z.number().int(), payments: z.number().int(), unchanged: z.number().int() }),
        }),
        ...problems(...OPERATOR, 409),
      },
    },
  }, async (request) => {
    requireOperator(request);
    return { loaded: await loadFixture(deps, request.body) };
  });

  app.post('/api/operator/integrations/:id/golive/reject', {
    schema: {
      tags: ['operator'],
      summary: 'Reject a go-live request',
      description: 'The reason is shown to the merchant (goLive.reason) and mailed; the integration stays in test mode and may ask again.',
      params: integrationId,
      body: z.object({ reason: text(1000) }).strict(),
      response: { 200: z.object({ integration }), ...problems(...OPERATOR, 404, 409) },
    },
  }, async (request) => {
    const operatorId = requireOperator(request);
    return {
      integration: await decideGoLive(deps, asId('integration', request.params.id), { approve: false, reason: request.body.reason }, { kind: 'operator', id: operatorId }),
    };
  });

  app.get('/api/operator/fees', {
    schema: {
      tags: ['operator', 'money'],
      summary: 'The fee schedule',
      description: "The rules the operator set; a method and currency not in it takes the documented default. Amounts are integer minor units of the rule's currency; a rule for * applies in any currency without its own rule, its amounts then in the payment's minor units.",
      response: { 200: feeRuleList, ...problems(...OPERATOR) },
    },
  }, async (request) => {
    requireOperator(request);
    return { data: (await feeSchedule(deps.store.db)).map(feeRuleView) };
  });

  app.put('/api/operator/fees/:method/:currency', {
    schema: {
      tags: ['operator', 'money'],
      summary: "Set a method's fee in a currency",
      description:
        "For a currency or * for any: basis points of the amount, rounded half up, plus a fixed part, within an optional minimum and maximum, all integer minor units of the rule's currency (for *, of each payment's currency: fixed 30 is 0.30 USD on a USD payment, 30 XOF on an XOF one). Answers the whole schedule.",
      params: z.object({ method: z.enum(PAYMENT_METHODS), currency: z.enum([ANY_CURRENCY, ...Object.keys(CURRENCIES)] as [string, ...string[]]) }),
      body: z
        .object({
          percentBps: minor.max(10_000).meta({ description: 'Basis points of the amount (100 = 1 %)', example: 250 }),
          fixed: minor.meta({ description: "Added to the percentage, in minor units of the rule's currency (for *, of the payment's)", example: 30 }),
          minimum: minor.nullable().optional().meta({ description: 'The smallest fee, in the same minor units; null or absent for none', example: 50 }),
          maximum: minor.nullable().optional().meta({ description: 'The largest fee, in the same minor units; null or absent for none' }),
        })
        .strict()
        .meta({ example: { percentBps: 250, fixed: 30, minimum: 50 } }),
      response: { 200: feeRuleList, ...problems(...OPERATOR) },
    },
  }, async (request) => {
    requireOperator(request);
    const { percentBps, fixed, minimum, maximum } = request.body;
    const schedule = await setFeeRule(deps.store.db, { ...request.params, percentBps, fixedMinor: fixed, minMinor: minimum, maxMinor: maximum });
    return { data: schedule.map(feeRuleView) };
  });
}

const minor = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
