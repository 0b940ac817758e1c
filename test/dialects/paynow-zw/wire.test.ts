/**
 * Hand-built Paynow Zimbabwe requests in each official client's field order (spec §4.3), and every
 * refusal: a clear `status=Error` in the wire's words, HTTP 200, no hash, and nothing stored.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { registerMerchant } from '../../../src/services/merchants/accounts.js';
import { createIntegration } from '../../../src/services/merchants/integrations.js';
import { testDatabases } from '../../helpers/dbs.js';
import { snapshot, startTestServer, type TestServer } from '../../helpers/server.js';

type Pairs = Array<[string, string]>;

/** Written from the spec, not from the server's code: SHA-512 of the values in order + key, upper-case hex. */
function sign(pairs: Pairs, key: string): Pairs {
  const values = pairs.filter(([k]) => k.toLowerCase() !== 'hash').map(([, v]) => v).join('');
  return [...pairs, ['hash', createHash('sha512').update(values + key.toLowerCase()).digest('hex').toUpperCase()]];
}
const form = (pairs: Pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
function parse(body: string): Map<string, string> {
  return new Map(body.split('&').map((p) => {
    const [k, v = ''] = p.split('=');
    return [decodeURIComponent(k ?? ''), decodeURIComponent(v.replace(/\+/g, ' '))];
  }));
}
function verifies(body: string, key: string): boolean {
  const pairs = body.split('&').map((p) => p.split('=').map((x) => decodeURIComponent(x.replace(/\+/g, ' '))) as [string, string]);
  const given = pairs.find(([k]) => k === 'hash')?.[1];
  return given !== undefined && sign(pairs.filter(([k]) => k !== 'hash'), key).at(-1)?.[1] === given;
}

for (const kind of testDatabases()) {
  describe(`Paynow Zimbabwe wire on ${kind}`, () => {
    let s: TestServer;
    let id: string;
    let key: string;
    const email = 'owner@shop.com';
    const post = async (path: string, body: string, contentType = 'application/x-www-form-urlencoded') => {
      const r = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
      return { status: r.status, text: await r.text() };
    };
    const base = (ref: string): Record<string, string> => ({
      resulturl: 'http://127.0.0.1:9/result',
      returnurl: 'http://127.0.0.1:9/return',
      reference: ref,
      amount: '10.50',
      id,
      additionalinfo: 'Bananas, Apples',
      authemail: email,
      status: 'Message',
    });
    const ordered = (o: Record<string, string>, order: string[]): Pairs => order.map((k) => [k, o[k] ?? '']);

    before(async () => {
      s = await startTestServer(kind);
      const { merchant } = await registerMerchant(s.app.deps, { email, password: 'a long password 1', companyName: 'Shop' }, { verified: true });
      const { credentials } = await createIntegration(s.app.deps, merchant.id, { name: 'ZW' }, { kind: 'system', id: null });
      id = String(credentials.paynowZw.integrationId);
      key = credentials.paynowZw.integrationKey;
    });
    after(() => s.stop());

    const E1_ORDERS: Record<string, string[]> = {
      node: ['resulturl', 'returnurl', 'reference', 'amount', 'id', 'additionalinfo', 'authemail', 'status'],
      python: ['resulturl', 'returnurl', 'reference', 'amount', 'id', 'additionalinfo', 'authemail', 'status'],
      php: ['resulturl', 'returnurl', 'reference', 'amount', 'id', 'additionalinfo', 'authemail', 'status'],
      dotnet: ['resulturl', 'returnurl', 'reference', 'amount', 'id', 'additionalinfo', 'authemail', 'status'],
      woocommerce: ['resulturl', 'returnurl', 'reference', 'amount', 'id', 'additionalinfo', 'authemail', 'status'],
      docs: ['id', 'reference', 'amount', 'additionalinfo', 'returnurl', 'resulturl', 'authemail', 'status'],
    };
    for (const [client, order] of Object.entries(E1_ORDERS)) {
      test(`initiate in ${client}'s field order: Ok, hashed, lower-case keys, in order status, browserurl, pollurl, paynowreference, hash`, async () => {
        const r = await post('/interface/initiatetransaction', form(sign(ordered(base(`E1-${client}`), order), key)));
        assert.equal(r.status, 200);
        assert.deepEqual([...parse(r.text).keys()], ['status', 'browserurl', 'pollurl', 'paynowreference', 'hash']);
        assert.equal(parse(r.text).get('status'), 'Ok');
        assert.ok(verifies(r.text, key), r.text);
        assert.match(parse(r.text).get('hash') ?? '', /^[0-9A-F]{128}$/);
        assert.ok(!/[=&]/.test(r.text.split('&').map((p) => p.slice(p.indexOf('=') + 1)).join('')), 'no raw = or & inside a value');
      });
    }

    test("Java's order, with hash before status, is accepted", async () => {
      const o = base('E1-java');
      const order = ['reference', 'authemail', 'amount', 'returnurl', 'id', 'resulturl', 'additionalinfo'];
      const signed = sign([...ordered(o, order), ['status', 'Message']], key);
      const hash = signed.at(-1) as [string, string];
      const javaWire: Pairs = [...ordered(o, order), hash, ['status', 'Message']];
      const r = await post('/interface/initiatetransaction', form(javaWire));
      assert.equal(parse(r.text).get('status'), 'Ok', r.text);
    });

    const E2_ORDERS: Record<string, string[]> = {
      node: ['resulturl', 'returnurl', 'reference', 'amount', 'id', 'additionalinfo', 'authemail', 'phone', 'method', 'status'],
      php: ['resulturl', 'returnurl', 'reference', 'amount', 'id', 'additionalinfo', 'authemail', 'status', 'phone', 'method'],
      dotnet: ['resulturl', 'returnurl', 'reference', 'amount', 'id', 'additionalinfo', 'authemail', 'status', 'phone', 'method'],
      woocommerce: ['resulturl', 'returnurl', 'reference', 'amount', 'id', 'additionalinfo', 'authemail', 'status', 'method', 'phone'],
    };
    for (const [client, order] of Object.entries(E2_ORDERS)) {
      test(`express in ${client}'s field order: Ok with instructions, paynowreference, pollurl, hash`, async () => {
        const o = { ...base(`E2-${client}`), phone: '0771111111', method: client === 'node' ? 'ecocash' : 'EcoCash' };
        const r = await post('/interface/remotetransaction', form(sign(ordered(o, order), key)));
        const m = parse(r.text);
        assert.equal(m.get('status'), 'Ok', r.text);
        assert.deepEqual([...m.keys()], ['status', 'instructions', 'paynowreference', 'pollurl', 'hash']);
        assert.ok(verifies(r.text, key));
      });
    }

    test('express with Java (upper-case method, hash before status)', async () => {
      const o = { ...base('E2-java'), phone: '0771111111', method: 'ECOCASH' };
      const order = ['reference', 'authemail', 'amount', 'method', 'phone', 'returnurl', 'id', 'resulturl', 'additionalinfo'];
      const signed = sign([...ordered(o, order), ['status', 'Message']], key);
      const r = await post('/interface/remotetransaction', form([...ordered(o, order), signed.at(-1) as [string, string], ['status', 'Message']]));
      assert.equal(parse(r.text).get('status'), 'Ok', r.text);
    });

    test('paths match case-insensitively with or without a trailing slash; any content type is read as a form', async () => {
      for (const [path, ct] of [
        ['/Interface/InitiateTransaction', 'application/x-www-form-urlencoded'],
        ['/interface/initiatetransaction/', 'text/plain'],
        ['/INTERFACE/INITIATETRANSACTION', 'application/json'],
      ]) {
        const r = await post(path as string, form(sign(ordered(base(`P-${path}`), E1_ORDERS.docs as string[]), key)), ct);
        assert.equal(parse(r.text).get('status'), 'Ok', `${path}: ${r.text}`);
      }
    });

    test('amounts in every shape the SDKs send, rounded half-up to cents and answered as plain d.dd', async () => {
      for (const [sent, expected] of [['5.9', '5.90'], ['10', '10.00'], ['5.90', '5.90'], ['3.3000000000000003', '3.30'], ['10,50', '10.50'], ['0.005', '0.01']]) {
        const r = await post('/interface/initiatetransaction', form(sign(ordered({ ...base(`A-${sent}`), amount: sent as string }, E1_ORDERS.node as string[]), key)));
        const poll = parse(r.text).get('pollurl') ?? '';
        assert.ok(poll, r.text);
        const p = await fetch(poll, { method: 'POST' });
        assert.equal(parse(await p.text()).get('amount'), expected, sent);
      }
    });

    test('the poll URL answers an empty POST and a GET (PHP), hashed, with reference, paynowreference, amount, status, pollurl', async () => {
      const r = await post('/interface/initiatetransaction', form(sign(ordered(base('POLL-1'), E1_ORDERS.node as string[]), key)));
      const poll = parse(r.text).get('pollurl') ?? '';
      for (const method of ['POST', 'GET']) {
        const p = await fetch(poll, { method });
        const text = await p.text();
        assert.equal(p.status, 200);
        assert.deepEqual([...parse(text).keys()], ['reference', 'paynowreference', 'amount', 'status', 'pollurl', 'hash']);
        assert.equal(parse(text).get('status'), 'Created');
        assert.equal(parse(text).get('pollurl'), poll);
        assert.ok(verifies(text, key), method);
      }
      const lower = await fetch(poll.replace('/Interface/CheckPayment/', '/interface/checkpayment'), { method: 'POST' });
      assert.equal(parse(await lower.text()).get('reference'), 'POLL-1');
      const unknown = await fetch(`${s.url}/Interface/CheckPayment/?guid=00000000-0000-0000-0000-000000000000`, { method: 'POST' });
      assert.equal(await unknown.text(), 'status=Error&error=Transaction+not+found');
    });

    test('the browser URL opens the hosted checkout of that payment', async () => {
      const r = await post('/interface/initiatetransaction', form(sign(ordered(base('BROWSER-1'), E1_ORDERS.node as string[]), key)));
      const browser = parse(r.text).get('browserurl') ?? '';
      const res = await fetch(browser, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.match(res.headers.get('location') ?? '', /\/pay\/pay_[0-9a-z]{21}\?t=[0-9a-f]{32}$/);
      assert.equal((await fetch(`${s.url}/Payment/ConfirmPayment/123`, { redirect: 'manual' })).status, 404);
    });

    test('merchant trace: found answers the status message, unknown answers NotFound hashed, a bad request Trace failed', async () => {
      const o = { ...base('TRACE-REF'), merchanttrace: 'TRACE-0001' };
      const created = await post('/interface/initiatetransaction', form(sign(ordered(o, [...(E1_ORDERS.docs as string[]).slice(0, 7), 'merchanttrace', 'status']), key)));
      assert.equal(parse(created.text).get('status'), 'Ok', created.text);
      const found = await post('/interface/trace', form(sign([['id', id], ['merchanttrace', 'TRACE-0001'], ['status', 'Message']], key)));
      assert.equal(parse(found.text).get('reference'), 'TRACE-REF');
      assert.ok(verifies(found.text, key));
      const missing = await post('/interface/trace', form(sign([['id', id], ['merchanttrace', 'NOPE-0001'], ['status', 'Message']], key)));
      assert.deepEqual([...parse(missing.text).keys()], ['status', 'hash']);
      assert.equal(parse(missing.text).get('status'), 'NotFound');
      assert.ok(verifies(missing.text, key));
      const bad = await post('/interface/trace', form(sign([['id', id], ['merchanttrace', ''], ['status', 'Message']], key)));
      assert.equal(bad.text, 'status=Error&error=Trace+failed');
      const dup = await post('/interface/initiatetransaction', form(sign(ordered({ ...o, reference: 'TRACE-AGAIN' }, [...(E1_ORDERS.docs as string[]).slice(0, 7), 'merchanttrace', 'status']), key)));
      assert.equal(parse(dup.text).get('status'), 'Error');
      assert.equal(parse(dup.text).get('error'), 'Merchant trace already used');
    });

    test('vmc and zimswitch test tokens, with and without braces', async () => {
      for (const [method, token] of [
        ['vmc', '{11111111-1111-1111-1111-111111111111}'],
        ['vmc', '11111111-1111-1111-1111-111111111111'],
        ['zimswitch', '1'.repeat(32)],
      ]) {
        const t = String(token);
        const o = { ...base(`T-${method}-${t.length}`), method: String(method), token: t, merchanttrace: `T${t.length}${method}` };
        const r = await post('/interface/remotetransaction', form(sign(ordered(o, ['id', 'reference', 'amount', 'returnurl', 'resulturl', 'authemail', 'method', 'token', 'merchanttrace', 'status']), key)));
        assert.equal(parse(r.text).get('status'), 'Ok', `${method} ${token}: ${r.text}`);
      }
      const o = { ...base('T-insufficient'), method: 'vmc', token: '{44444444-4444-4444-4444-444444444444}', merchanttrace: 'T-INSUFF' };
      const r = await post('/interface/remotetransaction', form(sign(ordered(o, ['id', 'reference', 'amount', 'returnurl', 'resulturl', 'authemail', 'method', 'token', 'merchanttrace', 'status']), key)));
      assert.equal(r.text, 'status=Error&error=Insufficient+balance');
    });

    test('a passenger ticket: fields validated and stored; its status updates carry the paymentchannel fields', async () => {
      const ticket: Record<string, string> = {
        ...base('TICKET-1'),
        primaryticketnumber: '0831234567890',
        passengerfirstname: 'Tendai',
        passengerlastname: 'Moyo',
        passengerid: '63-123456-A-42',
        passengerstatus: 'Confirmed',
        passengertype: 'ADT',
        firstdeparturelocationcode: 'HRE',
        firstarrivallocationcode: 'JNB',
        pnrnumber: 'ABC123',
        officeiatanumber: '12345678',
        ordernumber: 'ORD-1',
        placeofissue: 'Harare',
        departuredate: '20261224',
        departuretime: '19:55 GMT+02:00',
        arrivaldate: '20261224',
        arrivaltime: '21:40 GMT+02:00',
        journeytype: 'one way',
        completeroute: 'HRE-JNB',
      };
      const order = ['id', 'reference', 'amount', 'primaryticketnumber', 'passengerfirstname', 'passengerlastname', 'passengerid', 'passengerstatus', 'passengertype', 'firstdeparturelocationcode', 'firstarrivallocationcode', 'pnrnumber', 'officeiatanumber', 'ordernumber', 'placeofissue', 'departuredate', 'departuretime', 'arrivaldate', 'arrivaltime', 'journeytype', 'completeroute', 'additionalinfo', 'returnurl', 'resulturl', 'authemail', 'status'];
      const r = await post('/interface/initiatetickettransaction', form(sign(ordered(ticket, order), key)));
      assert.equal(parse(r.text).get('status'), 'Ok', r.text);
      const poll = await (await fetch(parse(r.text).get('pollurl') ?? '', { method: 'POST' })).text();
      const keys = [...parse(poll).keys()];
      assert.deepEqual(keys.slice(0, 5), ['reference', 'paynowreference', 'amount', 'status', 'pollurl']);
      for (const k of ['paymentchannel', 'paymentinstrument', 'paymentinstrumentname', 'paymentinstrumentnationality', 'paymentchannelreference', 'paymentchanneleci', 'paymentfraudscore', 'paymentfrauddecision']) assert.ok(keys.includes(k), k);
      assert.ok(verifies(poll, key));
      const bad = await post('/interface/initiatetickettransaction', form(sign(ordered({ ...ticket, reference: 'TICKET-2', passengertype: 'XXX' }, order), key)));
      assert.equal(bad.text, 'status=Error&error=Invalid+passengertype+field');
    });

    describe('refusals: status=Error, no hash, HTTP 200, nothing stored', () => {
      const cases: Array<[string, string, () => Pairs, string]> = [];
      const web = (o: Record<string, string>) => () => sign(ordered(o, Object.keys(o)), key);
      const docsOrder = (o: Record<string, string>) => ordered(o, ['id', 'reference', 'amount', 'additionalinfo', 'returnurl', 'resulturl', 'authemail', 'status']);
      before(() => {
        const b = base('BAD');
        cases.push(
          ['unknown id', '/interface/initiatetransaction', () => sign(docsOrder({ ...b, id: '999999999' }), key), 'Invalid Id.'],
          ['non-numeric id', '/interface/initiatetransaction', () => sign(docsOrder({ ...b, id: 'abc' }), key), 'Invalid Id.'],
          ['wrong hash', '/interface/initiatetransaction', () => [...docsOrder(b), ['hash', 'A'.repeat(128)]], 'Invalid Hash.  Hash should start with: '],
          ['no hash', '/interface/initiatetransaction', () => docsOrder(b), 'Invalid Hash.  Hash should start with: '],
          ['amount abc', '/interface/initiatetransaction', web({ ...b, amount: 'abc' }), 'Invalid amount field'],
          ['amount negative', '/interface/initiatetransaction', web({ ...b, amount: '-5.00' }), 'Invalid amount field'],
          ['amount zero', '/interface/initiatetransaction', web({ ...b, amount: '0.00' }), 'Invalid amount field'],
          ['amount absurd', '/interface/initiatetransaction', web({ ...b, amount: '99999999999.00' }), 'Invalid amount field'],
          ['missing reference', '/interface/initiatetransaction', web({ ...b, reference: '' }), 'Invalid reference field'],
          ['missing returnurl', '/interface/initiatetransaction', web({ ...b, returnurl: '' }), 'Invalid returnurl field'],
          ['missing resulturl', '/interface/initiatetransaction', web({ ...b, resulturl: '' }), 'Invalid resulturl field'],
          ['status not Message', '/interface/initiatetransaction', web({ ...b, status: 'Paid' }), 'Invalid status field'],
          ['reference too long', '/interface/initiatetransaction', web({ ...b, reference: 'R'.repeat(101) }), 'Invalid reference field'],
          ['merchanttrace too long', '/interface/initiatetransaction', web({ ...b, merchanttrace: 'T'.repeat(33) }), 'Invalid merchanttrace field'],
          ['additionalinfo too long', '/interface/initiatetransaction', web({ ...b, additionalinfo: 'x'.repeat(501) }), 'Invalid additionalinfo field'],
          ['authemail not the merchant in test mode', '/interface/initiatetransaction', web({ ...b, authemail: 'someone@else.com' }), "In test mode authemail must be the merchant's login email"],
          ['express without authemail', '/interface/remotetransaction', web({ ...b, authemail: '', phone: '0771111111', method: 'ecocash' }), 'Invalid authemail field'],
          ['express without phone', '/interface/remotetransaction', web({ ...b, method: 'ecocash' }), 'Invalid phone field'],
          ['express unknown method', '/interface/remotetransaction', web({ ...b, phone: '0771111111', method: 'bitcoin' }), 'Invalid method field'],
          ['a non-test phone in test mode', '/interface/remotetransaction', web({ ...b, phone: '0779999999', method: 'ecocash' }), 'test mode: use one of the test numbers'],
          ['0774444444', '/interface/remotetransaction', web({ ...b, phone: '0774444444', method: 'ecocash' }), 'Insufficient balance'],
          ['vmc token without merchanttrace', '/interface/remotetransaction', web({ ...b, method: 'vmc', token: '{11111111-1111-1111-1111-111111111111}' }), 'Invalid merchanttrace field'],
          ['empty body', '/interface/initiatetransaction', () => [], 'Invalid Id.'],
        );
      });
      test('each refusal, one by one', async () => {
        for (const [name, path, body, error] of cases) {
          // Only the test-mode request log may grow (it records refused requests too).
          const before = await snapshot(s.store, ['request_log_batches']);
          const r = await post(path, form(body()));
          assert.equal(r.status, 200, name);
          const m = parse(r.text);
          assert.deepEqual([...m.keys()], ['status', 'error'], `${name}: ${r.text}`);
          assert.equal(m.get('status'), 'Error', name);
          assert.ok((m.get('error') ?? '').startsWith(error), `${name}: ${m.get('error')}`);
          assert.equal(await snapshot(s.store, ['request_log_batches']), before, `${name} stored something`);
        }
      });
    });
  });
}
