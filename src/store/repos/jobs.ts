import { type IntegrationId, storedId } from '../../core/ids.js';
import { sql } from 'kysely';
import { unreadCount } from '../database.js';
import type { Db } from '../schema.js';
import type { JobsTable } from '../tables/jobs.js';
import { insertRows } from '../insert.js';

export interface Job {
  id: string;
  kind: string;
  payload: unknown;
  integrationId: IntegrationId | null;
  runAt: number;
  attempts: number;
}

export async function insertJobs(db: Db, rows: JobsTable[]): Promise<void> {
  await insertRows(db, 'jobs', rows);
}

/**
 * Claims up to `limit` due jobs with a lease. On PostgreSQL the candidate rows are locked with
 * FOR UPDATE SKIP LOCKED, so several workers never take the same job; SQLite has one writer.
 */
export async function claimDueJobs(
  db: Db,
  postgres: boolean,
  opts: { now: number; limit: number; owner: string; leaseMs: number },
): Promise<Job[]> {
  const due = db
    .selectFrom('jobs')
    .select('id')
    .where('run_at', '<=', opts.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', opts.now)]))
    .orderBy('run_at')
    .limit(opts.limit);
  const candidates = postgres ? due.forUpdate().skipLocked() : due;
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({ locked_until: opts.now + opts.leaseMs, lease_owner: opts.owner, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', candidates)
    .returningAll()
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    payload: JSON.parse(r.payload) as unknown,
    integrationId: r.integration_id === null ? null : storedId('integration', r.integration_id),
    runAt: Number(r.run_at),
    attempts: Number(r.attempts),
  }));
}

/** Done: the row goes; only the lease holder may remove it. */
export async function finishJob(db: Db, id: string, owner: string): Promise<void> {
  await db.deleteFrom('jobs').where('id', '=', id).where('lease_owner', '=', owner).modifyEnd(unreadCount).execute();
}

export async function rescheduleJob(db: Db, id: string, owner: string, runAt: number, error: string | null): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ run_at: runAt, locked_until: null, lease_owner: null, last_error: error })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .modifyEnd(unreadCount)
    .execute();
}

/** The sandbox clock: an integration's waiting jobs come `ms` closer. */
export async function shiftJobs(db: Db, integrationId: IntegrationId, ms: number): Promise<number> {
  const r = await db
    .updateTable('jobs')
    .set((eb) => ({ run_at: eb('run_at', '-', ms) }))
    .where('integration_id', '=', integrationId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function countDueJobs(db: Db, now: number): Promise<Array<{ kind: string; n: number }>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_at', '<=', now)
    .groupBy('kind')
    .execute();
  return rows.map((r) => ({ kind: r.kind, n: Number(r.n) }));
}

export async function nextJobTime(db: Db): Promise<number | undefined> {
  const r = await db.selectFrom('jobs').select(sql<number>`min(run_at)`.as('t')).executeTakeFirst();
  return r?.t === null || r?.t === undefined ? undefined : Number(r.t);
}

/** Makes a waiting job (found by kind and an id its payload names) due now; false when there is none. */
export async function bringJobForward(db: Db, kind: string, idInPayload: string, now: number): Promise<boolean> {
  // Ids are [a-z0-9_] only, so the pattern cannot be widened by the value.
  const r = await db.updateTable('jobs').set({ run_at: now }).where('kind', '=', kind).where('payload', 'like', `%"${idInPayload}"%`).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Extends the leases of jobs still in hand, so a long delivery is not claimed by another worker. */
export async function renewLeases(db: Db, ids: string[], owner: string, lockedUntil: number): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('jobs').set({ locked_until: lockedUntil }).where('id', 'in', ids).where('lease_owner', '=', owner).execute();
}
