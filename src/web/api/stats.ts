import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps.js';
import { homeStats, systemHealth } from '../../services/payments/stats.js';
import { requireMerchant, requireOperator } from './auth.js';
import { currency, instant, instantOrNull, MERCHANT, minor, problems } from './shapes.js';

const dayVolume = z
  .object({
    date: z.string().meta({ description: 'The UTC day, YYYY-MM-DD', example: '2026-12-04' }),
    mode: z.enum(['test', 'live']),
    currency,
    count: z.number().int().meta({ description: 'Payments created that day' }),
    amount: minor('Their total amount'),
    paidCount: z.number().int().meta({ description: 'Of them, paid' }),
    paidAmount: minor('The total of those paid'),
  })
  .meta({ id: 'DayVolume' });

const alert = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('endpoint_failing'),
      integrationId: z.string(),
      integrationName: z.string(),
      url: z.string().meta({ description: 'The notification endpoint' }),
      failed: z.number().int().meta({ description: 'Deliveries to it that gave up' }),
      lastAt: instantOrNull('The newest delivery to it'),
    }),
    z.object({
      kind: z.literal('golive_decided'),
      integrationId: z.string(),
      integrationName: z.string(),
      state: z.string().meta({ description: 'approved or rejected' }),
      reason: z.string().nullable(),
      decidedAt: instantOrNull('When the operator decided'),
    }),
  ])
  .meta({ id: 'Alert' });

const requestCounts = {
  requests: z.number().int().meta({ description: 'Requests answered' }),
  clientErrors: z.number().int().meta({ description: 'Of them, answered with a 4xx status' }),
  serverErrors: z.number().int().meta({ description: 'Of them, answered with a 5xx status' }),
};

const channelRates = z
  .object({
    channel: z.enum(['paynow_zw', 'paynow_pl', 'paydunya', 'management']).meta({ description: 'A wire (by its paths) or the management API (/api/ outside the wires)' }),
    lastMinute: z.object(requestCounts).meta({ description: 'In the last whole minute: its requests are its rate per minute' }),
    lastHour: z.object({ ...requestCounts, perMinute: z.number().meta({ description: 'Requests per minute over the hour, to two decimals' }) }).meta({ description: 'In the 60 whole minutes before the current one' }),
  })
  .meta({
    id: 'ChannelRates',
    example: { channel: 'paynow_zw', lastMinute: { requests: 42, clientErrors: 1, serverErrors: 0 }, lastHour: { requests: 2310, clientErrors: 17, serverErrors: 2, perMinute: 38.5 } },
  });

/** The merchant's home figures and the operator's system health. */
export function registerStatsRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/stats/home', {
    schema: {
      tags: ['payments'],
      summary: "The home page's figures",
      description: 'Payments and their amounts per UTC day for the last `days` days (30 by default), per mode and currency (days without payments are left out); and alerts: failing notification endpoints and go-live decisions of that period.',
      querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
      response: { 200: z.object({ from: instant('The first day counted'), volume: z.array(dayVolume), alerts: z.array(alert) }), ...problems(...MERCHANT) },
    },
  }, async (request) => homeStats(deps, requireMerchant(request), request.query.days));

  app.get('/api/operator/health', {
    schema: {
      tags: ['operator'],
      summary: 'System health',
      description:
        'Jobs waiting (due now, by kind), notifications retrying or failed in the last 24 hours, request rates per channel (each wire and the management API) with their 4xx and 5xx answers, and payments created per dialect in the last hour and day. Request counts are of the whole gateway: every serving process adds its counts to the database once a minute, so another process\'s last minute can show a few seconds late.',
      response: {
        200: z.object({
          at: instant('When measured'),
          jobsWaiting: z.object({ total: z.number().int(), byKind: z.array(z.object({ kind: z.string(), n: z.number().int() })) }),
          deliveries: z.object({
            pendingRetrying: z.number().int().meta({ description: 'Pending deliveries whose attempts failed so far' }),
            failedRecently: z.number().int().meta({ description: 'Deliveries that gave up, queued in the last 24 hours' }),
          }),
          requests: z.object({
            minuteFrom: instant('Start of the last whole minute'),
            hourFrom: instant('Start of the last hour (60 whole minutes)'),
            to: instant('End of both: the start of the current minute'),
            channels: z.array(channelRates).meta({ description: 'Every channel, counted or not' }),
          }),
          paymentsCreated: z
            .array(
              z.object({
                dialect: z.string().meta({ description: 'The wire a payment was created through (tollgate: the management API)' }),
                lastHour: z.number().int().meta({ description: 'Payments created in the last hour' }),
                lastDay: z.number().int().meta({ description: 'Payments created in the last 24 hours' }),
              }),
            )
            .meta({ description: 'Payments created per dialect (dialects without any in the last day left out)' }),
        }),
        ...problems(400, 401, 403),
      },
    },
  }, async (request) => {
    requireOperator(request);
    return systemHealth(deps);
  });
}
