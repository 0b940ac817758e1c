/**
 * The test-mode request log is bounded (issue 17, item 1): an integration ID is not secret, so anyone
 * can send requests that fail its hash or signature check. They stay in the log (a developer debugging
 * a hash needs them) but small, and above a per-minute rate only counted; every integration's log is
 * capped in entries and age. 10,000 forged requests add less than 2 MB to the database.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { SQLITE_FILE } from '../../../src/store/database.js';
import { listTestRequests } from '../../../src/services/sandbox/request-log.js';
import type { ApiClient, Reply } from '../../helpers/client.js';
import { eventually } from '../../helpers/eventually.js';
import type { DbKind } from '../../helpers/dbs.js';
import { testDatabases } from '../../helpers/dbs.js';
import { type AnyShop, merchantApi, openAnyShop, zwForm, zwInitiate } from './shop.js';

/** What the log takes on disk: the SQLite file once its WAL is checkpointed, or the log tables on PostgreSQL. */
async function logBytes(shop: AnyShop, kind: DbKind): Promise<number> {
  const db = shop.s.store.db;
  if (kind === 'sqlite') {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    return statSync(join(shop.s.dataDir, SQLITE_FILE)).size;
  }
  const r = await sql<{ n: string }>`select pg_total_relation_size('request_log_batches') + pg_total_relation_size('request_log_counts') as n`.execute(db);
  return Number(r.rows[0]?.n);
}

/** Runs `count` requests, `width` at a time. */
async function flood(count: number, width: number, one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await one(next++);
  }));
}

const PAD = 'x'.repeat(8 * 1024);

for (const kind of testDatabases()) {
  describe(`the request log's bounds on ${kind}`, () => {
    let shop: AnyShop;
    let api: ApiClient;
    before(async () => {
      shop = await openAnyShop(kind);
      api = await merchantApi(shop);
    });
    after(() => shop?.stop());

    test('10,000 forged 8 KB requests (Paynow Zimbabwe bad hash, Paynow.pl bad signature) add less than 2 MB; the rest are counted', async () => {
      const start = await logBytes(shop, kind);
      const zwBody = zwForm([['id', shop.zw.id], ['reference', 'forged'], ['additionalinfo', PAD], ['status', 'Message'], ['hash', 'F'.repeat(128)]]);
      const plBody = JSON.stringify({ amount: 1000, externalId: 'forged', description: PAD, buyer: { email: 'a@b.pl' } });
      await flood(10_000, 16, async (i) => {
        const r =
          i % 2 === 0
            ? await fetch(`${shop.s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: zwBody })
            : await fetch(`${shop.s.url}/v3/payments`, { method: 'POST', headers: { 'Api-Key': shop.pl.apiKey, 'Idempotency-Key': `f-${i}`, Signature: 'forged', 'Content-Type': 'application/json' }, body: plBody });
        await r.arrayBuffer();
      });
      let listed: Listing = { requests: [], failedNotLogged: 0 };
      // Requests only counted are not waited for: their count is committed with the next flush.
      await eventually(async () => {
        listed = await readLog(api, shop.integrationId);
        return listed.requests.length + listed.failedNotLogged === 10_000;
      }, 15_000, 'every forged request stored or counted');
      const { requests, failedNotLogged } = listed;
      const grown = (await logBytes(shop, kind)) - start;
      assert.ok(grown < 2 * 1024 * 1024, `the database grew by ${(grown / 1024 / 1024).toFixed(1)} MB`);
      assert.ok(requests.length > 0, 'failed requests are still in the log');
      assert.ok(requests.every((e) => Buffer.byteLength(e.body) < 2200), 'a failed request keeps only the start of its body');
      assert.ok(requests.some((e) => e.path === '/interface/initiatetransaction') && requests.some((e) => e.path === '/v3/payments'));

      // A minute on, failed requests are stored again.
      shop.s.clock.advance(61_000);
      await (await fetch(`${shop.s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: zwBody })).arrayBuffer();
      const later = (await api.get(`/api/integrations/${shop.integrationId}/request-log?limit=1`)).body as { data: Array<{ createdAt: string }>; failedNotLogged: number };
      assert.equal(later.failedNotLogged, failedNotLogged);
      assert.equal(later.data[0]?.createdAt, new Date(shop.s.clock.now()).toISOString());
    });
  });

  describe(`the request log's entry cap and age on ${kind}`, () => {
    let shop: AnyShop;
    let api: ApiClient;
    before(async () => {
      shop = await openAnyShop(kind, { config: { requestLogMaxEntries: 20, requestLogMaxAgeHours: 24 } });
      api = await merchantApi(shop);
    });
    after(() => shop?.stop());

    const stored = async () => {
      const rows = await shop.s.store.db.selectFrom('request_log_batches').select('entries').where('integration_id', '=', shop.integrationId).execute();
      return rows.reduce((n, r) => n + (JSON.parse(r.entries) as unknown[]).length, 0);
    };

    test('60 valid requests: at most the newest 20 are listed, and little more is stored; a day later they are gone', async () => {
      for (let i = 0; i < 60; i += 1) {
        const r = await fetch(`${shop.s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: zwInitiate(shop) });
        await r.arrayBuffer();
        shop.s.clock.advance(1000);
      }
      const listed = await readLog(api, shop.integrationId);
      assert.equal(listed.requests.length, 20);
      assert.ok((await stored()) <= 22, `stored entries: ${await stored()}`);

      shop.s.clock.advance(25 * 3_600_000);
      await (await fetch(`${shop.s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: zwInitiate(shop) })).arrayBuffer();
      // Read through the service: the session would have expired on the moved clock.
      assert.equal((await listTestRequests(shop.s.app.deps, shop.integrationId, 500)).requests.length, 1);
      assert.equal(await stored(), 1, 'the old entries were removed, not only hidden');
    });
  });
}

type Listing = { requests: Array<{ body: string; path: string; createdAt: string }>; failedNotLogged: number };

/** Every page of an integration's request log. */
async function readLog(api: ApiClient, integrationId: string): Promise<Listing> {
  const out: Listing = { requests: [], failedNotLogged: 0 };
  for (let cursor: string | null = ''; cursor !== null; ) {
    const r: Reply = await api.get(`/api/integrations/${integrationId}/request-log?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    out.requests.push(...r.body.data);
    out.failedNotLogged = r.body.failedNotLogged;
    cursor = r.body.nextCursor;
  }
  return out;
}
