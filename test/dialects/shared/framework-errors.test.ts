/**
 * Under each dialect's prefix every answer is in that dialect's form (issue 17, item 3), including what
 * the framework refuses before or around the routes: a body too large, a URL too long, an odd
 * Content-Type, a malformed path, an unknown path. Then a seeded, deterministic fuzz of 1,500 mutated
 * requests per dialect (method, path, headers, Content-Type, body bytes, lengths, encodings): no answer
 * outside the format, and no 5xx the format does not allow (none, for any of the three).
 */
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../../helpers/dbs.js';
import { type AnyShop, openAnyShop, pdHeaders, plHeaders, zwInitiate } from './shop.js';
import { mulberry32 } from '../../../src/core/random.js';

interface Answer {
  status: number;
  type: string;
  text: string;
}

type Req = { method: string; path: string; headers: Record<string, string>; body: Buffer };

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function send(base: string, r: Req): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers: { ...r.headers, 'content-length': String(r.body.length) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // The server may answer a body it refuses (413) before reading it, and close: the answer counts.
    req.on('error', reject);
    req.end(r.body);
  });
}

const json = (text: string): any => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Why an answer is not Paynow Zimbabwe's form (HTTP 200, `status=…` form-encoded), or undefined. */
function zwViolation(a: Answer): string | undefined {
  if (a.status !== 200) return `HTTP ${a.status}`;
  if (!/^text\/html/.test(a.type)) return `Content-Type ${a.type}`;
  const status = new URLSearchParams(a.text).get('status');
  if (!status) return 'no status field';
  if (status === 'Error' && !new URLSearchParams(a.text).get('error')) return 'an Error without error text';
  return undefined;
}

/** Why an answer is not Paynow.pl's (JSON; an error is {"statusCode","errors":[{errorType,message}]}, never 5xx), or undefined. */
function plViolation(a: Answer): string | undefined {
  if (a.status >= 500) return `HTTP ${a.status}`;
  if (a.status === 204 && a.text === '') return undefined;
  if (!/^application\/json/.test(a.type)) return `Content-Type ${a.type}`;
  const body = json(a.text);
  if (body === undefined) return 'not JSON';
  if (a.status < 400) return undefined;
  if (body.statusCode !== a.status) return 'statusCode is not the HTTP status';
  if (!Array.isArray(body.errors) || body.errors.length === 0) return 'no errors list';
  if (!body.errors.every((e: any) => typeof e.errorType === 'string' && typeof e.message === 'string')) return 'an error without errorType or message';
  return undefined;
}

/** Why an answer is not PayDunya's (HTTP 200 JSON with a response_code; SOFTPAY's {success,message}), or undefined. */
function pdViolation(a: Answer, path: string): string | undefined {
  if (!/^application\/json/.test(a.type)) return `Content-Type ${a.type}`;
  const body = json(a.text);
  if (body === undefined || body === null || typeof body !== 'object') return 'not a JSON object';
  if (/\/softpay\/[^/?]+\/?(\?|$)/i.test(path) && typeof body.success === 'boolean' && typeof body.message === 'string' && (a.status === 200 || a.status === 404)) return undefined;
  if (a.status !== 200) return `HTTP ${a.status}`;
  if (typeof body.response_code !== 'string' || !/^\d+$/.test(body.response_code)) return 'no numeric response_code';
  if (typeof body.response_text !== 'string' && body.response_code !== '00') return 'no response_text';
  return undefined;
}

/** mulberry32: the same seed, the same requests, every run. */
const rng = mulberry32;

const METHODS = ['GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const CONTENT_TYPES = [undefined, 'application/json', 'application/x-www-form-urlencoded', 'text/plain', ';;;', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/octet-stream', 'x/y; a="', '*/*', 'application/json, text/plain'];
const PATH_JUNK = ['%', '%zz', '%00', '%C0%AF', '%FF', '//', '/..', '/%2e%2e', '?a=%', '?a=%00', '?__proto__=1', '?constructor=x', ';x', '/x', '~', '/__proto__', '/toString', `/${'a'.repeat(3000)}`, `?t=${'b'.repeat(5000)}`];
const BODIES = ['', '[]', 'null', '{"a":', '1e999', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'a=b&&&==&%&%zz=%', '\u0000', '{"a":"\\ud800"}', '"\\u0000"'];

function mutate(r: () => number, base: Req, paths: string[]): Req {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const out: Req = { method: base.method, path: base.path, headers: { ...base.headers }, body: Buffer.from(base.body) };
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i += 1) {
    switch (Math.floor(r() * 7)) {
      case 0:
        out.method = pick(METHODS);
        break;
      case 1:
        out.path = pick(paths) + (r() < 0.7 ? pick(PATH_JUNK) : '');
        break;
      case 2: {
        const ct = pick(CONTENT_TYPES);
        if (ct === undefined) delete out.headers['Content-Type'];
        else out.headers['Content-Type'] = ct;
        break;
      }
      case 3: {
        // Flip, drop or insert bytes (invalid UTF-8, NUL, quotes, separators).
        const b = Buffer.from(out.body);
        const at = Math.floor(r() * (b.length + 1));
        const insert = Buffer.from([pick([0xff, 0xfe, 0x00, 0x22, 0x26, 0x3d, 0x25, 0x5c, 0xc0, 0x7b])]);
        out.body = r() < 0.5 ? Buffer.concat([b.subarray(0, at), insert, b.subarray(at + 1)]) : b.subarray(0, at);
        break;
      }
      case 4:
        out.body = Buffer.from(pick(BODIES), 'utf8');
        break;
      case 5:
        // Lengths around and past each body limit (64 KB, 256 KB).
        out.body = Buffer.concat([out.body, Buffer.alloc(pick([1000, 65_000, 70_000, 260_000, 300_000]), 0x61)]);
        break;
      default:
        if (r() < 0.5) out.headers['Content-Encoding'] = pick(['gzip', 'br', 'identity', 'x']);
        else out.headers[pick(['Api-Key', 'Signature', 'Idempotency-Key', 'PAYDUNYA-MASTER-KEY', 'PAYDUNYA-TOKEN', 'Accept'])] = pick(['', 'x'.repeat(4000), '\u00e9'.normalize(), '%00', 'null']);
    }
  }
  return out;
}

interface Surface {
  name: string;
  violation: (a: Answer, path: string) => string | undefined;
  paths: string[];
  base: (shop: AnyShop) => Req[];
}

const SURFACES: Surface[] = [
  {
    name: 'Paynow Zimbabwe',
    violation: zwViolation,
    paths: ['/interface/initiatetransaction', '/interface/remotetransaction', '/interface/initiatetickettransaction', '/interface/trace', '/interface/checkpayment', '/Interface/CheckPayment/?guid=x', '/interface/nope'],
    base: (shop) => [{ method: 'POST', path: '/interface/initiatetransaction', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(zwInitiate(shop)) }],
  },
  {
    name: 'Paynow.pl',
    violation: plViolation,
    paths: ['/v3/payments', '/v3/payments/ABCD-EFG-HIJ-KLM/status', '/v3/payments/paymentmethods', '/v3/payments/dataprocessing/notices', '/v3/payments/ABCD-EFG-HIJ-KLM/refunds', '/v3/refunds/R1/status', '/v3/configuration/shop/urls', '/v1/payments', '/v2/payments/paymentmethods', '/v3/nope'],
    base: (shop) => {
      const body = JSON.stringify({ amount: 1000, externalId: 'fuzz', description: 'Fuzz', buyer: { email: 'jan@example.pl' } });
      return [
        { method: 'POST', path: '/v3/payments', headers: plHeaders(shop, '/v3/payments', body), body: Buffer.from(body) },
        { method: 'GET', path: '/v3/payments/paymentmethods', headers: plHeaders(shop, '/v3/payments/paymentmethods', ''), body: Buffer.alloc(0) },
      ];
    },
  },
  {
    name: 'PayDunya',
    violation: pdViolation,
    paths: ['/sandbox-api/v1/checkout-invoice/create', '/sandbox-api/v1/checkout-invoice/confirm/test_abc', '/sandbox-api/v1/opr/create', '/sandbox-api/v1/opr/charge', '/sandbox-api/v1/direct-pay/credit-account', '/sandbox-api/v1/disburse/get-invoice', '/sandbox-api/v1/softpay/wave-senegal', '/api/v1/checkout-invoice/create', '/api/v2/disburse/check-status', '/sandbox-api/v1/nope'],
    base: (shop) => {
      const body = JSON.stringify({ invoice: { total_amount: 5000, description: 'Fuzz' }, store: { name: 'Shop' } });
      return [{ method: 'POST', path: '/sandbox-api/v1/checkout-invoice/create', headers: pdHeaders(shop), body: Buffer.from(body) }];
    },
  },
];

const FUZZ_PER_DIALECT = 1500;

for (const kind of testDatabases()) {
  describe(`framework errors in each dialect's format on ${kind}`, () => {
    let shop: AnyShop;
    before(async () => {
      shop = await openAnyShop(kind);
    });
    after(async () => {
      agent.destroy();
      await shop?.stop();
    });

    const named: Array<[string, Surface, Req]> = [];
    const [zw, pl, pd] = SURFACES as [Surface, Surface, Surface];
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    for (const [surface, prefix] of [[zw, '/interface/initiatetransaction'], [pl, '/v3/payments'], [pd, '/sandbox-api/v1/checkout-invoice/create']] as const) {
      named.push([`a 10 MB body to ${prefix}`, surface, { method: 'POST', path: prefix, headers: { 'Content-Type': 'application/json' }, body: big }]);
      named.push([`an odd Content-Type on ${prefix}`, surface, { method: 'POST', path: prefix, headers: { 'Content-Type': ';;;' }, body: Buffer.from('a=b') }]);
      named.push([`an unknown path under ${prefix}`, surface, { method: 'GET', path: `${prefix}/nope/nope`, headers: {}, body: Buffer.alloc(0) }]);
      named.push([`a malformed path under ${prefix}`, surface, { method: 'POST', path: `${prefix}/%/x`, headers: {}, body: Buffer.alloc(0) }]);
    }
    named.push(['a 5,000-character token (414)', pd, { method: 'GET', path: `/sandbox-api/v1/checkout-invoice/confirm/${'a'.repeat(5000)}`, headers: {}, body: Buffer.alloc(0) }]);
    named.push(['a 5,000-character payment id (414)', pl, { method: 'GET', path: `/v3/payments/${'A'.repeat(5000)}/status`, headers: {}, body: Buffer.alloc(0) }]);
    named.push(['/v3/payments/%/refunds (FST_ERR_BAD_URL)', pl, { method: 'POST', path: '/v3/payments/%/refunds', headers: {}, body: Buffer.alloc(0) }]);
    named.push(['an unknown path under /interface/', zw, { method: 'POST', path: '/interface/nope', headers: {}, body: Buffer.alloc(0) }]);
    named.push(['a 70 KB form to /interface/ (over its 64 KB limit)', zw, { method: 'POST', path: '/interface/initiatetransaction', headers: {}, body: Buffer.alloc(70_000, 0x61) }]);

    for (const [what, surface, req] of named) {
      test(`${surface.name}: ${what} answers in its format`, async () => {
        const a = await send(shop.s.url, req);
        assert.equal(surface.violation(a, req.path), undefined, `${a.status} ${a.type} ${a.text.slice(0, 300)}`);
        assert.doesNotMatch(a.text, /FST_ERR|"error":"(Bad Request|Not Found|Payload Too Large|Unsupported Media Type)"/);
      });
    }

    for (const [index, surface] of SURFACES.entries()) {
      test(`${surface.name}: ${FUZZ_PER_DIALECT} seeded mutated requests, every answer in its format, no 5xx`, async () => {
        const r = rng(0x7011 + index);
        const bases = surface.base(shop);
        const violations: string[] = [];
        let fivexx = 0;
        for (let i = 0; i < FUZZ_PER_DIALECT; i += 1) {
          const req = mutate(r, bases[i % bases.length] as Req, surface.paths);
          let a: Answer;
          try {
            a = await send(shop.s.url, req);
          } catch (err) {
            violations.push(`#${i} ${req.method} ${req.path.slice(0, 80)}: no answer (${(err as Error).message})`);
            continue;
          }
          if (a.status >= 500) fivexx += 1;
          const v = surface.violation(a, req.path);
          if (v) violations.push(`#${i} ${req.method} ${req.path.slice(0, 80)} [${req.headers['Content-Type'] ?? '-'}] ${req.body.length}B: ${v}: ${a.text.slice(0, 160)}`);
        }
        assert.equal(fivexx, 0, `5xx answers: ${fivexx}`);
        assert.deepEqual(violations.slice(0, 8), [], `${violations.length} answers outside the format`);
      });
    }
  });
}
