import { type Delivery, listPaymentDeliveries } from '../../store/repos/deliveries.js';
import { findFaultSettings } from '../../store/repos/notification-faults.js';
import type { ServiceDeps } from '../deps.js';
import { type AttemptOutcome, attemptRequest } from './deliveries.js';
import { decideFaults, type Fault, NO_FAULT_RATES, type OutgoingRequest, seededRandom, withTruncatedBody, withWrongSignature } from './faults.js';

/**
 * Sends one attempt of a test integration's delivery with the faults its developer switched on
 * (`notification_faults`): a delay before it, a wrong signature or a cut body in it, the same request
 * again after it (duplicate), or the payment's previous notification again after it (reorder).
 * Returns the attempt's own outcome and the faults injected, for its record.
 */
export async function sendWithFaults(
  deps: ServiceDeps,
  delivery: Delivery,
  request: OutgoingRequest,
  at: number,
  post: (r: OutgoingRequest) => Promise<AttemptOutcome>,
): Promise<{ outcome: AttemptOutcome; fault: string | null }> {
  // Read on every test delivery: kept with what wire authentication caches, dropped when they change.
  // None set is kept too (as null: the cache never keeps undefined), as that is the common case.
  const settings = await deps.authCache.read(`notification-faults:${delivery.integrationId}`, deps.store.db, async (db) => (await findFaultSettings(db, delivery.integrationId)) ?? null);
  const rates = { ...NO_FAULT_RATES, ...settings?.rates };
  const random = settings?.seed ? seededRandom(`${settings.seed}:${delivery.id}:${delivery.attempts + 1}`) : Math.random;
  const faults = settings ? decideFaults(rates, random) : [];
  if (faults.length === 0) return { outcome: await post(request), fault: null };
  const done: Fault[] = [];
  if (faults.includes('delay')) {
    await new Promise((r) => setTimeout(r, settings?.delayMs ?? 0));
    done.push('delay');
  }
  let sent = request;
  if (faults.includes('wrongSignature')) {
    sent = withWrongSignature(sent);
    if (sent !== request) done.push('wrongSignature');
  }
  if (faults.includes('truncatedBody')) {
    sent = withTruncatedBody(sent);
    done.push('truncatedBody');
  }
  const outcome = await post(sent);
  if (faults.includes('duplicate')) {
    await post(sent);
    done.push('duplicate');
  }
  if (faults.includes('reorder')) {
    const previous = await previousDelivery(deps, delivery);
    if (previous) {
      // The older state arrives after the newer one, as it does when a gateway's retries cross.
      await post(await attemptRequest(deps, previous, at));
      done.push('reorder');
    }
  }
  return { outcome, fault: done.length > 0 ? done.join(',') : null };
}

/** The payment's notification before this one, to the same URL. */
async function previousDelivery(deps: ServiceDeps, delivery: Delivery): Promise<Delivery | undefined> {
  if (!delivery.paymentId) return undefined;
  const all = await listPaymentDeliveries(deps.store.db, delivery.merchantId, delivery.paymentId);
  const mine = all.findIndex((d) => d.id === delivery.id);
  return all.slice(0, Math.max(mine, 0)).filter((d) => d.url === delivery.url).at(-1);
}
