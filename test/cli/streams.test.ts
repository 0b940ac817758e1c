/**
 * `tollgate listen` and `tollgate tail` against a gateway that cannot reach the developer's machine:
 * private callbacks refused (PostgreSQL's default), so the gateway's own attempt fails while listen
 * forwards the notification byte for byte and its answer lands in the delivery record.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { testDatabases } from '../helpers/dbs.js';
import { killAll, type Proc } from '../helpers/process.js';
import { startReceiver } from '../helpers/receiver.js';
import { jsonLines, openWorld } from './world.js';

after(killAll);

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const ready = (p: Proc) => until(`the stream to open${p.describe()}`, () => (/^ready: /m.test(p.stderr) ? true : p.exited ? assert.fail(p.describe()) : undefined));

for (const kind of testDatabases()) {
  describe(`listen and tail on ${kind}`, () => {
    test('listen forwards a notification the gateway cannot send itself, and reports the answer', async () => {
      const receiver = await startReceiver('/webhooks');
      const w = await openWorld(kind, { allowPrivateCallbacks: false });
      try {
        const listen = w.spawn(['listen', '--forward-to', receiver.url, '--integration', w.integrationId, '--events', 'paid', '--json']);
        await ready(listen);
        const p = (await w.api.post(`/api/integrations/${w.integrationId}/payments`, { amount: 700, currency: 'USD', notifyUrl: receiver.url })).body.payment;
        await w.api.post(`/api/payments/${p.id}/sandbox/complete`, { outcome: 'paid' });

        const line = await until('listen to print its delivery', () => jsonLines(listen).find((l) => l.paymentId === p.id));
        assert.equal(line.state, 'paid');
        assert.equal(line.statusCode, 200);
        assert.equal(line.delivered, true);
        // --events paid: the creation's notification is not forwarded.
        assert.equal(receiver.received.length, 1);
        const got = receiver.received[0]!;
        const list = (await w.api.get(`/api/integrations/${w.integrationId}/deliveries?paymentId=${p.id}`)).body.data;
        const paid = list.find((d: any) => d.eventVersion === 2);
        assert.equal(paid.id, line.deliveryId);
        assert.equal(got.body, paid.body, 'the body byte for byte');
        assert.equal(got.headers['webhook-id'], `${p.id}.v2`);
        assert.match(String(got.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
        // The gateway itself was refused by its SSRF guard; the record shows listen's delivery.
        assert.equal(paid.status, 'delivered');
        assert.equal(paid.forwards.length, 1);
        assert.equal(paid.forwards[0].statusCode, 200);
        assert.equal(paid.forwards[0].url, receiver.url);
        assert.ok(paid.attemptLog.every((a: any) => a.statusCode === null && /private|not allowed|refused/i.test(a.error)), JSON.stringify(paid.attemptLog));

        listen.child.kill('SIGTERM');
        const exit = await listen.exit;
        assert.equal(exit.code, 0, listen.describe());
      } finally {
        await w.s.stop();
        await receiver.close();
      }
    });

    test('tail prints each request with its outcome, live', async () => {
      const w = await openWorld(kind);
      try {
        const tail = w.spawn(['tail', '--integration', w.integrationId]);
        await ready(tail);
        const pairs: Array<[string, string]> = [
          ['id', String(w.credentials.paynowZw.integrationId)],
          ['reference', 'TAIL-1'],
          ['amount', '5.00'],
          ['returnurl', 'https://shop.example/back'],
          ['resulturl', 'https://shop.example/result'],
          ['authemail', w.email],
          ['status', 'Message'],
        ];
        const wrong = createHash('sha512').update(`${pairs.map(([, v]) => v).join('')}not-the-key`).digest('hex').toUpperCase();
        const body = [...pairs, ['hash', wrong]].map(([k, v]) => `${k}=${encodeURIComponent(v as string)}`).join('&');
        const answer = await (await fetch(`${w.s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).text();
        assert.match(answer, /status=Error/i);
        const m = await tail.waitFor(/^.*POST \/interface\/initiatetransaction.*$/m, 30_000);
        assert.match(m[0], /paynow_zw\s+POST \/interface\/initiatetransaction\s+→ 200 Invalid Hash/);
        tail.child.kill('SIGTERM');
        assert.equal((await tail.exit).code, 0, tail.describe());
      } finally {
        await w.s.stop();
      }
    });
  });
}
