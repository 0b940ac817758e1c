import type { SelectQueryBuilder } from 'kysely';

/** A position in a list ordered newest first by (created_at, id): the last row of the previous page. */
export interface Keyset {
  at: number;
  id: string;
}

/**
 * Rows strictly after `key` in (at desc, id desc) order, ordered that way, at most `limit` + 1 of them
 * (the extra row tells the caller whether a next page exists without a count).
 */
// biome-ignore lint/suspicious/noExplicitAny: the builder's table types vary per list; the column names are the callers'.
export function keysetPage<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, at: string, id: string, key: Keyset | undefined, limit: number): QB {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  let q: any = qb;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  if (key) q = q.where((eb: any) => eb.or([eb(at, '<', key.at), eb.and([eb(at, '=', key.at), eb(id, '<', key.id)])]));
  return q.orderBy(at, 'desc').orderBy(id, 'desc').limit(limit + 1) as QB;
}
