/**
 * Throwaway sandboxes: `serve --ephemeral` prints one JSON line a CI script reads and removes its
 * directory on exit; `sandbox export` writes a fixture that `sandbox load` turns into the same sandbox.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freshDatabase, tempDir, testDatabases } from '../helpers/dbs.js';
import { cleanEnv, dbArgs, type Finished, killAll, Proc, runCli } from '../helpers/process.js';

after(killAll);

function jsonOut(r: Finished): any {
  assert.equal(r.exited?.code, 0, r.describe());
  return JSON.parse(r.stdout);
}

describe('serve --ephemeral', () => {
  test('prints url, token and credentials as one JSON line; the API answers; the directory goes on exit', async () => {
    const p = new Proc(['serve', '--ephemeral'], cleanEnv({ TOLLGATE_LOG_LEVEL: 'silent' }));
    const line = (await p.waitFor(/^\{.*\}\n/m, 60_000))[0];
    const info = JSON.parse(line);
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(info.token, /^tg_/);
    assert.ok(existsSync(info.dataDir));
    assert.match(info.credentials.paynowZw.integrationKey, /^[0-9a-f-]{36}$/);
    const r = await fetch(`${info.url}/api/integrations/${info.integration.id}/payments`, { headers: { authorization: `Bearer ${info.token}` } });
    assert.equal(r.status, 200, await r.text());
    p.child.kill('SIGTERM');
    assert.equal((await p.exit).code, 0, p.describe());
    assert.equal(existsSync(info.dataDir), false, 'the temporary directory is removed');
  });
});

for (const kind of testDatabases()) {
  describe(`sandbox export on ${kind}`, () => {
    test('export → load into a fresh database → export again gives the same fixture', async () => {
      const fixture = {
        merchants: [
          {
            email: 'rt@example.test',
            company: 'Round Trip',
            integrations: [
              {
                name: 'Shop',
                notificationUrl: 'https://shop.example/hook',
                paynowZw: { integrationId: 4242, integrationKey: '0f8b7c3e-1d2a-4b5c-8d9e-0a1b2c3d4e5f' },
                customers: [{ name: 'Awa', email: 'awa@example.test', phone: '+221770000001', balance: 50000, currency: 'XOF' }],
                payments: [
                  { dialect: 'paynow_zw', publicId: 'zw-guid-1', displayRef: '123456789', amount: 1250, currency: 'USD', state: 'paid', reference: 'INV-1', method: 'ecocash', customer: { phone: '0771111111' }, wireData: { resultUrl: 'https://shop.example/r' } },
                  { dialect: 'paydunya', publicId: 'test_tok_1', amount: 5000, currency: 'XOF', state: 'cancelled', description: 'Two books' },
                  { dialect: 'paynow_pl', publicId: 'NOPL-1', amount: 999, currency: 'PLN', state: 'pending' },
                ],
              },
            ],
          },
        ],
      };
      const dir = tempDir();
      const start = join(dir, 'start.json');
      writeFileSync(start, JSON.stringify(fixture));
      const a = await freshDatabase(kind);
      const b = await freshDatabase(kind);
      const env = cleanEnv({ TOLLGATE_LOG_LEVEL: 'silent' });
      assert.equal((await runCli(['sandbox', 'load', start, ...dbArgs(a.dataDir, a.databaseUrl)], env)).exited.code, 0);
      const first = jsonOut(await runCli(['sandbox', 'export', join(dir, 'a.json'), '--json', ...dbArgs(a.dataDir, a.databaseUrl)], env));
      assert.deepEqual({ ...first, file: undefined }, { file: undefined, merchants: 1, integrations: 1, customers: 1, payments: 3 });
      const load = jsonOut(await runCli(['sandbox', 'load', join(dir, 'a.json'), '--json', ...dbArgs(b.dataDir, b.databaseUrl)], env));
      assert.equal(load.payments, 3);
      assert.equal((await runCli(['sandbox', 'export', join(dir, 'b.json'), ...dbArgs(b.dataDir, b.databaseUrl)], env)).exited.code, 0);
      const exportedA = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
      const exportedB = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
      assert.deepEqual(exportedB, exportedA, 'nothing lost in the round trip');
      // And what was loaded first is all there.
      const shop = exportedA.merchants[0].integrations[0];
      assert.equal(shop.paynowZw.integrationId, 4242);
      assert.equal(shop.paynowZw.integrationKey, fixture.merchants[0]!.integrations[0]!.paynowZw.integrationKey);
      assert.deepEqual(shop.customers, fixture.merchants[0]!.integrations[0]!.customers);
      for (const p of fixture.merchants[0]!.integrations[0]!.payments) assert.deepEqual(shop.payments.find((x: any) => x.publicId === p.publicId), p);
    });
  });
}
