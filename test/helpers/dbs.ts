/**
 * Which databases a suite runs on, and a fresh empty database of each kind per test server.
 * TOLLGATE_TEST_DBS narrows the list; PostgreSQL needs the cluster scripts/test.ts starts
 * (TOLLGATE_TEST_PG_URL).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type DbKind = 'sqlite' | 'postgres';

export function testDatabases(): DbKind[] {
  const wanted = (process.env.TOLLGATE_TEST_DBS ?? 'sqlite,postgres').split(',').map((s) => s.trim());
  const kinds: DbKind[] = [];
  if (wanted.includes('sqlite')) kinds.push('sqlite');
  if (wanted.includes('postgres') && process.env.TOLLGATE_TEST_PG_URL) kinds.push('postgres');
  return kinds;
}

export function tempDir(prefix = 'tollgate-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A new, empty database in the test cluster; its URL. */
export async function createPostgresDatabase(): Promise<string> {
  const base = process.env.TOLLGATE_TEST_PG_URL;
  if (!base) throw new Error('TOLLGATE_TEST_PG_URL is not set: run the tests with npm test');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Data directory and database URL for one fresh gateway on the given database. */
export async function freshDatabase(kind: DbKind): Promise<{ dataDir: string; databaseUrl: string | undefined }> {
  return { dataDir: tempDir(), databaseUrl: kind === 'postgres' ? await createPostgresDatabase() : undefined };
}
