/**
 * `tollgate trigger`: every scenario of --list runs through the real wire of its gateway against a
 * server over HTTP and ends in the state it names, with the notifications it caused. The command runs
 * in this process (the same runCli the binary calls); one child process proves the binary.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tempDir, testDatabases } from '../helpers/dbs.js';
import { killAll, runBin } from '../helpers/process.js';
import { jsonOf, openWorld } from './world.js';

after(killAll);

const WIRES = ['paynow-zw', 'paynow-pl', 'paydunya'];

for (const kind of testDatabases()) {
  describe(`trigger on ${kind}`, () => {
    test('every scenario of --list ends in the state it names, with its wire answers and notifications', async () => {
      const w = await openWorld(kind, { notificationUrl: 'https://shop.example/paynow-pl-hook' });
      try {
        const keys = join(tempDir(), 'keys.json');
        writeFileSync(keys, JSON.stringify({ integration: { id: w.integrationId }, credentials: w.credentials }));
        const list = jsonOf(await w.cli(['trigger', '--list', '--json'])).data as Array<{ name: string; does: string; ends: string | null }>;
        for (const name of ['paynow-zw.express.paid', 'paynow-zw.express.insufficient-balance', 'paynow-zw.web.cancelled', 'paynow-pl.blik.rejected', 'paynow-pl.pbl.failed', 'paynow-pl.refund', 'paydunya.invoice.completed', 'paydunya.opr.wrong-code']) {
          assert.ok(list.some((s) => s.name === name), `--list has ${name}`);
        }
        for (const wire of WIRES) assert.ok(list.some((s) => s.name.startsWith(`${wire}.`)));
        const human = await w.cli(['trigger', '--list']);
        assert.equal(human.exited.code, 0);
        for (const s of list) assert.match(human.stdout, new RegExp(`^${s.name.replaceAll('.', '\\.')} +\\S`, 'm'));

        for (const s of list) {
          const r = jsonOf(await w.cli(['trigger', s.name, '--keys', keys, '--json']));
          assert.deepEqual(Object.keys(r), ['scenario', 'expected', 'reached', 'answer', 'steps', 'payment', 'refunds', 'deliveries']);
          assert.equal(r.reached, true, `${s.name}: ${JSON.stringify(r)}`);
          assert.equal(r.expected, s.ends);
          assert.ok(r.steps.length >= 1 && r.steps.every((x: any) => typeof x.request === 'string' && typeof x.status === 'number'), s.name);
          assert.equal(r.answer, r.steps.at(-1).body);
          if (s.ends === null) {
            assert.equal(r.payment, null);
            assert.deepEqual(r.deliveries, []);
            continue;
          }
          assert.equal(r.payment.state, s.ends, s.name);
          assert.equal(r.payment.dialect, s.name.split('.')[0]!.replace('-', '_'), s.name);
          assert.ok(r.deliveries.every((d: any) => d.paymentId === r.payment.id));
          if (s.name === 'paynow-pl.refund') {
            assert.deepEqual(r.refunds.map((f: any) => [f.amount, f.status]), [[r.payment.amount, 'successful']]);
            // Paynow.pl announces payment statuses only: the last is CONFIRMED, before the refund.
            assert.match(r.deliveries[0].body, /"status":"CONFIRMED"/);
          } else if (s.ends !== 'created') {
            // The change to the final state is announced on the payment's wire.
            assert.ok(r.deliveries.some((d: any) => d.eventVersion === r.payment.version), `${s.name} announced v${r.payment.version}: ${JSON.stringify(r.deliveries)}`);
          }
        }

        // The binary, once: a scenario's human output.
        const bin = await runBin(['trigger', 'paydunya.opr.wrong-code', '--keys', keys], w.env());
        assert.equal(bin.exited?.code, 0, bin.describe());
        assert.match(bin.stdout, /^paydunya\.opr\.wrong-code: ended as expected \(created\)\n {2}POST \/sandbox-api\/v1\/opr\/create → 200/);
        assert.match(bin.stdout, /POST \/sandbox-api\/v1\/opr\/charge → 200 {2}\{"response_code":"4003"/);

        const missing = await w.cli(['trigger', 'paynow-pl.refund']);
        assert.equal(missing.exited.code, 1);
        assert.match(missing.stderr, /needs the integration's Paynow\.pl keys/);
        const unknown = await w.cli(['trigger', 'paynow-pl.nothing', '--keys', keys]);
        assert.equal(unknown.exited.code, 1);
        assert.match(unknown.stderr, /no scenario "paynow-pl\.nothing"/);
      } finally {
        await w.s.stop();
      }
    });
  });
}
