import type { IntegrationId, MerchantId } from '../../core/ids.js';
import { countDueJobs } from '../../store/repos/jobs.js';
import { listIntegrations } from '../../store/repos/integrations.js';
import { type DailyVolume, dailyVolume, deliveryCounts, paymentsPerDialect } from '../../store/repos/stats.js';
import type { ServiceDeps } from '../deps.js';
import { RATE_CHANNELS, storedRates } from '../request-rates.js';
import { integrationEndpoints } from '../notify/delivery-lists.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** A day's volume as the API shows it: the day as an ISO date. */
export type DayVolume = Omit<DailyVolume, 'day'> & { date: string };

export type Alert =
  | { kind: 'endpoint_failing'; integrationId: IntegrationId; integrationName: string; url: string; failed: number; lastAt: number | null }
  | { kind: 'golive_decided'; integrationId: IntegrationId; integrationName: string; state: string; reason: string | null; decidedAt: number | null };

/**
 * The merchant's home: payments and amounts per day (the last `days` UTC days, each mode and currency,
 * days without payments left out), and what needs attention: failing notification endpoints and go-live
 * decisions of the same period.
 */
export async function homeStats(deps: ServiceDeps, merchantId: MerchantId, days: number): Promise<{ from: string; volume: DayVolume[]; alerts: Alert[] }> {
  const today = Math.floor(deps.clock.now() / DAY_MS);
  const from = (today - days + 1) * DAY_MS;
  const volume = (await dailyVolume(deps.store.db, merchantId, from)).map(({ day, ...v }) => ({ ...v, date: new Date(day * DAY_MS).toISOString().slice(0, 10) }));
  const alerts: Alert[] = [];
  for (const i of await listIntegrations(deps.store.db, merchantId)) {
    for (const e of await integrationEndpoints(deps, merchantId, i.id)) {
      if (e.failing) alerts.push({ kind: 'endpoint_failing', integrationId: i.id, integrationName: i.name, url: e.url, failed: e.failed, lastAt: e.lastAt });
    }
    const decided = i.goLive.decidedAt;
    if ((i.goLive.state === 'approved' || i.goLive.state === 'rejected') && decided !== null && decided >= from) {
      alerts.push({ kind: 'golive_decided', integrationId: i.id, integrationName: i.name, state: i.goLive.state, reason: i.goLive.reason, decidedAt: decided });
    }
  }
  return { from: new Date(from).toISOString(), volume, alerts };
}

/**
 * The operator's system health: work waiting, notifications in trouble, requests per channel (each wire
 * and the management API, every process of the gateway) in the last whole minute and the 60 before now's,
 * and payments created per dialect per hour and day.
 */
export async function systemHealth(deps: ServiceDeps) {
  const now = deps.clock.now();
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const rates = (from: number) => deps.requestRates?.totals(from, minute) ?? storedRates(deps.store, from, minute);
  const [jobs, deliveries, lastHour, lastDay, minuteRates, hourRates] = await Promise.all([
    countDueJobs(deps.store.db, now),
    deliveryCounts(deps.store.db, now - DAY_MS),
    paymentsPerDialect(deps.store.db, now - HOUR_MS),
    paymentsPerDialect(deps.store.db, now - DAY_MS),
    rates(minute - MINUTE_MS),
    rates(minute - HOUR_MS),
  ]);
  const dialects = [...new Set([...lastHour, ...lastDay].map((d) => d.dialect))].sort();
  const none = { requests: 0, clientErrors: 0, serverErrors: 0 };
  return {
    at: now,
    jobsWaiting: { total: jobs.reduce((s, j) => s + j.n, 0), byKind: jobs },
    deliveries,
    requests: {
      minuteFrom: minute - MINUTE_MS,
      hourFrom: minute - HOUR_MS,
      to: minute,
      channels: RATE_CHANNELS.map((channel) => {
        const hour = hourRates.get(channel) ?? none;
        return { channel, lastMinute: minuteRates.get(channel) ?? none, lastHour: { ...hour, perMinute: Math.round((hour.requests / 60) * 100) / 100 } };
      }),
    },
    paymentsCreated: dialects.map((d) => ({ dialect: d, lastHour: lastHour.find((x) => x.dialect === d)?.n ?? 0, lastDay: lastDay.find((x) => x.dialect === d)?.n ?? 0 })),
  };
}
