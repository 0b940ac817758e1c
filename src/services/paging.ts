import { TollgateError } from '../core/errors.js';
import type { Keyset } from '../store/keyset.js';

/** One page of a list, newest first: the management API's `{ data, nextCursor }`. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** The cursor is opaque to callers: base64url of "created_at|id" of the last row handed out. */
export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const [at, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || extra !== undefined || !/^\d{1,16}$/.test(at) || !/^[a-z]{2,4}_[0-9a-z]{21}$/.test(id)) {
    throw new TollgateError('validation', 'cursor: not one this API handed out; start again without it', [{ path: 'cursor', message: 'not a cursor this API handed out' }]);
  }
  return { at: Number(at), id };
}

export const encodeCursor = (k: Keyset): string => Buffer.from(`${k.at}|${k.id}`, 'utf8').toString('base64url');

/** A page from rows read with one extra (keysetPage): the extra one only says that more exist. */
export function pageOf<R, T>(rows: R[], limit: number, keyOf: (r: R) => Keyset, view: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { data: kept.map(view), nextCursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/** A page of a short list already in memory (a merchant's integrations, tokens, customers), sorted newest first here. */
export function pageInMemory<R, T>(all: R[], req: PageRequest, keyOf: (r: R) => Keyset, view: (r: R) => T): Page<T> {
  const key = decodeCursor(req.cursor);
  const sorted = [...all].sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return kb.at - ka.at || (ka.id < kb.id ? 1 : ka.id > kb.id ? -1 : 0);
  });
  const after = key ? sorted.filter((r) => {
    const k = keyOf(r);
    return k.at < key.at || (k.at === key.at && k.id < key.id);
  }) : sorted;
  return pageOf(after.slice(0, req.limit + 1), req.limit, keyOf, view);
}
