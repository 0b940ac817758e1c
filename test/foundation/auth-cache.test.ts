import type { MerchantId } from '../../src/core/ids.js';
/**
 * Wire authentication reads integrations and credentials through a short cache per app, timed by the
 * app's clock. A change made on this node counts at once; a change made on another node sharing the
 * database counts within AUTH_CACHE_MS. Two real gateways on one database play the two nodes, each
 * with its ManualClock. Requests that miss one entry together wait for one read of it, never across
 * a transaction's boundary.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AUTH_CACHE_MS, authTransaction } from '../../src/services/merchants/auth-cache.js';
import { registerMerchant } from '../../src/services/merchants/accounts.js';
import { createIntegration, rotateIntegrationKeys, updateIntegrationSettings } from '../../src/services/merchants/integrations.js';
import { integrationById } from '../../src/services/merchants/credentials.js';
import { authenticateZw } from '../../src/services/merchants/wire-auth.js';
import type { ServiceDeps } from '../../src/services/deps.js';
import type { Db } from '../../src/store/schema.js';
import { testDatabases } from '../helpers/dbs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const system = { kind: 'system' as const, id: null };

async function keysOn(deps: ServiceDeps, number: number): Promise<string[] | string> {
  const auth = await authenticateZw(deps, number);
  return auth.ok ? auth.integrationKeys : auth.reason;
}

for (const kind of testDatabases()) {
  describe(`the authentication cache on ${kind}`, () => {
    let one: TestServer;
    let two: TestServer;
    let merchantId: MerchantId;
    before(async () => {
      one = await startTestServer(kind);
      two = await startTestServer(kind, { database: one });
      merchantId = (await registerMerchant(one.app.deps, { email: 'cache@shop.test', password: 'a long enough password', companyName: 'Cache' }, { verified: true })).merchant.id;
    });
    after(async () => {
      await two.stop();
      await one.stop();
    });

    test('a unit inside a transaction does not wait for a read started outside it (on SQLite both would hang)', async () => {
      const deps = one.app.deps;
      const id = (await createIntegration(deps, merchantId, { name: 'two sides' }, system)).integration.id;
      let outside: Promise<unknown> = Promise.resolve();
      const hung = new Promise<string>((r) => setTimeout(() => r('hung'), 5_000).unref());
      const inside = deps.store.transaction(async (tx) => {
        // Another request reads the integration outside: on SQLite it waits for the connection this unit holds.
        outside = integrationById(deps, id);
        await new Promise((r) => setImmediate(r));
        return (await integrationById(deps, id, tx))?.id;
      });
      assert.equal(await Promise.race([inside, hung]), id, 'the unit read the integration through its own transaction');
      assert.equal(((await Promise.race([outside, hung])) as { id: string }).id, id, 'and the read outside finished after it');
    });

    test('a read outside a transaction is not handed what a unit read inside one', async () => {
      const deps = one.app.deps;
      const id = (await createIntegration(deps, merchantId, { name: 'committed' }, system)).integration.id;
      let outside: Promise<{ name: string } | undefined> = Promise.resolve(undefined);
      const raced = deps.store.transaction(async (tx) => {
        await tx.updateTable('integrations').set({ name: 'rolled back' }).where('id', '=', id).execute();
        const mine = integrationById(deps, id, tx);
        // Asked while the unit's read is under way: sharing it would hand out a name that is never committed.
        outside = integrationById(deps, id);
        assert.equal((await mine)?.name, 'rolled back', 'the unit reads through its transaction');
        throw new Error('changed its mind');
      });
      await assert.rejects(raced, /changed its mind/);
      assert.equal((await outside)?.name, 'committed', 'the read outside saw only what was committed');
    });

    test('a key rotated on one node stops working there at once, and on the other node within AUTH_CACHE_MS', async () => {
      const created = await createIntegration(one.app.deps, merchantId, { name: 'rotating' }, system);
      const { integrationId: number, integrationKey: oldKey } = created.credentials.paynowZw;
      // Both nodes have read (and cached) the integration with its first key.
      assert.deepEqual(await keysOn(one.app.deps, number), [oldKey]);
      assert.deepEqual(await keysOn(two.app.deps, number), [oldKey]);

      const rotated = await rotateIntegrationKeys(one.app.deps, merchantId, created.integration.id, { groups: ['paynow-zw'] }, system);
      const newKey = rotated.credentials.paynowZw.integrationKey;
      assert.notEqual(newKey, oldKey);
      assert.deepEqual(await keysOn(one.app.deps, number), [newKey], 'the node that rotated uses the new key at once');

      two.clock.advance(AUTH_CACHE_MS - 1);
      assert.deepEqual(await keysOn(two.app.deps, number), [oldKey], 'the other node trusts its copy for AUTH_CACHE_MS of its clock');
      two.clock.advance(1);
      assert.deepEqual(await keysOn(two.app.deps, number), [newKey], 'the other node has caught up once the cache time has passed');
    });

    test('an integration disabled on one node is refused there at once, and on the other within AUTH_CACHE_MS', async () => {
      const created = await createIntegration(one.app.deps, merchantId, { name: 'disabling' }, system);
      const number = created.credentials.paynowZw.integrationId;
      assert.ok(Array.isArray(await keysOn(two.app.deps, number)));
      await updateIntegrationSettings(one.app.deps, merchantId, created.integration.id, { disabled: true }, system);
      assert.equal(await keysOn(one.app.deps, number), 'disabled');
      two.clock.advance(AUTH_CACHE_MS);
      assert.equal(await keysOn(two.app.deps, number), 'disabled');
    });

    test('an integration created on another node works at once: what was not found is never cached', async () => {
      assert.equal(await keysOn(two.app.deps, 99_999_999), 'unknown_credentials');
      const created = await createIntegration(one.app.deps, merchantId, { name: 'fresh' }, system, { number: 99_999_999 });
      assert.deepEqual(await keysOn(two.app.deps, 99_999_999), [created.credentials.paynowZw.integrationKey]);
    });
    /** A real read of the database that counts how often it ran. */
    const countingRead = (counter: { n: number }, fail = false) => async (db: Db) => {
      counter.n += 1;
      const row = await db.selectFrom('merchants').select('id').where('id', '=', merchantId).executeTakeFirst();
      if (fail) throw new Error('this read failed');
      return row?.id;
    };

    test('forty requests missing one entry at once read it once, and all get it', async () => {
      const reads = { n: 0 };
      const got = await Promise.all(Array.from({ length: 40 }, () => one.app.deps.authCache.read('flight:a', one.store.db, countingRead(reads))));
      assert.equal(reads.n, 1);
      assert.deepEqual(new Set(got), new Set([merchantId]));
      assert.equal(await one.app.deps.authCache.read('flight:a', one.store.db, countingRead(reads)), merchantId);
      assert.equal(reads.n, 1, 'then kept');
    });

    test('when the shared read fails (its transaction failed), the others read for themselves and succeed', async () => {
      const reads = { n: 0 };
      const first = one.app.deps.authCache.read('flight:b', one.store.db, countingRead(reads, true));
      const others = Array.from({ length: 5 }, () => one.app.deps.authCache.read('flight:b', one.store.db, countingRead(reads)));
      await assert.rejects(first, /this read failed/);
      assert.deepEqual(await Promise.all(others), Array(5).fill(merchantId));
      assert.ok(reads.n >= 2, `the others read again (${reads.n} reads)`);
    });

    test('what is read while a change runs is neither kept nor shared', async () => {
      const reads = { n: 0 };
      let release = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const change = authTransaction(one.app.deps, async () => {
        await gate;
      });
      // Not from the database: on SQLite the change holds its only connection until the gate opens.
      const read = async () => {
        reads.n += 1;
        await new Promise((r) => setImmediate(r));
        return merchantId;
      };
      await Promise.all(Array.from({ length: 4 }, () => one.app.deps.authCache.read('flight:c', one.store.db, read)));
      assert.equal(reads.n, 4, 'each read for itself');
      release();
      await change;
      await one.app.deps.authCache.read('flight:c', one.store.db, read);
      assert.equal(reads.n, 5, 'and nothing was kept');
    });
  });
}
