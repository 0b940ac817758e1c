import { judgeDeliveryAttempt, loadDelivery } from '../../services/notify/deliveries.js';
import { DONE, type Handler } from './types.js';

/** Sends one notification and records the attempt; a failure comes back on the wire's retry schedule. */
export const deliver: Handler<'deliver'> = async (ctx, { deliveryId }) => {
  const delivery = await loadDelivery(ctx.deps, deliveryId);
  if (delivery?.status !== 'pending') return DONE;
  const attemptedAt = ctx.deps.clock.now();
  const outcome = await ctx.http.post(delivery.url, delivery.headers, delivery.body);
  const { delivered, next, record } = judgeDeliveryAttempt(ctx.deps, delivery, outcome, attemptedAt);
  if (next === null) {
    ctx.onDelivery(delivered ? 'delivered' : 'failed');
    return { done: true, record };
  }
  ctx.onDelivery('retry');
  return { done: false, runAt: next, error: outcome.error ?? `HTTP ${outcome.statusCode}`, record };
};
