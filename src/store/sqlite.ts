import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { Store } from './database.js';
import { groupCommit } from './group-commit.js';
import type { Database } from './schema.js';

export const SQLITE_FILE = 'tollgate.sqlite';

/** Distinct statement texts kept compiled per SQLite connection; past it the cache starts again. */
const MAX_SQLITE_STATEMENTS = 500;

export function openSqlite(dataDir: string, options: { grouped: boolean; rerunUnits: boolean }): Store {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SQLITE_FILE);
  const conn = new SQLite(file);
  // WAL with synchronous=FULL: a commit is on disk when it returns, so a power cut loses nothing acknowledged.
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = FULL');
  conn.pragma('busy_timeout = 5000');
  conn.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(conn) }) });
  return {
    kind: 'sqlite',
    db,
    location: file,
    // One connection: groups run one after another. BEGIN IMMEDIATE takes the write lock up front, so
    // another process waits (busy_timeout) instead of failing midway.
    transaction: groupCommit(db, { begin: 'BEGIN IMMEDIATE', maxGroup: options.grouped ? 64 : 1, groups: 1, rerunUnits: options.rerunUnits }),
    close: () => db.destroy(),
  };
}

/**
 * Kysely's SQLite driver compiles every statement anew (better-sqlite3's prepare), which costs more
 * than running a short indexed query. Each text is compiled once and its statement reused. This is
 * safe because the connection runs one query at a time and nothing streams (an iterating statement
 * could not be reused); a schema change re-compiles a statement inside SQLite itself.
 */
function withStatementCache(conn: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => conn.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (statement === undefined) {
        statement = conn.prepare(text);
        // Full (inserts of every row count add up): start again, so the statements in use now are kept.
        if (statements.size >= MAX_SQLITE_STATEMENTS) statements.clear();
        statements.set(text, statement);
      }
      return statement;
    },
  };
}
