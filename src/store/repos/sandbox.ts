import { type CustomerId, type IntegrationId, storedId } from '../../core/ids.js';
import type { Diagnosis } from '../../core/diagnosis.js';
import type { Db } from '../schema.js';
import type { FictitiousCustomersTable, StoredRequestLogEntry } from '../tables/sandbox.js';
import { insertRows } from '../insert.js';
import { balanceOf } from './ledger.js';

export interface FictitiousCustomer {
  id: CustomerId;
  integrationId: IntegrationId;
  name: string;
  email: string;
  phone: string;
  balanceMinor: number;
  currency: string;
  createdAt: number;
}

const toCustomer = (r: FictitiousCustomersTable & { wallet_minor: number | null }): FictitiousCustomer => ({
  id: storedId('customer', r.id),
  integrationId: storedId('integration', r.integration_id),
  name: r.name,
  email: r.email,
  phone: r.phone,
  balanceMinor: Number(r.wallet_minor ?? 0),
  currency: r.currency,
  createdAt: Number(r.created_at),
});

export async function insertFictitiousCustomer(db: Db, row: FictitiousCustomersTable): Promise<void> {
  await db.insertInto('fictitious_customers').values(row).execute();
}

/** Customers with their balance, which is their wallet's account in the ledger (the row's own column is no longer kept). */
function customers(db: Db) {
  return db
    .selectFrom('fictitious_customers as c')
    .leftJoin('ledger_accounts as w', 'w.customer_id', 'c.id')
    .select(['c.id', 'c.integration_id', 'c.name', 'c.email', 'c.phone', 'c.balance_minor', 'c.currency', 'c.created_at', balanceOf('w').as('wallet_minor')]);
}

export async function listFictitiousCustomers(db: Db, integrationId: IntegrationId): Promise<FictitiousCustomer[]> {
  const rows = await customers(db).where('c.integration_id', '=', integrationId).orderBy('c.created_at').orderBy('c.id').execute();
  return rows.map(toCustomer);
}

/** Finds a customer of the integration by email (case-insensitive) or phone. */
export async function findFictitiousCustomer(db: Db, integrationId: IntegrationId, alias: string): Promise<FictitiousCustomer | undefined> {
  const a = alias.trim();
  const r = await customers(db)
    .where('c.integration_id', '=', integrationId)
    .where((eb) => eb.or([eb('c.email', '=', a.toLowerCase()), eb('c.phone', '=', a)]))
    .executeTakeFirst();
  return r && toCustomer(r);
}

export async function findFictitiousCustomerById(db: Db, integrationId: IntegrationId, id: CustomerId): Promise<FictitiousCustomer | undefined> {
  const r = await customers(db).where('c.integration_id', '=', integrationId).where('c.id', '=', id).executeTakeFirst();
  return r && toCustomer(r);
}

export async function getSandboxOffset(db: Db, integrationId: IntegrationId): Promise<number> {
  const r = await db.selectFrom('sandbox_clocks').select('offset_ms').where('integration_id', '=', integrationId).executeTakeFirst();
  return r ? Number(r.offset_ms) : 0;
}

export async function addSandboxOffset(db: Db, integrationId: IntegrationId, ms: number): Promise<void> {
  await db
    .insertInto('sandbox_clocks')
    .values({ integration_id: integrationId, offset_ms: ms })
    .onConflict((oc) => oc.column('integration_id').doUpdateSet((eb) => ({ offset_ms: eb('sandbox_clocks.offset_ms', '+', ms) })))
    .execute();
}

/**
 * One row per integration among the entries of a flush. Each row is its own INSERT: on PostgreSQL a
 * transaction's inserts travel together anyway, and the one-JSON-parameter form of a multi-row insert
 * would escape and parse every entry's JSON a second time.
 */
export async function insertRequestLogEntries(db: Db, entries: readonly { integrationId: IntegrationId; entry: StoredRequestLogEntry }[]): Promise<void> {
  const byIntegration = new Map<string, StoredRequestLogEntry[]>();
  for (const { integrationId, entry } of entries) {
    const list = byIntegration.get(integrationId);
    if (list) list.push(entry);
    else byIntegration.set(integrationId, [entry]);
  }
  for (const [integrationId, list] of byIntegration) {
    const last = Math.max(...list.map((e) => e.at));
    await insertRows(db, 'request_log_batches', [{ id: (list[0] as StoredRequestLogEntry).id, integration_id: integrationId, last_at: last, entries: JSON.stringify(list), n: list.length }]);
  }
}

/** Counts failed requests that were not stored (they came faster than the log keeps them). */
export async function addRequestsNotLogged(db: Db, integrationId: IntegrationId, count: number, at: number): Promise<void> {
  await db
    .insertInto('request_log_counts')
    .values({ integration_id: integrationId, failed_not_logged: count, last_at: at })
    .onConflict((oc) => oc.column('integration_id').doUpdateSet((eb) => ({ failed_not_logged: eb('request_log_counts.failed_not_logged', '+', count), last_at: at })))
    .execute();
}

export async function requestsNotLogged(db: Db, integrationId: IntegrationId): Promise<number> {
  const r = await db.selectFrom('request_log_counts').select('failed_not_logged').where('integration_id', '=', integrationId).executeTakeFirst();
  return r ? Number(r.failed_not_logged) : 0;
}

/**
 * Keeps an integration's log within its bounds: batches whose newest entry is older than `olderThan`
 * go, then the oldest batches beyond the newest `keep` entries (counted by each batch's `n`, never
 * reading its JSON).
 */
export async function pruneRequestLog(db: Db, integrationId: IntegrationId, keep: number, olderThan: number): Promise<void> {
  await db.deleteFrom('request_log_batches').where('integration_id', '=', integrationId).where('last_at', '<', olderThan).execute();
  const batches = await db.selectFrom('request_log_batches').select(['id', 'n']).where('integration_id', '=', integrationId).orderBy('last_at', 'desc').orderBy('id', 'desc').execute();
  let kept = 0;
  const drop: string[] = [];
  for (const b of batches) {
    if (kept >= keep) drop.push(b.id);
    else kept += Number(b.n);
  }
  for (let i = 0; i < drop.length; i += 500) await db.deleteFrom('request_log_batches').where('id', 'in', drop.slice(i, i + 500)).execute();
}

export interface RequestLogEntry {
  id: string;
  dialect: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  responseStatus: number;
  responseBody: string;
  signature: string | null;
  /** Why a failed hash or signature failed, when the debugger could tell; null otherwise. */
  diagnosis: Diagnosis | null;
  createdAt: number;
}

/** Batches read at a time while looking for the newest entries. */
const BATCH_PAGE = 20;

const newestFirst = (a: StoredRequestLogEntry, b: StoredRequestLogEntry): number => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * The integration's newest `limit` entries, newest first. Batches are read newest last entry first; once
 * `limit` entries are in hand, a batch whose last entry is older than the limit-th of them has nothing
 * newer to add (several processes write batches whose times overlap, so the check is by time, not count).
 */
export async function listRequestLog(db: Db, integrationId: IntegrationId, limit: number, since = 0): Promise<RequestLogEntry[]> {
  const found: StoredRequestLogEntry[] = [];
  let oldestKept = Number.NEGATIVE_INFINITY;
  for (let offset = 0; ; offset += BATCH_PAGE) {
    const batches = await db
      .selectFrom('request_log_batches')
      .select(['last_at', 'entries'])
      .where('integration_id', '=', integrationId)
      .where('last_at', '>=', since)
      .orderBy('last_at', 'desc')
      .orderBy('id', 'desc')
      .limit(BATCH_PAGE)
      .offset(offset)
      .execute();
    let done = batches.length < BATCH_PAGE;
    for (const b of batches) {
      if (found.length >= limit && Number(b.last_at) < oldestKept) {
        done = true;
        break;
      }
      for (const e of JSON.parse(b.entries) as StoredRequestLogEntry[]) if (e.at >= since) found.push(e);
      if (found.length >= limit) {
        found.sort(newestFirst);
        found.length = limit;
        oldestKept = (found[limit - 1] as StoredRequestLogEntry).at;
      }
    }
    if (done) break;
  }
  return found.sort(newestFirst).map((e) => ({
    id: e.id,
    dialect: e.dialect,
    method: e.method,
    path: e.path,
    headers: e.headers,
    body: e.body,
    responseStatus: e.status,
    responseBody: e.response,
    signature: e.signature,
    diagnosis: (e.diagnosis as Diagnosis | undefined) ?? null,
    createdAt: e.at,
  }));
}
