import type { Db } from '../schema.js';
import type { FictitiousCustomersTable, RequestLogTable } from '../tables/sandbox.js';
import { insertRows } from '../insert.js';

export interface FictitiousCustomer {
  id: string;
  integrationId: string;
  name: string;
  email: string;
  phone: string;
  balanceMinor: number;
  currency: string;
  createdAt: number;
}

const toCustomer = (r: FictitiousCustomersTable): FictitiousCustomer => ({
  id: r.id,
  integrationId: r.integration_id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  balanceMinor: Number(r.balance_minor),
  currency: r.currency,
  createdAt: Number(r.created_at),
});

export async function insertFictitiousCustomer(db: Db, row: FictitiousCustomersTable): Promise<void> {
  await db.insertInto('fictitious_customers').values(row).execute();
}

export async function listFictitiousCustomers(db: Db, integrationId: string): Promise<FictitiousCustomer[]> {
  const rows = await db.selectFrom('fictitious_customers').selectAll().where('integration_id', '=', integrationId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toCustomer);
}

/** Finds a customer of the integration by email (case-insensitive) or phone. */
export async function findFictitiousCustomer(db: Db, integrationId: string, alias: string): Promise<FictitiousCustomer | undefined> {
  const a = alias.trim();
  const r = await db
    .selectFrom('fictitious_customers')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where((eb) => eb.or([eb('email', '=', a.toLowerCase()), eb('phone', '=', a)]))
    .executeTakeFirst();
  return r && toCustomer(r);
}

export async function findFictitiousCustomerById(db: Db, integrationId: string, id: string): Promise<FictitiousCustomer | undefined> {
  const r = await db.selectFrom('fictitious_customers').selectAll().where('integration_id', '=', integrationId).where('id', '=', id).executeTakeFirst();
  return r && toCustomer(r);
}

/** Debits only when the balance covers it, in one statement: two payments cannot both spend the last franc. */
export async function debitFictitiousCustomer(db: Db, id: string, amountMinor: number): Promise<boolean> {
  const r = await db
    .updateTable('fictitious_customers')
    .set((eb) => ({ balance_minor: eb('balance_minor', '-', amountMinor) }))
    .where('id', '=', id)
    .where('balance_minor', '>=', amountMinor)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function creditFictitiousCustomer(db: Db, id: string, amountMinor: number): Promise<void> {
  await db.updateTable('fictitious_customers').set((eb) => ({ balance_minor: eb('balance_minor', '+', amountMinor) })).where('id', '=', id).execute();
}

export async function getSandboxOffset(db: Db, integrationId: string): Promise<number> {
  const r = await db.selectFrom('sandbox_clocks').select('offset_ms').where('integration_id', '=', integrationId).executeTakeFirst();
  return r ? Number(r.offset_ms) : 0;
}

export async function addSandboxOffset(db: Db, integrationId: string, ms: number): Promise<void> {
  await db
    .insertInto('sandbox_clocks')
    .values({ integration_id: integrationId, offset_ms: ms })
    .onConflict((oc) => oc.column('integration_id').doUpdateSet((eb) => ({ offset_ms: eb('sandbox_clocks.offset_ms', '+', ms) })))
    .execute();
}

export async function insertRequestLogs(db: Db, rows: RequestLogTable[]): Promise<void> {
  await insertRows(db, 'request_log', rows);
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
  createdAt: number;
}

export async function listRequestLog(db: Db, integrationId: string, limit: number): Promise<RequestLogEntry[]> {
  const rows = await db.selectFrom('request_log').selectAll().where('integration_id', '=', integrationId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    dialect: r.dialect,
    method: r.method,
    path: r.path,
    headers: JSON.parse(r.headers) as Record<string, string>,
    body: r.body,
    responseStatus: Number(r.response_status),
    responseBody: r.response_body,
    signature: r.signature,
    createdAt: Number(r.created_at),
  }));
}
