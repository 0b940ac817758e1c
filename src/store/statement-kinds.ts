import { sql } from 'kysely';

/** 'set', 'unread' and 'mark' (SAVEPOINT, RELEASE) are blind: nobody reads their answer. 'undo' is a ROLLBACK TO SAVEPOINT. */
export type StatementKind = 'begin' | 'commit' | 'rollback' | 'undo' | 'set' | 'unread' | 'mark' | 'waited';

/** The comment that ends a statement whose answer nobody waits for (see unreadCount). */
export const UNREAD_MARK = '/* unread */';

/**
 * Ends (with Kysely's modifyEnd) an INSERT, UPDATE or DELETE whose answer nobody reads: inside a
 * PostgreSQL transaction it is then written without waiting for its answer and costs no round trip.
 * A failure still fails the transaction (see postgres-client.ts). Its result reports no rows: never put
 * it on a statement whose count or RETURNING decides anything. Only a write so marked is not waited
 * for; nothing is guessed from a statement's text.
 */
export const unreadCount = sql.raw(UNREAD_MARK);

/**
 * What the client does with a statement: the store's own transaction control (BEGIN, COMMIT,
 * ROLLBACK, SAVEPOINT, RELEASE, SET LOCAL), a write marked with unreadCount, or waited for.
 * Only the head is lower-cased: this runs for every query.
 */
export function statementKind(text: string): StatementKind {
  const head = text.slice(0, 12).trim().toLowerCase();
  if (head === 'begin' || head === 'commit' || head === 'rollback') return head;
  if (head.startsWith('rollback to')) return 'undo';
  if (head.startsWith('savepoint ') || head.startsWith('release ')) return 'mark';
  if (head.startsWith('set local ')) return 'set';
  if (text.endsWith(UNREAD_MARK) && !head.startsWith('select')) return 'unread';
  return 'waited';
}
