/**
 * The SSRF guard: loopback, private, link-local, CGNAT and cloud-metadata destinations are refused
 * (literal addresses before connecting, names after DNS when the connection opens) unless the operator
 * allows private callbacks; the default allows them on the embedded SQLite demo and refuses them on PostgreSQL.
 */
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { type RunningServer, serve } from '../../src/main.js';
import { createHttpSender } from '../../src/worker/http-sender.js';
import { BlockedDestinationError, checkLiteralHost, guardedLookup, isPrivateAddress } from '../../src/worker/ssrf.js';
import { freshDatabase, testDatabases } from '../helpers/dbs.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { createPaymentOk, newIntegration, newMerchant, openShop, type Shop } from '../payments/fixture.js';

const BLOCKED = [
  '127.0.0.1',
  '127.255.255.254',
  '0.0.0.0',
  '10.0.0.1',
  '10.255.255.255',
  '172.16.0.1',
  '172.20.10.5',
  '172.31.255.255',
  '192.168.0.1',
  '192.168.255.255',
  '100.64.0.1',
  '100.100.100.200',
  '100.127.255.255',
  '169.254.0.1',
  '169.254.169.254',
  '224.0.0.1',
  '255.255.255.255',
  '::1',
  '::',
  '0:0:0:0:0:0:0:1',
  'fe80::1',
  'fe80::1ff:fe23:4567:890a',
  'febf::1',
  'fc00::1',
  'fd00::1',
  'fd00:ec2::254',
  'FD00:EC2::254',
  'ff02::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::FFFF:7F00:1',
  '0:0:0:0:0:ffff:7f00:1',
  '::ffff:10.0.0.1',
  '::ffff:a9fe:a9fe',
  '::ffff:169.254.169.254',
  '::ffff:100.64.0.1',
  '64:ff9b::a9fe:a9fe',
  '64:ff9b::169.254.169.254',
  '64:ff9b::7f00:1',
  '64:ff9b::c0a8:101',
  // IPv4-compatible (deprecated ::/96) and SIIT-translated (::ffff:0:0/96) forms of a private IPv4
  '::7f00:1',
  '::127.0.0.1',
  '::a9fe:a9fe',
  '::ffff:0:7f00:1',
  '::ffff:0:127.0.0.1',
  '::ffff:0:a00:1',
  // 6to4 (2002::/16) carrying a private IPv4 in bits 16–47
  '2002:7f00:1::1',
  '2002:a9fe:a9fe::1',
  '2002:c0a8:101:1::1',
  '2002:a00:1::',
  // NAT64: the local-use prefix (64:ff9b:1::/48) is the operator's own network; the well-known one carries a private IPv4
  '64:ff9b:1::1',
  '64:ff9b:1:7f00:1::',
  '64:ff9b::10.0.0.1',
  '64:ff9b::a00:1',
  // site-local (fec0::/10), Teredo (2001::/32), discard, benchmarking, ORCHID, documentation and other reserved blocks
  'fec0::1',
  'feff::1',
  '2001::1',
  '2001:0:4136:e378:8000:63bf:3fff:fdd2',
  '100::1',
  '2001:2::1',
  '2001:10::1',
  '2001:db8::1',
  '3fff::1',
];

const ALLOWED = ['1.1.1.1', '8.8.8.8', '93.184.216.34', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '192.169.0.1', '169.255.0.1', '11.0.0.1', '2606:4700::1111', '2001:4860:4860::8888', '::ffff:1.1.1.1', '::ffff:808:808', '64:ff9b::101:101', '64:ff9b::8.8.8.8', '2002:101:101::1', '2a00:1450:4001:80b::200e'];

describe('isPrivateAddress', () => {
  for (const address of BLOCKED) {
    test(`refuses ${address}`, () => {
      assert.equal(isPrivateAddress(address), true);
    });
  }
  for (const address of ALLOWED) {
    test(`allows ${address}`, () => {
      assert.equal(isPrivateAddress(address), false);
    });
  }
  test('anything that is not an address is refused', () => {
    for (const v of ['', 'localhost', 'example.com', '127.0.0.1.nip.io', '999.1.1.1']) assert.equal(isPrivateAddress(v), true, v);
  });
});

describe('literal hosts and DNS at connection time', () => {
  test('literal private hosts in every spelling the URL parser accepts are refused before connecting', () => {
    for (const url of ['http://127.0.0.1/', 'http://127.1/', 'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://0.0.0.0/', 'http://0/', 'http://[::7f00:1]/', 'http://[::ffff:0:7f00:1]/', 'http://[2002:a9fe:a9fe::1]/', 'http://[64:ff9b:1::1]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[fec0::1]/', 'http://[2001::1]/']) {
      assert.throws(() => checkLiteralHost(new URL(url), false), BlockedDestinationError, url);
      assert.doesNotThrow(() => checkLiteralHost(new URL(url), true), url);
    }
    assert.doesNotThrow(() => checkLiteralHost(new URL('http://1.1.1.1/'), false));
    assert.doesNotThrow(() => checkLiteralHost(new URL('http://example.com/'), false), 'names are checked after DNS');
  });

  type Answer = { err: unknown; address: unknown };
  const lookUp = (lookup: ReturnType<typeof guardedLookup>, hostname: string, options: { all?: boolean; family?: number } | number) =>
    new Promise<Answer>((resolve) => lookup(hostname, options, (err, address) => resolve({ err, address })));

  test('every blocked form is refused by the lookup each connection uses, as a literal and as what a name resolves to', async () => {
    for (const address of BLOCKED) {
      const literal = await lookUp(guardedLookup(false), address, { all: true });
      assert.ok(literal.err instanceof BlockedDestinationError, `${address} as a literal: ${String(literal.err)}`);
      // A name whose answers mix a public address with a blocked one is refused as a whole.
      const resolver = (_h: string, _o: object, cb: (e: null, a: LookupAddress[]) => void) => cb(null, [{ address: '1.1.1.1', family: 4 }, { address, family: isIP(address) }]);
      for (const options of [{ all: true }, { family: 0 }, 0] as const) {
        const named = await lookUp(guardedLookup(false, resolver), 'hook.example.com', options);
        assert.ok(named.err instanceof BlockedDestinationError, `hook.example.com → ${address}: ${String(named.err)}`);
        assert.match((named.err as Error).message, new RegExp(`hook\\.example\\.com resolves to ${address.replace(/\./g, '\\.')}, a private address`));
      }
      const allowed = await lookUp(guardedLookup(true, resolver), 'hook.example.com', { all: true });
      assert.equal(allowed.err, null, 'allowed when the operator allows private callbacks');
    }
  });

  test('every allowed form passes the lookup each connection uses', async () => {
    for (const address of ALLOWED) {
      const literal = await lookUp(guardedLookup(false), address, { all: true });
      assert.equal(literal.err, null, `${address}: ${String(literal.err)}`);
      const resolver = (_h: string, _o: object, cb: (e: null, a: LookupAddress[]) => void) => cb(null, [{ address, family: isIP(address) }]);
      const named = await lookUp(guardedLookup(false, resolver), 'hook.example.com', { family: 0 });
      assert.deepEqual(named, { err: null, address });
    }
  });

  test('a name that resolves to loopback is refused by the lookup the connection uses', async () => {
    const lookup = guardedLookup(false);
    const err = await new Promise<unknown>((resolve) => lookup('localhost', { all: true }, (e) => resolve(e)));
    assert.ok(err instanceof BlockedDestinationError, String(err));
    assert.match((err as Error).message, /localhost resolves to .* private address/);
    const err4 = await new Promise<unknown>((resolve) => lookup('localhost', 4, (e) => resolve(e)));
    assert.ok(err4 instanceof BlockedDestinationError);
    const allowed = guardedLookup(true);
    const addr = await new Promise<string>((resolve, reject) => allowed('localhost', { family: 4 }, (e, a) => (e ? reject(e) : resolve(a as string))));
    assert.equal(addr, '127.0.0.1');
  });
});

describe('the HTTP sender', () => {
  let rx: Receiver;
  let port: string;
  before(async () => {
    rx = await startReceiver();
    port = new URL(rx.url).port;
  });
  after(async () => {
    await rx.close();
  });

  test('without private callbacks, 127.0.0.1 and localhost (through DNS) are refused and the receiver gets nothing', async () => {
    const sender = createHttpSender({ allowPrivate: false });
    try {
      for (const url of [`http://127.0.0.1:${port}/hook`, `http://localhost:${port}/hook`, `http://127.1:${port}/hook`, `http://2130706433:${port}/hook`, `http://[::ffff:127.0.0.1]:${port}/hook`, `http://0.0.0.0:${port}/hook`, `http://[::7f00:1]:${port}/hook`, `http://[::ffff:0:7f00:1]:${port}/hook`, `http://[2002:7f00:1::1]:${port}/hook`, `http://[64:ff9b:1::1]:${port}/hook`, `http://[fec0::1]:${port}/hook`, `http://[2001::1]:${port}/hook`]) {
        const r = await sender.post(url, { 'content-type': 'application/json' }, '{"x":1}');
        assert.equal(r.statusCode, null, url);
        assert.match(r.error ?? '', /private/, `${url}: ${r.error}`);
      }
      assert.equal(rx.received.length, 0, 'nothing reached the receiver');
    } finally {
      await sender.close();
    }
  });

  test('with private callbacks allowed, the same receiver is reached by address and by name', async () => {
    const sender = createHttpSender({ allowPrivate: true });
    try {
      for (const url of [`http://127.0.0.1:${port}/hook`, `http://localhost:${port}/hook`]) {
        const before = rx.received.length;
        const r = await sender.post(url, { 'content-type': 'application/json' }, '{"x":2}');
        assert.equal(r.statusCode, 200, `${url}: ${r.error}`);
        assert.equal(rx.received.length, before + 1, url);
      }
    } finally {
      await sender.close();
    }
  });

  test('only http and https are sent', async () => {
    const sender = createHttpSender({ allowPrivate: true });
    try {
      for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'gopher://127.0.0.1:70/', 'not a url']) {
        const r = await sender.post(url, {}, '');
        assert.equal(r.statusCode, null);
        assert.ok(r.error, url);
      }
    } finally {
      await sender.close();
    }
  });
});

describe('configuration defaults for private callbacks', () => {
  test('SQLite (the embedded demo) allows them; a database URL (production) refuses them; the variable overrides', () => {
    assert.equal(loadConfig({}, {}).allowPrivateCallbacks, true);
    assert.equal(loadConfig({}, { databaseUrl: 'postgres://db.example/tollgate' }).allowPrivateCallbacks, false);
    assert.equal(loadConfig({ DATABASE_URL: 'postgresql://db.example/tollgate' }).allowPrivateCallbacks, false);
    for (const [value, expected] of [['true', true], ['1', true], ['yes', true], ['false', false], ['0', false], ['no', false]] as const) {
      assert.equal(loadConfig({ TOLLGATE_ALLOW_PRIVATE_CALLBACKS: value }, { databaseUrl: 'postgres://db.example/t' }).allowPrivateCallbacks, expected, `${value} on PostgreSQL`);
      assert.equal(loadConfig({ TOLLGATE_ALLOW_PRIVATE_CALLBACKS: value }).allowPrivateCallbacks, expected, `${value} on SQLite`);
    }
    assert.equal(loadConfig({ TOLLGATE_ALLOW_PRIVATE_CALLBACKS: 'true' }, { allowPrivateCallbacks: false }).allowPrivateCallbacks, false, 'a flag wins over the variable');
    assert.throws(() => loadConfig({ TOLLGATE_ALLOW_PRIVATE_CALLBACKS: 'maybe' }), ConfigError);
  });
});

for (const kind of testDatabases()) {
  describe(`the guard inside the gateway on ${kind}`, () => {
    let rx: Receiver;
    before(async () => {
      rx = await startReceiver();
    });
    after(async () => {
      await rx.close();
    });

    test(`with the default configuration a localhost receiver is ${kind === 'sqlite' ? 'reached' : 'refused'}`, async () => {
      const data = await freshDatabase(kind);
      const config = loadConfig({}, { dataDir: data.dataDir, databaseUrl: data.databaseUrl, port: 0, demo: false, logLevel: 'silent', worker: false });
      assert.equal(config.allowPrivateCallbacks, kind === 'sqlite');
      let running: RunningServer | undefined;
      try {
        running = await serve(config, () => {}, { handleSignals: false, clock: new ManualClock(Date.now()), log: pino({ level: 'silent' }) });
        const { merchantId, api } = await newMerchant(running.app.deps, running.url);
        const { integrationId } = await newIntegration(running.app.deps, merchantId, { notificationUrl: rx.url });
        const p = await createPaymentOk(api, integrationId, { amount: 100, currency: 'USD' });
        await running.app.worker.drain();
        const [d] = (await api.get(`/api/payments/${p.id}/deliveries`)).body.data;
        if (kind === 'sqlite') {
          assert.equal(d.status, 'delivered');
          assert.equal(rx.received.length, 1);
        } else {
          assert.equal(d.status, 'pending', 'refused, to be retried');
          assert.equal(d.attemptLog[0].statusCode, null);
          assert.match(d.attemptLog[0].error, /private/);
          assert.equal(rx.received.length, 0);
        }
      } finally {
        await running?.stop();
      }
    });

    test('allowPrivateCallbacks: false refuses a loopback receiver and records why', async () => {
      let shop: Shop | undefined;
      try {
        shop = await openShop(kind, { allowPrivateCallbacks: false, notificationUrl: rx.url });
        const before = rx.received.length;
        const viaName = await startReceiver('/by-name');
        try {
          const p = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD' });
          const q = await createPaymentOk(shop.api, shop.integrationId, { amount: 100, currency: 'USD', notifyUrl: viaName.url.replace('127.0.0.1', 'localhost') });
          await shop.s.app.worker.drain();
          for (const id of [p.id, q.id]) {
            const [d]: any[] = (await shop.api.get(`/api/payments/${id}/deliveries`)).body.data;
            assert.equal(d.status, 'pending');
            assert.equal(d.attemptLog.length, 1);
            assert.match(d.attemptLog[0].error, /private/);
          }
          assert.equal(rx.received.length, before);
          assert.equal(viaName.received.length, 0);
        } finally {
          await viaName.close();
        }
      } finally {
        await shop?.s.stop();
      }
    });
  });
}
