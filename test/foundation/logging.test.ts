import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { LOG_OPTIONS } from '../../src/web/logger.js';
import { listOutbox } from '../../src/services/mail/outbox.js';
import { ApiClient } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { openAnyShop, pdHeaders, plHeaders, zwInitiate, zwParse } from '../dialects/shared/shop.js';

describe('structured logs', () => {
  let s: TestServer;
  const lines: string[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    // The same redaction the server uses, at the most verbose level.
    const log = pino({ level: 'trace', ...LOG_OPTIONS }, sink);
    s = await startTestServer('sqlite', { log });
  });
  after(() => s.stop());

  test('requests are logged with their request id, and no password, key, token, cookie or signature appears', async () => {
    const api = new ApiClient(s.url);
    const password = 'my secret password 123';
    assert.equal((await api.post('/api/merchants', { email: 'log@example.test', password, companyName: 'Log Co' })).status, 201);
    assert.equal((await api.login('log@example.test', password)).status, 200);
    const created = await api.post('/api/integrations', { name: 'Logged' });
    assert.equal(created.status, 201);
    const tok = await api.post('/api/tokens', { name: 'ci' });
    const bearer = new ApiClient(s.url);
    bearer.bearer = tok.body.token;
    await bearer.get('/api/integrations', { 'api-key': created.body.credentials.paynowPl.sandbox.apiKey, signature: 'c2lnbmF0dXJlLXNob3VsZC1ub3QtYmUtbG9nZ2Vk' });
    await api.get('/api/me', { 'x-request-id': 'trace-me-42' });
    const mail = (await listOutbox(s.store.db, s.app.deps.keyring, { to: 'log@example.test' })).find((m) => m.kind === 'verify_email');
    const verifyToken = /token=([^\s]+)/.exec(mail?.body ?? '')?.[1] ?? 'missing';
    assert.equal((await fetch(`${s.url}/verify-email?token=${verifyToken}`)).status, 200);

    const text = lines.join('\n');
    assert.ok(lines.length > 5, 'requests were logged');
    assert.ok(lines.some((l) => JSON.parse(l).reqId === 'trace-me-42'), 'the request id is on the line');
    const secrets = [
      password,
      tok.body.token,
      api.cookie?.split('=')[1] ?? 'no-cookie',
      'c2lnbmF0dXJlLXNob3VsZC1ub3QtYmUtbG9nZ2Vk',
      created.body.credentials.paynowZw.integrationKey,
      created.body.credentials.paynowPl.sandbox.apiKey,
      created.body.credentials.paynowPl.sandbox.signatureKey,
      created.body.credentials.paydunya.masterKey,
      created.body.credentials.paydunya.test.privateKey,
      verifyToken,
    ];
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret reached the log: ${secret.slice(0, 6)}…`);
    assert.match(text, /\/verify-email\?token=\[redacted\]/, 'the link was logged without its token');
  });

  test('capability tokens in wire paths are redacted in logged URLs: PayDunya invoices and receipts, Paynow Zimbabwe references, Paynow.pl paywalls', async () => {
    const shop = await openAnyShop('sqlite', { log: pino({ level: 'info', ...LOG_OPTIONS }, new Writable({ write(chunk, _enc, cb) { lines.push(...chunk.toString().split('\n').filter(Boolean)); cb(); } })) });
    try {
      const u = shop.s.url;
      const created = await fetch(`${u}/sandbox-api/v1/checkout-invoice/create`, { method: 'POST', headers: pdHeaders(shop), body: JSON.stringify({ invoice: { total_amount: 5000, description: 'x' }, store: { name: 'Shop' } }) });
      const token = ((await created.json()) as { token: string }).token;
      assert.ok(token && token.length > 8, 'an invoice token');
      await fetch(`${u}/sandbox-api/v1/checkout-invoice/confirm/${token}`, { headers: pdHeaders(shop) });
      await fetch(`${u}/sandbox-checkout/invoice/${token}`);
      await fetch(`${u}/sandbox-checkout/receipt/pdf/${token}.pdf`);
      const zw = zwParse(await (await fetch(`${u}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: zwInitiate(shop) })).text());
      const ref = zw.get('paynowreference') ?? 'missing';
      await fetch(`${u}/Payment/ConfirmPayment/${ref}`, { redirect: 'manual' });
      const body = JSON.stringify({ amount: 1000, externalId: 'log-1', description: 'Log', buyer: { email: 'jan@example.pl' } });
      const pl = (await (await fetch(`${u}/v3/payments`, { method: 'POST', headers: plHeaders(shop, '/v3/payments', body), body })).json()) as { paymentId: string };
      await fetch(`${u}/paywall/${pl.paymentId}`, { redirect: 'manual' });
      const urls = lines.map((l) => JSON.parse(l).req?.url as string | undefined).filter((x): x is string => typeof x === 'string');
      for (const secret of [token, ref, pl.paymentId]) {
        const leaked = urls.filter((x) => x.includes(secret));
        assert.deepEqual(leaked, [], `a capability reached a logged URL: ${secret}`);
      }
      assert.ok(urls.some((x) => /^\/sandbox-api\/v1\/checkout-invoice\/confirm\/\[redacted\]$/.test(x)), `the confirm URL is logged, redacted: ${urls.join(' ')}`);
      assert.ok(urls.some((x) => /^\/Payment\/ConfirmPayment\/\[redacted\]$/.test(x)), 'the ConfirmPayment URL is logged, redacted');
    } finally {
      await shop.stop();
    }
  });
});
