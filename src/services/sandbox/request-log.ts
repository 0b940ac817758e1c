import type { IntegrationId } from '../../core/ids.js';
import { type Batcher, createBatcher } from '../../core/batch.js';
import { clipDiagnosis, type Diagnosis } from '../../core/diagnosis.js';
import type { Store } from '../../store/database.js';
import type { Tx } from '../../store/schema.js';
import { addRequestsNotLogged, insertRequestLogEntries, listRequestLog, pruneRequestLog, type RequestLogEntry, requestsNotLogged } from '../../store/repos/sandbox.js';
import type { StoredRequestLogEntry } from '../../store/tables/sandbox.js';
import type { ServiceDeps } from '../deps.js';

/** Header names whose values are secrets: masked in the log, never stored. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'api-key', 'signature', 'paydunya-master-key', 'paydunya-private-key', 'paydunya-token', 'x-csrf-token']);

export function maskHeaders(headers: Record<string, string | string[] | undefined>, maxValue = Number.POSITIVE_INFINITY): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? mask(value) : cut(value, maxValue);
  }
  return out;
}

/** Keeps the last four characters so a developer can tell which key was sent. */
function mask(value: string): string {
  return value.length <= 8 ? '****' : `****${value.slice(-4)}`;
}

/** The first `max` bytes of a text (UTF-8), and how much was left out. */
function cut(text: string, max: number): string {
  if (text.length <= max / 4 || Buffer.byteLength(text, 'utf8') <= max) return text;
  const bytes = Buffer.from(text, 'utf8');
  return `${bytes.subarray(0, max).toString('utf8')}…[${bytes.length - max} more bytes not kept]`;
}

/**
 * How much of the log an integration may fill (config: README "Configuration"). The integration ID
 * (Paynow Zimbabwe's `id`, Paynow.pl's Api-Key) is not secret, so requests that fail the hash or
 * signature check are kept small and, above a rate, only counted.
 */
export interface RequestLogLimits {
  /** Newest entries kept per integration. */
  maxEntries: number;
  /** Entries older than this are removed. */
  maxAgeMs: number;
  /** Bytes of a failed request's body (and its answer) kept. */
  failedBodyBytes: number;
  /** Failed requests stored per integration and minute; the rest are counted. */
  failedPerMinute: number;
}

export const DEFAULT_REQUEST_LOG_LIMITS: RequestLogLimits = { maxEntries: 1000, maxAgeMs: 7 * 24 * 3_600_000, failedBodyBytes: 2048, failedPerMinute: 60 };

/** A body as much of it as any entry keeps: a request that passed its check proved its key. */
const MAX_BODY = 64 * 1024;
/** A failed request's header values: enough to see what was sent. */
const FAILED_HEADER_BYTES = 256;

/** Entries per flush: the batch rows of one flush stay well under a few megabytes. */
const MAX_ENTRIES = 500;

type Pending = { integrationId: IntegrationId; entry: StoredRequestLogEntry } | { integrationId: IntegrationId; notLoggedAt: number };

interface Writer {
  batcher: Batcher<Pending>;
  /** Failed entries stored in the current minute, per integration. */
  failedWindow: Map<IntegrationId, { start: number; n: number }>;
  /** When each integration was last pruned by this process, and entries written since. */
  pruned: Map<IntegrationId, { at: number; since: number }>;
}

/** One writer per store: the entries of concurrent requests share one row per integration and one commit. */
const writers = new WeakMap<Store, Writer>();

function limitsOf(deps: ServiceDeps): RequestLogLimits {
  return deps.requestLog ?? DEFAULT_REQUEST_LOG_LIMITS;
}

function writerFor(deps: ServiceDeps): Writer {
  let w = writers.get(deps.store);
  if (!w) {
    const failedWindow = new Map<IntegrationId, { start: number; n: number }>();
    const pruned = new Map<IntegrationId, { at: number; since: number }>();
    // A developer aid, not money: a crash may lose the last moment of it, so its commit does not wait for the disk.
    const batcher = createBatcher<Pending>(async (items) => {
      // The unit may run twice (RerunnableUnit): it only computes what to remember, kept once committed.
      const next = await deps.store.transaction((tx) => flush(tx, deps, pruned, items), { durable: false });
      for (const [integrationId, p] of next) pruned.set(integrationId, p);
    }, MAX_ENTRIES);
    w = { batcher, failedWindow, pruned };
    writers.set(deps.store, w);
  }
  return w;
}

/** Writes a batch and prunes where due; returns each written integration's prune record, to keep after the commit. */
async function flush(tx: Tx, deps: ServiceDeps, pruned: ReadonlyMap<IntegrationId, { at: number; since: number }>, items: Pending[]): Promise<Writer['pruned']> {
  const limits = limitsOf(deps);
  const now = deps.clock.now();
  const entries: Array<{ integrationId: IntegrationId; entry: StoredRequestLogEntry }> = [];
  const notLogged = new Map<IntegrationId, number>();
  for (const item of items) {
    if ('entry' in item) entries.push(item);
    else notLogged.set(item.integrationId, (notLogged.get(item.integrationId) ?? 0) + 1);
  }
  await insertRequestLogEntries(tx, entries);
  for (const [integrationId, count] of notLogged) await addRequestsNotLogged(tx, integrationId, count, now);
  // Pruning reads an integration's batch sizes: done after a tenth of its cap was written, or a minute on.
  const written = new Map<IntegrationId, number>();
  for (const e of entries) written.set(e.integrationId, (written.get(e.integrationId) ?? 0) + 1);
  const next: Writer['pruned'] = new Map();
  for (const [integrationId, n] of written) {
    const was = pruned.get(integrationId) ?? { at: Number.NEGATIVE_INFINITY, since: 0 };
    const p = { at: was.at, since: was.since + n };
    if (p.since >= Math.max(1, Math.floor(limits.maxEntries / 10)) || now - p.at >= 60_000) {
      await pruneRequestLog(tx, integrationId, limits.maxEntries, now - limits.maxAgeMs);
      p.at = now;
      p.since = 0;
    }
    next.set(integrationId, p);
  }
  return next;
}

/** Whether a failed request of this integration may still be stored this minute. */
function failedAllowed(w: Writer, integrationId: IntegrationId, now: number, perMinute: number): boolean {
  const win = w.failedWindow.get(integrationId);
  if (!win || now - win.start >= 60_000) {
    w.failedWindow.set(integrationId, { start: now, n: 1 });
    return perMinute > 0;
  }
  win.n += 1;
  return win.n <= perMinute;
}

/**
 * Seed 003's "fictitious internal data": what a test-mode request carried and what we answered,
 * with the hash or signature we computed. Written before the answer leaves, so a developer who looks
 * right after it finds the request; batched with the other requests of the moment. A request that
 * failed its hash or signature check is kept small, and beyond the per-minute rate only counted.
 */
export async function recordTestRequest(
  deps: ServiceDeps,
  entry: {
    integrationId: IntegrationId;
    dialect: string;
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    body: string;
    responseStatus: number;
    responseBody: string;
    signature: string | null;
    failed?: boolean;
    /** Why a failed hash or signature failed (the signature debugger): run only for an entry that is kept. */
    diagnose?: () => Promise<Diagnosis | undefined>;
  },
): Promise<void> {
  const now = deps.clock.now();
  const w = writerFor(deps);
  const limits = limitsOf(deps);
  const failed = entry.failed === true;
  if (failed && !failedAllowed(w, entry.integrationId, now, limits.failedPerMinute)) {
    // Only counted, and not waited for: a flood of forged requests costs no commit each.
    w.batcher.add({ integrationId: entry.integrationId, notLoggedAt: now }).catch((err: unknown) => deps.log.warn({ err }, 'could not count a request not logged'));
    return;
  }
  const maxBody = failed ? limits.failedBodyBytes : MAX_BODY;
  const found = failed && entry.diagnose ? await diagnoseSafely(deps, entry.diagnose) : undefined;
  const diagnosis = found && clipDiagnosis(found, Math.max(maxBody, 256));
  await w.batcher.add({
    integrationId: entry.integrationId,
    entry: {
      id: deps.ids.next('requestLog'),
      dialect: entry.dialect,
      method: entry.method,
      path: failed ? cut(entry.path, FAILED_HEADER_BYTES * 8) : entry.path,
      headers: maskHeaders(entry.headers, failed ? FAILED_HEADER_BYTES : Number.POSITIVE_INFINITY),
      body: cut(entry.body, maxBody),
      status: entry.responseStatus,
      response: cut(entry.responseBody, maxBody),
      signature: entry.signature,
      ...(diagnosis ? { diagnosis } : {}),
      at: now,
    },
  });
}

/** A developer aid: a diagnosis that cannot be made leaves the entry without one. */
async function diagnoseSafely(deps: ServiceDeps, run: () => Promise<Diagnosis | undefined>): Promise<Diagnosis | undefined> {
  try {
    return await run();
  } catch (err) {
    deps.log.warn({ err }, 'could not diagnose a failed signature');
    return undefined;
  }
}

/** The integration's newest entries within its bounds, and how many failed requests were only counted. */
export async function listTestRequests(deps: ServiceDeps, integrationId: IntegrationId, limit: number): Promise<{ requests: RequestLogEntry[]; failedNotLogged: number }> {
  const limits = limitsOf(deps);
  const requests = await listRequestLog(deps.store.db, integrationId, Math.min(limit, limits.maxEntries), deps.clock.now() - limits.maxAgeMs);
  return { requests, failedNotLogged: await requestsNotLogged(deps.store.db, integrationId) };
}
