/** An idle PostgreSQL connection that loses its server is reported, not swallowed, and the store carries on. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../src/store/database.js';
import { eventually } from '../helpers/eventually.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';

describe('pool errors', { skip: !testDatabases().includes('postgres') && 'PostgreSQL only' }, () => {
  test('a terminated idle connection reaches onPoolError, and the next query runs on a new one', async () => {
    const errors: Error[] = [];
    const store = openStore({ ...(await freshDatabase('postgres')), onPoolError: (err) => errors.push(err) });
    const other = openStore(await freshDatabase('postgres'));
    try {
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db)).rows[0]?.pid;
      await sql`select pg_terminate_backend(${pid})`.execute(other.db);
      await eventually(async () => errors.length === 1, 5_000, 'the idle connection\'s failure reported');
      assert.equal((await sql<{ one: number }>`select 1 as one`.execute(store.db)).rows[0]?.one, 1);
    } finally {
      await other.close();
      await store.close();
    }
  });
});
