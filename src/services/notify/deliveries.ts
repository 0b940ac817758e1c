import type { DeliveryId, MerchantId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { type Delivery, findDelivery, findMerchantDelivery, recordAttempt, resetDelivery } from '../../store/repos/deliveries.js';
import type { ServiceDeps } from '../deps.js';
import type { InTx } from '../in-tx.js';
import { bringJobForward } from '../../store/repos/jobs.js';
import { scheduleJobs } from '../jobs.js';
import { integrationById, signingCredentialSet } from '../merchants/credentials.js';
import type { DialectName } from './formatter.js';

export interface AttemptOutcome {
  statusCode: number | null;
  responseHead: string | null;
  error: string | null;
  latencyMs: number;
  /** The receiver's `Retry-After`, if it sent one. */
  retryAfterMs?: number | null;
}

/** Retries spread by up to this share of their step either way, so a receiver's backlog is not hit at one instant. */
export const RETRY_JITTER = 0.1;

/**
 * The wait before attempt `attempt + 1` (0-based index into the schedule): the schedule's step with
 * jitter; a receiver's `Retry-After` is honoured when longer, up to the schedule's longest step
 * (a receiver cannot park a notification beyond it). `random` is in [0, 1).
 */
export function retryDelay(schedule: readonly number[], attempt: number, retryAfterMs: number | null | undefined, random: number): number | undefined {
  const step = schedule[attempt];
  if (step === undefined) return undefined;
  const jittered = Math.round(step * (1 + RETRY_JITTER * (2 * random - 1)));
  if (retryAfterMs === null || retryAfterMs === undefined || retryAfterMs <= jittered) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, Math.max(...schedule)));
}

/**
 * The request of one attempt: the stored one, signed now by its wire (headers, or a hash in the body)
 * with the integration's current keys, when the delivery was stored unsigned. A delivery stored
 * signed (`signing` null: rows older than signing at send time) goes as it was stored.
 */
export async function attemptRequest(deps: ServiceDeps, delivery: Delivery, at: number): Promise<{ headers: Record<string, string>; body: string }> {
  if (!delivery.signing) return { headers: delivery.headers, body: delivery.body };
  const formatter = deps.formatters[delivery.dialect as DialectName];
  const integration = await integrationById(deps, delivery.integrationId);
  if (!formatter?.sign || !integration) throw new Error(`delivery ${delivery.id} cannot be signed: no ${formatter ? 'integration' : 'formatter'}`);
  const credentials = await signingCredentialSet(deps, integration, at);
  const signed = formatter.sign({ headers: delivery.headers, body: delivery.body, signing: delivery.signing, credentials, at });
  return { headers: { ...delivery.headers, ...signed.headers }, body: signed.body ?? delivery.body };
}

export function loadDelivery(deps: ServiceDeps, id: DeliveryId): Promise<Delivery | undefined> {
  return findDelivery(deps.store.db, id);
}

/**
 * Decides what follows an attempt: delivered, another attempt after the wire's next delay, or failed
 * once the attempts are used up. Returns whether it was delivered, when to try again (or null), and
 * the writes that record the attempt (`inTx`), for the caller's transaction.
 */
export function judgeDeliveryAttempt(
  deps: ServiceDeps,
  delivery: Delivery,
  outcome: AttemptOutcome,
  attemptedAt: number,
  random: () => number = Math.random,
  fault: string | null = null,
): { delivered: boolean; next: number | null; inTx: InTx } {
  const formatter = deps.formatters[delivery.dialect as DialectName];
  const attempt = delivery.attempts + 1;
  const delivered = outcome.statusCode !== null && formatter.isDelivered(outcome.statusCode);
  const delay = retryDelay(formatter.retryDelaysMs, attempt, outcome.retryAfterMs, random());
  const next = delivered || delay === undefined || attempt >= delivery.maxAttempts ? null : attemptedAt + delay;
  const id = deps.ids.next('attempt');
  const inTx: InTx = (tx) =>
    recordAttempt(
      tx,
      {
        id,
        delivery_id: delivery.id,
        attempt,
        attempted_at: attemptedAt,
        url: delivery.url,
        status_code: outcome.statusCode,
        latency_ms: outcome.latencyMs,
        error: outcome.error,
        response_head: outcome.responseHead,
        fault,
      },
      { status: delivered ? 'delivered' : next === null ? 'failed' : 'pending', deliveredAt: delivered ? attemptedAt : null, nextAttemptAt: next },
    );
  return { delivered, next, inTx };
}

/** Sends a notification again by hand, whatever became of it: one more attempt, now. */
export async function redeliver(deps: ServiceDeps, merchantId: MerchantId, deliveryId: DeliveryId): Promise<void> {
  const d = await findMerchantDelivery(deps.store.db, merchantId, deliveryId);
  if (!d) throw new TollgateError('not_found', `delivery ${deliveryId} not found`);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    // One more attempt than made so far, never fewer than the schedule still had left.
    await resetDelivery(tx, d.id, now, Math.max(d.maxAttempts, d.attempts + 1));
    // A delivery still waiting for a retry has its job: bring it forward rather than add a second one.
    if (!(await bringJobForward(tx, 'deliver', d.id, now))) {
      await scheduleJobs(tx, deps.ids, [{ kind: 'deliver', payload: { deliveryId: d.id }, runAt: now, integrationId: null }], now);
    }
  });
}
