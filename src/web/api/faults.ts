import { asId } from '../../core/ids.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeps } from '../../services/deps.js';
import { MAX_FAULT_DELAY_MS, notificationFaults, setNotificationFaults } from '../../services/sandbox/notification-faults.js';
import { requireMerchant } from './auth.js';
import { integrationId } from './schemas.js';
import { MERCHANT_RESOURCE, problems } from './shapes.js';

const rate = z.number().int().min(0).max(100);
const rates = z.object({
  duplicate: rate.describe('percent of attempts sent twice'),
  reorder: rate.describe("percent of attempts followed by the payment's previous notification again (an older state after a newer one)"),
  delay: rate.describe('percent of attempts held back by delayMs before they are sent'),
  wrongSignature: rate.describe('percent of attempts sent with a wrong signature or hash'),
  truncatedBody: rate.describe('percent of attempts whose body is cut to its first half'),
});
const faults = z.object({
  rates,
  delayMs: z.number().int().min(0).max(MAX_FAULT_DELAY_MS).describe('how long a delayed attempt waits, in milliseconds'),
  seed: z.string().max(100).nullable().describe('set: the same deliveries get the same faults on every run'),
  updatedAt: z.string().nullable().describe('when they were last set; null while never set'),
}).meta({ id: 'NotificationFaults', description: 'The adversarial faults injected into a test integration\'s notifications, each at a rate in percent of attempts' });

/** Adversarial notifications: the faults the worker injects into a test integration's deliveries. */
export function registerFaultRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/integrations/:id/notification-faults', {
    schema: {
      tags: ['sandbox'],
      summary: "The integration's adversarial notifications",
      description: 'The rate (0–100 %) of each fault injected into the attempts of the integration\'s test-mode notifications. All 0 until set.',
      params: integrationId,
      response: { 200: faults, ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => notificationFaults(deps, requireMerchant(request), asId('integration', request.params.id)));

  app.put('/api/integrations/:id/notification-faults', {
    schema: {
      tags: ['sandbox'],
      summary: "Set the integration's adversarial notifications",
      description:
        'Duplicates, reordering, delays, a wrong signature and a truncated body, at the rates given (the rates left out keep theirs); each injected fault is named in the attempt it changed (`fault` in the delivery attempts). A live integration is refused (403 forbidden).',
      params: integrationId,
      body: z.object({ rates: rates.partial().strict().optional(), delayMs: z.number().int().min(0).max(MAX_FAULT_DELAY_MS).optional(), seed: z.string().min(1).max(100).nullable().optional() }).strict(),
      response: { 200: faults, ...problems(...MERCHANT_RESOURCE) },
    },
  }, async (request) => setNotificationFaults(deps, requireMerchant(request), asId('integration', request.params.id), request.body));
}
