import { sql } from 'kysely';
import type { Db } from '../schema.js';

export interface RequestCounts {
  requests: number;
  clientErrors: number;
  serverErrors: number;
}

/** Adds one process's counts of a minute to what other processes flushed for it. */
export async function addRequestRates(db: Db, rows: ReadonlyArray<{ minuteAt: number; channel: string } & RequestCounts>): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('request_rates')
    .values(rows.map((r) => ({ minute_at: r.minuteAt, channel: r.channel, requests: r.requests, client_errors: r.clientErrors, server_errors: r.serverErrors })))
    .onConflict((oc) =>
      oc.columns(['minute_at', 'channel']).doUpdateSet({
        requests: sql`request_rates.requests + excluded.requests`,
        client_errors: sql`request_rates.client_errors + excluded.client_errors`,
        server_errors: sql`request_rates.server_errors + excluded.server_errors`,
      }),
    )
    .execute();
}

/** Totals per channel of the minutes starting in [from, to). */
export async function requestRatesBetween(db: Db, from: number, to: number): Promise<Array<{ channel: string } & RequestCounts>> {
  const rows = await db
    .selectFrom('request_rates')
    .select((eb) => ['channel', eb.fn.sum<number>('requests').as('requests'), eb.fn.sum<number>('client_errors').as('client'), eb.fn.sum<number>('server_errors').as('server')])
    .where('minute_at', '>=', from)
    .where('minute_at', '<', to)
    .groupBy('channel')
    .execute();
  return rows.map((r) => ({ channel: r.channel, requests: Number(r.requests), clientErrors: Number(r.client), serverErrors: Number(r.server) }));
}

/** Forgets minutes before `before`. */
export async function pruneRequestRates(db: Db, before: number): Promise<void> {
  await db.deleteFrom('request_rates').where('minute_at', '<', before).execute();
}
