import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { TollgateError } from '../../src/core/errors.js';
import { openStore, type Store } from '../../src/store/database.js';
import { conflictAs } from '../../src/store/errors.js';
import { migrateToLatest, pendingMigrations } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { getMeta, putMetaOnce } from '../../src/store/repos/meta.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';

for (const kind of testDatabases()) {
  describe(`store on ${kind}`, () => {
    let store: Store;
    before(async () => {
      store = openStore(await freshDatabase(kind));
    });
    after(() => store.close());

    test('migrations apply once, in order, and a second run finds nothing to do', async () => {
      assert.deepEqual(await pendingMigrations(store), Object.keys(MIGRATIONS));
      const first = await migrateToLatest(store);
      assert.deepEqual(first.applied, Object.keys(MIGRATIONS));
      const second = await migrateToLatest(store);
      assert.deepEqual(second.applied, []);
      assert.deepEqual(await pendingMigrations(store), []);
    });

    test('a transaction that throws leaves nothing behind', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await putMetaOnce(tx, 'rollback-probe', 'x');
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await getMeta(store.db, 'rollback-probe'), undefined);
    });

    test('a unique violation from either driver becomes a conflict error', async () => {
      await store.db.insertInto('meta').values({ key: 'dup', value: '1' }).execute();
      await assert.rejects(
        conflictAs('taken', () => store.db.insertInto('meta').values({ key: 'dup', value: '2' }).execute()),
        (e: unknown) => e instanceof TollgateError && e.code === 'conflict' && e.detail === 'taken',
      );
    });

    test('money and time columns come back as numbers, not strings', async () => {
      const r = await sql<{ n: number }>`select ${9_007_199_254_740_991}::bigint as n`.execute(store.db).catch(() => sql<{ n: number }>`select 9007199254740991 as n`.execute(store.db));
      assert.equal(typeof r.rows[0]?.n, 'number');
      assert.equal(r.rows[0]?.n, 9_007_199_254_740_991);
    });
  });
}

describe('SQLite durability settings', () => {
  test('WAL journal, synchronous=FULL and a busy timeout', async () => {
    const store = openStore(await freshDatabase('sqlite'));
    try {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
      const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(store.db);
      assert.equal(mode.rows[0]?.journal_mode, 'wal');
      assert.equal(sync.rows[0]?.synchronous, 2); // 2 = FULL
      assert.ok((busy.rows[0]?.timeout ?? 0) >= 1000);
    } finally {
      await store.close();
    }
  });
});
