import { type Batcher, createBatcher } from '../../core/batch.js';
import type { Store } from '../../store/database.js';
import { insertRequestLogEntries } from '../../store/repos/sandbox.js';
import type { StoredRequestLogEntry } from '../../store/tables/sandbox.js';
import type { ServiceDeps } from '../deps.js';

/** Header names whose values are secrets: masked in the log, never stored. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'api-key', 'signature', 'paydunya-master-key', 'paydunya-private-key', 'paydunya-token', 'x-csrf-token']);

export function maskHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? mask(value) : value;
  }
  return out;
}

/** Keeps the last four characters so a developer can tell which key was sent. */
function mask(value: string): string {
  return value.length <= 8 ? '****' : `****${value.slice(-4)}`;
}

const MAX_BODY = 64 * 1024;

/** Entries per flush: the batch rows of one flush stay well under a few megabytes. */
const MAX_ENTRIES = 500;

type Pending = { integrationId: string; entry: StoredRequestLogEntry };

/** One writer per store: the entries of concurrent requests share one row per integration and one commit. */
const writers = new WeakMap<Store, Batcher<Pending>>();

function writerFor(store: Store): Batcher<Pending> {
  let w = writers.get(store);
  if (!w) {
    // A developer aid, not money: a crash may lose the last moment of it, so its commit does not wait for the disk.
    w = createBatcher((entries) => store.transaction((tx) => insertRequestLogEntries(tx, entries), { durable: false }), MAX_ENTRIES);
    writers.set(store, w);
  }
  return w;
}

/**
 * Seed 003's "fictitious internal data": what a test-mode request carried and what we answered,
 * with the hash or signature we computed. Written before the answer leaves, so a developer who looks
 * right after it finds the request; batched with the other requests of the moment.
 */
export async function recordTestRequest(
  deps: ServiceDeps,
  entry: {
    integrationId: string;
    dialect: string;
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    body: string;
    responseStatus: number;
    responseBody: string;
    signature: string | null;
  },
): Promise<void> {
  const now = deps.clock.now();
  await writerFor(deps.store).add({
    integrationId: entry.integrationId,
    entry: {
      id: deps.ids.next('requestLog'),
      dialect: entry.dialect,
      method: entry.method,
      path: entry.path,
      headers: maskHeaders(entry.headers),
      body: entry.body.slice(0, MAX_BODY),
      status: entry.responseStatus,
      response: entry.responseBody.slice(0, MAX_BODY),
      signature: entry.signature,
      at: now,
    },
  });
}
