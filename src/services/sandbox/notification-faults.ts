import type { IntegrationId, MerchantId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { findIntegration } from '../../store/repos/integrations.js';
import { findFaultSettings, saveFaultSettings } from '../../store/repos/notification-faults.js';
import { authTransaction } from '../merchants/auth-cache.js';
import type { ServiceDeps } from '../deps.js';
import { FAULTS, type FaultRates, NO_FAULT_RATES } from '../notify/faults.js';
import { liveRefusal } from './controls.js';

export interface NotificationFaults {
  /** Percent (0–100) of attempts that get each fault. */
  rates: FaultRates;
  /** How long a delayed attempt waits before it is sent. */
  delayMs: number;
  /** Set: the same deliveries get the same faults on every run. */
  seed: string | null;
  updatedAt: string | null;
}

export const MAX_FAULT_DELAY_MS = 60_000;
export const DEFAULT_FAULT_DELAY_MS = 2_000;

async function ownIntegration(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId) {
  const integration = await findIntegration(deps.store.db, merchantId, integrationId);
  if (!integration) throw new TollgateError('not_found', `integration ${integrationId} not found`);
  return integration;
}

/** The adversarial notifications of an integration (all off until set). */
export async function notificationFaults(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId): Promise<NotificationFaults> {
  await ownIntegration(deps, merchantId, integrationId);
  const s = await findFaultSettings(deps.store.db, integrationId);
  return {
    rates: { ...NO_FAULT_RATES, ...s?.rates },
    delayMs: s?.delayMs ?? DEFAULT_FAULT_DELAY_MS,
    seed: s?.seed ?? null,
    updatedAt: s ? new Date(s.updatedAt).toISOString() : null,
  };
}

/** Sets the rates given (the others keep theirs); a live integration's notifications are never faulted. */
export async function setNotificationFaults(
  deps: ServiceDeps,
  merchantId: MerchantId,
  integrationId: IntegrationId,
  change: { rates?: Partial<FaultRates>; delayMs?: number; seed?: string | null },
): Promise<NotificationFaults> {
  const integration = await ownIntegration(deps, merchantId, integrationId);
  if (integration.mode === 'live') throw liveRefusal(integrationId);
  for (const [name, rate] of Object.entries(change.rates ?? {})) {
    if (!(FAULTS as readonly string[]).includes(name)) throw new TollgateError('validation', `unknown fault ${name}: one of ${FAULTS.join(', ')}`);
    if (!Number.isInteger(rate) || (rate as number) < 0 || (rate as number) > 100) throw new TollgateError('validation', `${name} must be a whole percentage from 0 to 100`);
  }
  if (change.delayMs !== undefined && (!Number.isInteger(change.delayMs) || change.delayMs < 0 || change.delayMs > MAX_FAULT_DELAY_MS)) {
    throw new TollgateError('validation', `delayMs must be a whole number of milliseconds from 0 to ${MAX_FAULT_DELAY_MS}`);
  }
  const now = await notificationFaults(deps, merchantId, integrationId);
  const next = { rates: { ...now.rates, ...change.rates }, delayMs: change.delayMs ?? now.delayMs, seed: change.seed === undefined ? now.seed : change.seed, updatedAt: deps.clock.now() };
  // The worker reads them through the auth cache (fault-injection.ts): a change drops its copies.
  await authTransaction(deps, (tx) => saveFaultSettings(tx, integrationId, next));
  return notificationFaults(deps, merchantId, integrationId);
}
