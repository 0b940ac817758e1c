import { ID_PREFIXES, type IntegrationId, type MerchantId } from '../../core/ids.js';
import { TollgateError } from '../../core/errors.js';
import { findIntegration } from '../../store/repos/integrations.js';
import { deliveriesAfter, type FeedDelivery, requestLogBatchesAfter } from '../../store/repos/feeds.js';
import type { StoredRequestLogEntry } from '../../store/tables/sandbox.js';
import type { ServiceDeps } from '../deps.js';
import { attemptRequest } from '../notify/deliveries.js';

/**
 * How long after its id was drawn a row may still commit (a slow transaction, another machine's clock):
 * each poll looks this far back again and skips what it already sent.
 */
export const SETTLE_MS = 10_000;
const PAGE = 200;

/** The smallest id of a kind drawn at `ms` or later (ids start with their time in base 36). */
export function idFloor(prefix: string, ms: number): string {
  return `${prefix}${Math.max(0, Math.floor(ms)).toString(36).padStart(9, '0')}`;
}

function idTime(prefix: string, id: string): number {
  const t = Number.parseInt(id.slice(prefix.length, prefix.length + 9), 36);
  return Number.isFinite(t) ? t : 0;
}

/**
 * Reads a table in id order by polling the database, so that any process or machine sees what any
 * other wrote. `after`: the last id the client saw (Last-Event-ID); without it, the feed starts now.
 * A resumed feed skips everything at or below that id; a row that committed below it after the
 * client's last poll is the one thing a resume can miss (a live feed catches it by looking back).
 */
export class Feed<T> {
  private readonly seen = new Map<string, number>();
  private high: string;
  private readonly base: string;

  constructor(
    private readonly prefix: string,
    private readonly fetchAfter: (afterId: string, limit: number) => Promise<{ items: T[]; next: string | null }>,
    private readonly idOf: (item: T) => string,
    after: string | undefined,
    now: number,
  ) {
    this.base = after?.startsWith(prefix) ? after : idFloor(prefix, now);
    this.high = this.base;
  }

  /** What arrived since the last poll, in id order; may run again at once. */
  async poll(): Promise<T[]> {
    const lookBack = idFloor(this.prefix, idTime(this.prefix, this.high) - SETTLE_MS);
    let after: string | null = lookBack > this.base ? lookBack : this.base;
    const fresh: T[] = [];
    while (after !== null) {
      const page: { items: T[]; next: string | null } = await this.fetchAfter(after, PAGE);
      for (const item of page.items) {
        const id = this.idOf(item);
        if (id <= this.base || this.seen.has(id)) continue;
        this.seen.set(id, idTime(this.prefix, id));
        fresh.push(item);
        if (id > this.high) this.high = id;
      }
      after = page.next;
    }
    const forget = idTime(this.prefix, this.high) - 2 * SETTLE_MS;
    for (const [id, t] of this.seen) if (t < forget) this.seen.delete(id);
    return fresh.sort((a, b) => (this.idOf(a) < this.idOf(b) ? -1 : 1));
  }
}

async function requireOwnIntegration(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId): Promise<void> {
  if (!(await findIntegration(deps.store.db, merchantId, integrationId))) throw new TollgateError('not_found', `integration ${integrationId} not found`);
}

/** One notification as a listener forwards it: the request exactly as the gateway would send it now. */
export interface StreamedNotification {
  id: string;
  /** A delivery's subject: a payment, or a transfer (`po_…`). */
  paymentId: string;
  integrationId: IntegrationId;
  dialect: string;
  eventVersion: number;
  /** The payment state the notification announces (null for a refund's or transfer's). */
  state: string | null;
  /** Where the gateway itself sends it. */
  url: string;
  createdAt: string;
  request: { method: 'POST'; headers: Record<string, string>; body: string };
}

/** The notifications of an integration as they are produced; `states` keeps those announcing one of them. */
export async function notificationFeed(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, after: string | undefined, states: readonly string[] = []) {
  await requireOwnIntegration(deps, merchantId, integrationId);
  const feed = new Feed<FeedDelivery>(ID_PREFIXES.delivery, (afterId, limit) => deliveriesAfter(deps.store.db, integrationId, afterId, limit), (d) => d.id, after, Date.now());
  return {
    async poll(): Promise<StreamedNotification[]> {
      const out: StreamedNotification[] = [];
      for (const d of await feed.poll()) {
        if (states.length > 0 && !states.includes(d.state ?? '')) continue;
        // Signed when streamed, as an attempt is signed when it is sent: its timestamp is fresh.
        const request = await attemptRequest(deps, d, deps.clock.now());
        out.push({ id: d.id, paymentId: d.paymentId, integrationId: d.integrationId, dialect: d.dialect, eventVersion: d.eventVersion, state: d.state, url: d.url, createdAt: new Date(d.createdAt).toISOString(), request: { method: 'POST', ...request } });
      }
      return out;
    },
  };
}

/** One request of the test-mode request log, as `tollgate tail` prints it. */
export interface StreamedRequest {
  id: string;
  dialect: string;
  method: string;
  path: string;
  responseStatus: number;
  responseBody: string;
  signature: string | null;
  createdAt: string;
  /** Whatever else the log holds for the entry (the signature debugger's explanation, …). */
  [more: string]: unknown;
}

/** The test-mode request log of an integration as requests arrive. */
export async function requestFeed(deps: ServiceDeps, merchantId: MerchantId, integrationId: IntegrationId, after: string | undefined) {
  await requireOwnIntegration(deps, merchantId, integrationId);
  const feed = new Feed<StoredRequestLogEntry>(ID_PREFIXES.requestLog, (afterId, limit) => requestLogBatchesAfter(deps.store.db, integrationId, afterId, limit), (e) => e.id, after, Date.now());
  return {
    async poll(): Promise<StreamedRequest[]> {
      return (await feed.poll()).map(({ status, response, at, headers: _headers, body: _body, ...rest }) => ({
        ...rest,
        responseStatus: status,
        responseBody: response,
        createdAt: new Date(at).toISOString(),
      }));
    },
  };
}
