import { attemptRequest, judgeDeliveryAttempt, loadDelivery } from '../../services/notify/deliveries.js';
import { sendWithFaults } from '../../services/notify/fault-injection.js';
import { DONE, type Handler } from './types.js';

/** Sends one notification and records the attempt; a failure comes back on the wire's retry schedule. */
export const deliver: Handler<'deliver'> = async (ctx, { deliveryId }, job) => {
  const delivery = await loadDelivery(ctx.deps, deliveryId);
  if (delivery?.status !== 'pending') return DONE;
  const release = await ctx.sendSlot(delivery.url);
  if (!release) return ctx.handBack();
  let judged: ReturnType<typeof judgeDeliveryAttempt>;
  let error: string | null;
  try {
    // The attempt's time is when it leaves, not when it was claimed: it may have waited for its slot.
    const attemptedAt = ctx.deps.clock.now();
    // Signed now, from the stored body: a signed timestamp is this attempt's, the keys today's.
    const request = await attemptRequest(ctx.deps, delivery, attemptedAt);
    const post = (r: typeof request) => ctx.http.post(delivery.url, r.headers, r.body);
    // A test integration's developer may have switched adversarial notifications on (services/notify/fault-injection.ts).
    const { outcome, fault } = job.integrationId === null ? { outcome: await post(request), fault: null } : await sendWithFaults(ctx.deps, delivery, request, attemptedAt, post);
    // Test-mode work follows the sandbox clock, where a developer steps through the schedule exactly.
    judged = judgeDeliveryAttempt(ctx.deps, delivery, outcome, attemptedAt, job.integrationId === null ? Math.random : () => 0.5, fault);
    error = outcome.error ?? `HTTP ${outcome.statusCode}`;
  } finally {
    release();
  }
  const { delivered, next, inTx } = judged;
  if (next === null) {
    ctx.onDelivery(delivered ? 'delivered' : 'failed');
    return { done: true, inTx };
  }
  ctx.onDelivery('retry');
  return { done: false, runAt: next, error, inTx };
};
