/**
 * `tollgate trigger`: every scenario of --list runs through the real wire against a gateway over HTTP
 * and ends in the state it names.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tempDir, testDatabases } from '../helpers/dbs.js';
import { killAll } from '../helpers/process.js';
import { jsonOf, openWorld } from './world.js';

after(killAll);

for (const kind of testDatabases()) {
  describe(`trigger on ${kind}`, () => {
    test('every scenario of --list ends in the state it names', async () => {
      const w = await openWorld(kind);
      try {
        const keys = join(tempDir(), 'keys.json');
        writeFileSync(keys, JSON.stringify({ integration: { id: w.integrationId }, credentials: w.credentials }));
        const list = jsonOf(await w.cli(['trigger', '--list', '--json'])).data;
        assert.ok(list.length >= 3);
        for (const s of list) {
          const r = jsonOf(await w.cli(['trigger', s.name, '--keys', keys, '--json']));
          assert.equal(r.reached, true, `${s.name}: ${JSON.stringify(r)}`);
          if (s.ends === null) assert.equal(r.payment, null);
          else assert.equal(r.payment.state, s.ends, s.name);
        }
        const missing = await w.cli(['trigger', 'paynow-zw.express.paid']);
        assert.equal(missing.exited.code, 1);
        assert.match(missing.stderr, /needs the integration's keys/);
      } finally {
        await w.s.stop();
      }
    });
  });
}
