import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/database.js';
import { addRequestRates, pruneRequestRates, type RequestCounts, requestRatesBetween } from '../store/repos/request-rates.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** What request rates are counted for: each wire, and the management API. */
export const RATE_CHANNELS = ['paynow_zw', 'paynow_pl', 'paydunya', 'management'] as const;

type Row = { minuteAt: number; channel: string } & RequestCounts;

const zero = (): RequestCounts => ({ requests: 0, clientErrors: 0, serverErrors: 0 });

/** The counts kept under `key`, created empty when absent. */
function slot<K>(map: Map<K, RequestCounts>, key: K): RequestCounts {
  let c = map.get(key);
  if (c === undefined) {
    c = zero();
    map.set(key, c);
  }
  return c;
}

function addInto(into: RequestCounts, c: RequestCounts): void {
  into.requests += c.requests;
  into.clientErrors += c.clientErrors;
  into.serverErrors += c.serverErrors;
}

/**
 * One serving process's request counts per minute and channel, kept in memory and added to the
 * `request_rates` table once per minute (when a later minute is seen, by a timer, and on close), so that
 * every process and machine on one database add up without a write per request. Flushes and reads run
 * one after another, so a read never misses counts on their way to the database.
 */
export class RequestRates {
  private readonly pending = new Map<number, Map<string, RequestCounts>>();
  private queue: Promise<unknown> = Promise.resolve();
  private flushQueued = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private minuteNow(): number {
    return Math.floor(this.clock.now() / MINUTE_MS) * MINUTE_MS;
  }

  /** One answered request; cheap: a map lookup and three additions. */
  count(channel: string, status: number): void {
    const minute = this.minuteNow();
    let m = this.pending.get(minute);
    if (m === undefined) {
      m = new Map();
      this.pending.set(minute, m);
      if (this.pending.size > 1) this.flushEnded();
    }
    const c = slot(m, channel);
    c.requests += 1;
    if (status >= 500) c.serverErrors += 1;
    else if (status >= 400) c.clientErrors += 1;
  }

  private run<T>(task: () => Promise<T>): Promise<T> {
    const p = this.queue.then(task);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Writes the counts of minutes before `before` (taken when the write runs, not when asked). */
  private flush(before: () => number): Promise<void> {
    return this.run(async () => {
      const rows: Row[] = [];
      const limit = before();
      for (const [minuteAt, m] of this.pending) {
        if (minuteAt >= limit) continue;
        for (const [channel, c] of m) rows.push({ minuteAt, channel, ...c });
        this.pending.delete(minuteAt);
      }
      if (rows.length === 0) return;
      try {
        await addRequestRates(this.store.db, rows);
        await pruneRequestRates(this.store.db, limit - DAY_MS);
      } catch (err) {
        // Kept for the next flush: a database hiccup costs freshness, not counts.
        this.log.warn({ err }, 'request rates not flushed');
        for (const r of rows) this.merge(r);
      }
    });
  }

  private merge({ minuteAt, channel, ...c }: Row): void {
    let m = this.pending.get(minuteAt);
    if (m === undefined) {
      m = new Map();
      this.pending.set(minuteAt, m);
    }
    addInto(slot(m, channel), c);
  }

  /** Flushes the minutes that have ended, at most once queued at a time. */
  private flushEnded(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    void this.flush(() => {
      this.flushQueued = false;
      return this.minuteNow();
    });
  }

  /** Starts flushing ended minutes every few seconds, so an idle process's last minute reaches the others. */
  start(everyMs = 5_000): void {
    this.timer = setInterval(() => {
      const minute = this.minuteNow();
      if ([...this.pending.keys()].some((k) => k < minute)) this.flushEnded();
    }, everyMs);
    this.timer.unref();
  }

  /** Flushes everything, the current minute too: the process is stopping. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(() => Number.POSITIVE_INFINITY);
  }

  /** Every process's counts of the minutes starting in [from, to), with this process's not yet flushed. */
  totals(from: number, to: number): Promise<Map<string, RequestCounts>> {
    return this.run(async () => {
      const out = await storedRates(this.store, from, to);
      for (const [minuteAt, m] of this.pending) {
        if (minuteAt < from || minuteAt >= to) continue;
        for (const [channel, c] of m) addInto(slot(out, channel), c);
      }
      return out;
    });
  }
}

/** What every process flushed for the minutes starting in [from, to), by channel. */
export async function storedRates(store: Store, from: number, to: number): Promise<Map<string, RequestCounts>> {
  return new Map((await requestRatesBetween(store.db, from, to)).map(({ channel, ...c }) => [channel, c]));
}
