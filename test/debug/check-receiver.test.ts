/**
 * `tollgate check-receiver` (issue 21): handlers written here from the specs pass on every wire, and
 * deliberately broken ones each fail with the right check and reason. The check is a pure sender (no
 * gateway, no database), so it is run as the CLI runs it, against real HTTP servers.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { after, describe, test } from 'node:test';
import { runCli } from '../../src/cli/program.js';

type Handler = (headers: IncomingHttpHeaders, body: string) => Promise<number> | number;

const servers: Array<{ close(): void }> = [];
after(() => {
  for (const s of servers) s.close();
});

async function serveHandler(handle: Handler): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        res.statusCode = await handle(req.headers, Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.statusCode = 500;
      }
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  });
  const a = server.address() as { port: number };
  return `http://127.0.0.1:${a.port}/hook`;
}

interface Report {
  passed: number;
  failed: number;
  checks: Array<{ check: string; ok: boolean; reason: string }>;
}

async function check(url: string, dialect: string, key: string, extra: string[] = []): Promise<{ code: number; report: Report; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['check-receiver', url, '--dialect', dialect, '--key', key, '--json', ...extra], { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', env: {} });
  return { code, report: JSON.parse(out.join('\n')) as Report, err };
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Paynow Zimbabwe (spec §4.1, §6.2): SHA-512 over the values in order, then the key; upper-case hex. */
function zwValid(key: string, body: string): boolean {
  const pairs = body.split('&').map((p) => p.split('=').map((x) => decodeURIComponent(x.replace(/\+/g, ' '))) as [string, string]);
  const hash = pairs.find(([k]) => k === 'hash')?.[1] ?? '';
  const values = pairs.filter(([k]) => k !== 'hash').map(([, v]) => v).join('');
  return same(createHash('sha512').update(values + key, 'utf8').digest('hex').toUpperCase(), hash.toUpperCase());
}

/** Paynow.pl (spec §5): Signature = Base64 HMAC-SHA256 of the exact body. */
const plValid = (key: string, headers: IncomingHttpHeaders, body: string) => same(createHmac('sha256', key).update(body, 'utf8').digest('base64'), String(headers.signature ?? ''));

/** PayDunya's IPN (spec §3.6): data[hash] is the hex SHA-512 of the master key. */
function pdValid(masterKey: string, body: string): boolean {
  const hash = new URLSearchParams(body).get('data[hash]') ?? '';
  return same(createHash('sha512').update(masterKey, 'utf8').digest('hex'), hash);
}

/** Standard Webhooks: v1 HMAC of "id.timestamp.body" under the whsec_ bytes, within 5 minutes. */
function nativeValid(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = String(headers['webhook-id']);
  const ts = String(headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const expected = `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`${id}.${ts}.${body}`).digest('base64')}`;
  return String(headers['webhook-signature']).split(' ').some((s) => same(s, expected));
}

/** A correct receiver: verifies, refuses what fails with 400, acknowledges the rest once and again. */
function correct(verify: (headers: IncomingHttpHeaders, body: string) => boolean): Handler {
  return (headers, body) => (verify(headers, body) ? 200 : 400);
}

const keys = { zw: randomUUID(), pl: randomUUID(), pd: randomBytes(20).toString('hex'), native: `whsec_${randomBytes(24).toString('base64')}` };
const verifiers: Record<string, [string, (h: IncomingHttpHeaders, b: string) => boolean]> = {
  'paynow-zw': [keys.zw, (_h, b) => zwValid(keys.zw, b)],
  'paynow-pl': [keys.pl, (h, b) => plValid(keys.pl, h, b)],
  paydunya: [keys.pd, (_h, b) => pdValid(keys.pd, b)],
  native: [keys.native, (h, b) => nativeValid(keys.native, h, b)],
};

describe('tollgate check-receiver', () => {
  for (const [dialect, [key, verify]] of Object.entries(verifiers)) {
    test(`a correct ${dialect} handler passes every check`, async () => {
      const { code, report } = await check(await serveHandler(correct(verify)), dialect, key);
      assert.deepEqual(report.checks.filter((c) => !c.ok), []);
      assert.equal(code, 0);
      assert.deepEqual(report.checks.map((c) => c.check), ['valid', 'duplicate', 'out-of-order', 'stale', 'wrong-signature', 'unknown-payment', 'slow-answer']);
    });
  }

  /** Runs one broken handler and returns the failed checks' names and reasons. */
  async function failures(dialect: string, handler: Handler, extra: string[] = []) {
    const [key] = verifiers[dialect] as [string, unknown];
    const { code, report, err } = await check(await serveHandler(handler), dialect, key, extra);
    assert.equal(code, 1, 'a failure exits non-zero');
    assert.match(err.join('\n'), /receiver checks failed/);
    return report.checks.filter((c) => !c.ok);
  }

  test('a handler that accepts a bad signature fails wrong-signature (and, on native, stale)', async () => {
    const zw = await failures('paynow-zw', () => 200);
    assert.deepEqual(zw.map((c) => c.check), ['wrong-signature']);
    assert.match(zw[0]?.reason ?? '', /must be refused with a non-2xx answer/);
    const native = await failures('native', () => 200);
    assert.deepEqual(native.map((c) => c.check), ['stale', 'wrong-signature']);
  });

  test('a handler that crashes on a duplicate fails duplicate with the answer it gave', async () => {
    const seen = new Set<string>();
    const [, verify] = verifiers['paynow-pl'] as [string, (h: IncomingHttpHeaders, b: string) => boolean];
    const failed = await failures('paynow-pl', (h, b) => {
      if (!verify(h, b)) return 400;
      if (seen.has(b)) throw new Error('duplicate key value violates unique constraint');
      seen.add(b);
      return 200;
    });
    assert.equal(failed[0]?.check, 'duplicate');
    assert.match(failed[0]?.reason ?? '', /HTTP 500; gateways deliver twice/);
  });

  test('a handler that is too slow fails slow-answer', async () => {
    const [, verify] = verifiers.paydunya as [string, (h: IncomingHttpHeaders, b: string) => boolean];
    const failed = await failures('paydunya', async (h, b) => {
      await new Promise((r) => setTimeout(r, 400));
      return verify(h, b) ? 200 : 400;
    }, ['--max-latency', '100']);
    assert.ok(failed.some((c) => c.check === 'slow-answer' && /over the 100 ms limit/.test(c.reason)), JSON.stringify(failed));
  });

  test('a handler that rejects a valid notification fails valid', async () => {
    const failed = await failures('native', () => 401);
    assert.equal(failed[0]?.check, 'valid');
    assert.match(failed[0]?.reason ?? '', /must be acknowledged with a 2xx/);
  });

  test('without --key the command signs with a new key and prints it', async () => {
    const out: string[] = [];
    const url = await serveHandler(() => 200);
    assert.equal(await runCli(['check-receiver', url, '--dialect', 'native'], { out: (l) => out.push(l), err: () => {}, readStdin: async () => '', env: {} }), 1);
    assert.match(out[0] ?? '', /^signing with a new key .*: whsec_[A-Za-z0-9+/]{32}$/);
    assert.ok(out.some((l) => /^FAIL {2}wrong-signature/.test(l)));
  });
});
