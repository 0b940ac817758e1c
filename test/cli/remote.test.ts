/**
 * The remote commands (login, payments, clock, deliveries) as a developer runs them against a gateway
 * over HTTP with an API token: each a real `tollgate` process, judged by its exit code and --json output.
 */
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { testDatabases } from '../helpers/dbs.js';
import { killAll } from '../helpers/process.js';
import { jsonOf, openWorld } from './world.js';

after(killAll);

for (const kind of testDatabases()) {
  describe(`remote CLI on ${kind}`, () => {
    test('login saves a 0600 profile that later commands use; payments, clock and deliveries answer in JSON', async () => {
      const w = await openWorld(kind);
      try {
        const paymentA = (await w.api.post(`/api/integrations/${w.integrationId}/payments`, { amount: 1250, currency: 'USD', reference: 'A-1', notifyUrl: 'http://127.0.0.1:9/hook' })).body.payment;
        const paymentB = (await w.api.post(`/api/integrations/${w.integrationId}/payments`, { amount: 990, currency: 'USD', reference: 'B-2', validForSeconds: 3600 })).body.payment;

        // Login without the environment: flags only; the token is tried before it is saved.
        const bad = await w.cli(['login', '--url', w.s.url, '--token', 'tg_wrong', '--profile', 'ci'], { TOLLGATE_URL: '', TOLLGATE_TOKEN: '' });
        assert.equal(bad.exited.code, 1, bad.describe());
        assert.match(bad.stderr, /^tollgate: the API token is unknown or revoked\n$/);
        const login = jsonOf(await w.cli(['login', '--url', `${w.s.url}/`, '--token', w.token, '--profile', 'ci', '--json']));
        assert.equal(login.profile, 'ci');
        assert.equal(login.url, w.s.url);
        assert.equal(login.email, w.email);
        const file = join(w.configDir, 'tollgate', 'profiles.json');
        assert.equal(login.file, file);
        assert.equal(statSync(file).mode & 0o777, 0o600);
        assert.equal(JSON.parse(readFileSync(file, 'utf8')).ci.token, w.token);

        // The profile alone (no URL or token in the environment); the only integration is the default.
        const noEnv = { TOLLGATE_URL: '', TOLLGATE_TOKEN: '' };
        const list = jsonOf(await w.cli(['payments', 'list', '--profile', 'ci', '--json'], noEnv));
        assert.deepEqual(list.data.map((p: any) => p.id), [paymentB.id, paymentA.id]);
        assert.ok('nextCursor' in list);
        const unknownProfile = await w.cli(['payments', 'list', '--profile', 'nope'], noEnv);
        assert.equal(unknownProfile.exited.code, 1);
        assert.match(unknownProfile.stderr, /no profile "nope"/);

        const done = jsonOf(await w.cli(['payments', 'complete', paymentA.id, '--outcome', 'paid', '--json']));
        assert.equal(done.payment.state, 'paid');
        assert.equal(done.changed, true);
        const shown = jsonOf(await w.cli(['payments', 'show', paymentA.id, '--json']));
        assert.equal(shown.payment.id, paymentA.id);
        assert.deepEqual(shown.events.map((e: any) => e.to), ['created', 'paid']);
        const human = await w.cli(['payments', 'show', paymentA.id]);
        assert.equal(human.exited.code, 0, human.describe());
        assert.match(human.stdout, new RegExp(`^${paymentA.id}  paid\\s+12\\.50 USD`));

        // Two hours on: B (valid one hour) expires.
        const moved = jsonOf(await w.cli(['clock', 'advance', '2h', '--integration', w.integrationId, '--json']));
        assert.equal(moved.advancedSeconds, 7200);
        assert.equal(moved.offsetSeconds, 7200);
        assert.ok(moved.jobsRun >= 1, JSON.stringify(moved));
        assert.equal((await w.api.get(`/api/payments/${paymentB.id}`)).body.payment.state, 'expired');
        const badDuration = await w.cli(['clock', 'advance', '2 hours']);
        assert.equal(badDuration.exited.code, 1);
        assert.match(badDuration.stderr, /is not a duration/);

        // A's notification to a closed port: listed with its attempt, then sent again.
        let deliveries: any;
        for (let i = 0; i < 50; i++) {
          deliveries = jsonOf(await w.cli(['deliveries', 'list', '--payment', paymentA.id, '--json']));
          if (deliveries.data.find((x: any) => x.eventVersion === 2)?.attempts >= 1) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        // Tollgate's own webhook announces the creation too; newest first.
        assert.deepEqual(deliveries.data.map((x: any) => JSON.parse(x.body).type), ['payment.paid', 'payment.created'], JSON.stringify(deliveries));
        const d = deliveries.data[0];
        assert.equal(d.paymentId, paymentA.id);
        assert.equal(d.eventVersion, 2);
        assert.ok(d.attemptLog.length >= 1);
        assert.deepEqual(d.forwards, []);
        const again = jsonOf(await w.cli(['deliveries', 'redeliver', d.id, '--json']));
        assert.deepEqual(again, { deliveryId: d.id, scheduled: true });
        const unknown = await w.cli(['deliveries', 'redeliver', 'dlv_000000000000000000000']);
        assert.equal(unknown.exited.code, 1);
        assert.match(unknown.stderr, /^tollgate: delivery dlv_0+ not found\n$/);
      } finally {
        await w.s.stop();
      }
    });

    test('without a gateway, a remote command says how to name one', async () => {
      const w = await openWorld(kind);
      try {
        const r = await w.cli(['payments', 'list'], { TOLLGATE_URL: '', TOLLGATE_TOKEN: '' });
        assert.equal(r.exited.code, 1);
        assert.match(r.stderr, /^tollgate: say which gateway: --url and --token/);
      } finally {
        await w.s.stop();
      }
    });
  });
}
