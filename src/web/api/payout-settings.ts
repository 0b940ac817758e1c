import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TollgateError } from '../../core/errors.js';
import type { ServiceDeps } from '../../services/deps.js';
import { getPayoutSchedule, removePayoutSchedule, setPayoutSchedule } from '../../services/money/payout-schedule.js';
import { requireMerchant } from './auth.js';
import { payoutAccount as account, payoutMinimum as minimum, payoutSettings as settings, payoutSettingsView as view } from './money-resources.js';
import { MERCHANT, problems } from './shapes.js';

/** The merchant's payout schedule (seed 001): how often, from what amount, to which account. */
export function registerPayoutSettingsRoutes(root: FastifyInstance, deps: ServiceDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/api/payout-settings', {
    schema: {
      tags: ['money'],
      summary: 'The payout schedule',
      description: 'How often the available balances are paid out (immediately or once a day at 00:00 UTC), the minimum per currency, and the payout account. 404 when none is set: balances then wait for the operator\'s payout run.',
      response: { 200: settings, ...problems(...MERCHANT) },
    },
  }, async (request) => {
    const s = await getPayoutSchedule(deps, requireMerchant(request));
    if (!s) throw new TollgateError('not_found', 'no payout schedule is set');
    return view(s);
  });

  app.put('/api/payout-settings', {
    schema: {
      tags: ['money'],
      summary: 'Set the payout schedule',
      description: 'Sets or replaces the schedule. The account is checked for shape (a bank account number or IBAN, or an international mobile-money number); a bad one is refused with a problem+json naming the field, and nothing changes. In test mode payouts are simulated; one to a number ending in 0000 fails, returning its money to available.',
      body: z.object({ frequency: z.enum(['immediate', 'daily']), minimums: z.array(minimum).max(50).optional(), account }).strict(),
      response: { 200: settings, ...problems(...MERCHANT) },
    },
  }, async (request) => {
    const b = request.body;
    return view(await setPayoutSchedule(deps, requireMerchant(request), { frequency: b.frequency, minimums: b.minimums?.map((m) => ({ currency: m.currency, amountMinor: m.amount })), account: b.account }));
  });

  app.delete('/api/payout-settings', {
    schema: { tags: ['money'], summary: 'Remove the payout schedule', description: 'Balances then wait for the operator\'s payout run.', response: { 204: z.null(), ...problems(...MERCHANT) } },
  }, async (request, reply) => {
    await removePayoutSchedule(deps, requireMerchant(request));
    return reply.code(204).send(null);
  });
}
