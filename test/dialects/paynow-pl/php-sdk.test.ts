/**
 * Requests byte-identical to those the official PHP SDK (pay-now/paynow-php-sdk 3.0, spec §9) sends,
 * answered as the SDK parses them. The SDK cannot run here (Packagist is out of reach, spec §1), so
 * its byte behaviour is re-implemented below from the spec: header set, json_encode with
 * JSON_UNESCAPED_SLASHES, http_build_query in its order, md5 default Idempotency-Keys (reused on
 * polls and on PATCH/plugin status with different bodies), `"reason":null` in refunds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../../helpers/dbs.js';
import { advance, countRows, hmacBase64, md5, openShop, type Pairs, PUBLIC_STANDARD, phpJsonEncode, rawRequest, type Shop, storedPayment, v3Signature, type WireReply } from './harness.js';

/** PHP's urlencode: RFC 1738, space as "+". */
const phpUrlencode = (s: string) =>
  encodeURIComponent(s)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
const phpUrldecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));

/** http_build_query: booleans as 1/0, in the array's order. */
function httpBuildQuery(pairs: Array<[string, string | number | boolean]>): string {
  return pairs.map(([k, v]) => `${phpUrlencode(k)}=${phpUrlencode(typeof v === 'boolean' ? (v ? '1' : '0') : String(v))}`).join('&');
}

/** What the SDK signs for a query: parse_str(urldecode($query)), in order of appearance. */
function parseStr(query: string): Pairs {
  return phpUrldecode(query)
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return [phpUrldecode(eq < 0 ? p : p.slice(0, eq)), eq < 0 ? '' : phpUrldecode(p.slice(eq + 1))] as [string, string];
    });
}

/** PaynowException: the HTTP status as the code, and each error as (string errorType, string message). */
class PaynowException extends Error {
  constructor(
    readonly code: number,
    readonly errors: Array<{ errorType: string; message: string }>,
  ) {
    super(`HTTP ${code}`);
  }
}

interface Sent {
  method: string;
  path: string;
  headers: Pairs;
  body: string;
}

interface Authorize {
  paymentId: string;
  status: string;
  redirectUrl: string | null;
}

const PAYMENT_STATUSES = ['NEW', 'PENDING', 'CONFIRMED', 'REJECTED', 'ERROR', 'EXPIRED', 'ABANDONED'];

/** The PHP SDK's services over its HttpClient, as bytes. */
class PhpSdk {
  last: Sent | undefined;
  constructor(
    readonly base: string,
    readonly apiKey: string,
    readonly signatureKey: string,
    readonly applicationName?: string,
  ) {}

  private async call(method: string, path: string, query: Array<[string, string | number | boolean]> | null, data: unknown, idem: string): Promise<WireReply> {
    const body = data === undefined ? '' : phpJsonEncode(data);
    const qs = query ? httpBuildQuery(query) : '';
    const headers: Pairs = [
      ['Api-Key', this.apiKey],
      ['Signature', v3Signature(this.signatureKey, this.apiKey, idem, qs ? parseStr(qs) : [], body)],
      ['Idempotency-Key', idem],
      ['Accept', 'application/json'],
      ['User-Agent', this.applicationName ? `${this.applicationName} (paynow-php-sdk)` : 'paynow-php-sdk'],
    ];
    if (body !== '') headers.push(['Content-Type', 'application/json']);
    const full = qs ? `${path}?${qs}` : path;
    this.last = { method, path: full, headers, body };
    const r = await rawRequest(this.base, method, full, headers, body === '' ? undefined : body);
    if (r.status >= 400) {
      // PaynowException::__construct → new Error(string $errorType, string $message) for each.
      assert.ok(Array.isArray(r.json?.errors) && r.json.errors.length > 0, r.text);
      for (const e of r.json.errors) {
        assert.equal(typeof e.errorType, 'string');
        assert.equal(typeof e.message, 'string');
      }
      throw new PaynowException(r.status, r.json.errors.map((e: any) => ({ errorType: e.errorType, message: e.message })));
    }
    return r;
  }

  signatureSent(): string | undefined {
    return this.last?.headers.find(([k]) => k === 'Signature')?.[1];
  }

  async authorize(data: Record<string, unknown>, idem?: string): Promise<Authorize> {
    const key = idem ?? (typeof data.externalId === 'string' ? md5(data.externalId) : md5(`_${this.apiKey}`));
    const r = await this.call('POST', '/v3/payments', null, data, key);
    assert.equal(typeof r.json.paymentId, 'string');
    assert.equal(typeof r.json.status, 'string');
    const redirectUrl = r.json.redirectUrl ?? null;
    assert.ok(redirectUrl === null || typeof redirectUrl === 'string');
    return { paymentId: r.json.paymentId, status: r.json.status, redirectUrl };
  }

  async status(paymentId: string, idem?: string): Promise<{ paymentId: string; status: string }> {
    const r = await this.call('GET', `/v3/payments/${paymentId}/status`, null, undefined, idem ?? md5(paymentId));
    assert.equal(typeof r.json.paymentId, 'string');
    assert.ok(PAYMENT_STATUSES.includes(r.json.status), r.text);
    return { paymentId: r.json.paymentId, status: r.json.status };
  }

  async getPaymentMethods(currency: string | null = null, amount = 0, applePayEnabled = true, idem: string | null = null, buyerExternalId: string | null = null) {
    const query: Array<[string, string | number | boolean]> = [];
    if (amount > 0) query.push(['amount', amount]);
    query.push(['applePayEnabled', applePayEnabled]);
    if (currency) query.push(['currency', currency]);
    if (buyerExternalId) query.push(['externalBuyerId', buyerExternalId]);
    const r = await this.call('GET', '/v3/payments/paymentmethods', query, undefined, idem ?? md5(`${currency ?? ''}_${amount}_${this.apiKey}`));
    assert.ok(Array.isArray(r.json), r.text);
    const methods: Array<{ id: number; type: string; name: string; description: string; image: string; status: string; authorizationType: string | null }> = [];
    for (const group of r.json) {
      assert.equal(typeof group.type, 'string');
      for (const m of group.paymentMethods) {
        // Model\PaymentMethods\PaymentMethod: id, name, description, image, status read directly.
        assert.equal(typeof m.id, 'number');
        for (const f of ['name', 'description', 'image', 'status']) assert.equal(typeof m[f], 'string', `${f} of ${JSON.stringify(m)}`);
        assert.ok(['ENABLED', 'DISABLED'].includes(m.status));
        assert.ok(m.authorizationType === undefined || ['REDIRECT', 'CODE'].includes(m.authorizationType));
        methods.push({ id: m.id, type: group.type, name: m.name, description: m.description, image: m.image, status: m.status, authorizationType: m.authorizationType ?? null });
      }
    }
    return { groups: r.json.map((g: any) => g.type) as string[], methods };
  }

  async getNotices(locale: string | null, idem?: string): Promise<Array<{ title: string; content: string; locale: string }>> {
    const r = await this.call('GET', '/v3/payments/dataprocessing/notices', locale ? [['locale', locale]] : null, undefined, idem ?? md5(`${locale ?? ''}_${this.apiKey}`));
    return r.json.map((n: any) => {
      for (const f of ['title', 'content', 'locale']) assert.equal(typeof n[f], 'string');
      return { title: n.title, content: n.content, locale: n.locale };
    });
  }

  async refund(paymentId: string, idem: string, amount: number, reason: string | null = null): Promise<{ refundId: string; status: string }> {
    const r = await this.call('POST', `/v3/payments/${paymentId}/refunds`, null, { amount, reason }, idem);
    assert.equal(typeof r.json.refundId, 'string');
    assert.equal(typeof r.json.status, 'string');
    return { refundId: r.json.refundId, status: r.json.status };
  }

  async refundStatus(refundId: string, idem?: string): Promise<{ refundId: string; status: string }> {
    const r = await this.call('GET', `/v3/refunds/${refundId}/status`, null, undefined, idem ?? md5(refundId));
    return { refundId: r.json.refundId, status: r.json.status };
  }

  async changeUrls(continueUrl: string, notificationUrl: string, idem?: string): Promise<WireReply> {
    return this.call('PATCH', '/v3/configuration/shop/urls', null, { continueUrl, notificationUrl }, idem ?? md5(this.apiKey));
  }

  async pluginStatus(statuses: Array<{ status: string; timestamp: string }>): Promise<WireReply> {
    return this.call('POST', '/v3/configuration/shop/plugin/status', null, statuses, md5(this.apiKey));
  }
}

const VECTOR_F_BODY = '{"amount":45671,"externalId":"234567898654","description":"Zam\\u00f3wienie /1","continueUrl":"https://shop.example/return","buyer":{"email":"jan.kowalski@melements.pl"}}';
const VECTOR_F_DATA = { amount: 45671, externalId: '234567898654', description: 'Zamówienie /1', continueUrl: 'https://shop.example/return', buyer: { email: 'jan.kowalski@melements.pl' } };

test('the SDK re-implementation reproduces spec vectors (e) and (f) byte for byte', () => {
  assert.equal(httpBuildQuery([['amount', 1000], ['applePayEnabled', true], ['currency', 'PLN']]), 'amount=1000&applePayEnabled=1&currency=PLN');
  assert.deepEqual(parseStr('amount=1000&applePayEnabled=1&currency=PLN'), [['amount', '1000'], ['applePayEnabled', '1'], ['currency', 'PLN']]);
  assert.equal(v3Signature(PUBLIC_STANDARD.signatureKey, PUBLIC_STANDARD.apiKey, 'test-key', parseStr('amount=1000&applePayEnabled=1&currency=PLN'), ''), 'Av4jnBSivyVDJdEVc66B6PD7auQZTROKUkyyitBx9fI=');
  assert.equal(phpJsonEncode(VECTOR_F_DATA), VECTOR_F_BODY);
  assert.equal(v3Signature(PUBLIC_STANDARD.signatureKey, PUBLIC_STANDARD.apiKey, 'test-key', [], VECTOR_F_BODY), 'tsmhLd3MZ/EAmIDhIFyermwzshQ5w0V1KwS68b+MI+E=');
  assert.equal(phpJsonEncode({ a: [], b: 'x/y"\n\u00e9\u{1f600}' }), '{"a":[],"b":"x/y\\"\\n\\u00e9\\ud83d\\ude00"}');
  assert.equal(hmacBase64('a621a1fb-b4d8-48ba-a6a3-2a28ed61f605', '{"key1":"value1","key2":"value2"}'), 'rFAkhfbUFRn4bTR82qb742Mwy34g/CSi8frEHciZhCU=');
});

for (const kind of testDatabases()) {
  describe(`Paynow.pl: the official PHP SDK's requests on ${kind}`, () => {
    let shop: Shop;
    let sdk: PhpSdk;

    before(async () => {
      // The public sandbox keys, so that the spec's computed vectors (e) and (f) go over the wire as they are.
      shop = await openShop(kind, { credentials: { 'paynow_pl.sandbox.api_key': PUBLIC_STANDARD.apiKey, 'paynow_pl.sandbox.signature_key': PUBLIC_STANDARD.signatureKey } });
      sdk = new PhpSdk(shop.s.url, PUBLIC_STANDARD.apiKey, PUBLIC_STANDARD.signatureKey);
    });
    after(() => shop?.s.stop());

    const sentHeaderNames = () => sdk.last?.headers.map(([k]) => k);

    test("getPaymentMethods('PLN', 1000) is vector (e) on the wire and parses as PaymentMethod objects", async () => {
      const got = await sdk.getPaymentMethods('PLN', 1000, true, 'test-key');
      assert.equal(sdk.last?.path, '/v3/payments/paymentmethods?amount=1000&applePayEnabled=1&currency=PLN');
      assert.equal(sdk.signatureSent(), 'Av4jnBSivyVDJdEVc66B6PD7auQZTROKUkyyitBx9fI=');
      assert.deepEqual(sentHeaderNames(), ['Api-Key', 'Signature', 'Idempotency-Key', 'Accept', 'User-Agent']);
      assert.deepEqual(got.groups, ['BLIK', 'PBL', 'CARD']);
      const blik = got.methods.find((m) => m.id === 2007);
      assert.equal(blik?.type, 'BLIK');
      assert.equal(blik?.authorizationType, 'CODE');
      assert.deepEqual(
        got.methods.filter((m) => m.type === 'PBL').map((m) => [m.id, m.authorizationType]).slice(0, 1),
        [[1000, 'REDIRECT']],
      );
      assert.ok(got.methods.some((m) => m.type === 'CARD' && m.id === 2002));
      // The image URLs resolve.
      const image = await fetch(blik?.image ?? '');
      assert.equal(image.status, 200);
      assert.match(image.headers.get('content-type') ?? '', /^image\//);
    });

    test('getPaymentMethods with its default key md5(currency_amount_apiKey), reused; applePayEnabled=0; no currency; EUR', async () => {
      const a = await sdk.getPaymentMethods('PLN', 1000);
      const b = await sdk.getPaymentMethods('PLN', 1000);
      assert.equal(sdk.last?.headers.find(([k]) => k === 'Idempotency-Key')?.[1], md5(`PLN_1000_${PUBLIC_STANDARD.apiKey}`));
      assert.deepEqual(a, b);
      const off = await sdk.getPaymentMethods('PLN', 1000, false);
      assert.equal(sdk.last?.path, '/v3/payments/paymentmethods?amount=1000&applePayEnabled=0&currency=PLN');
      assert.deepEqual(off.groups, ['BLIK', 'PBL', 'CARD']);
      const all = await sdk.getPaymentMethods();
      assert.equal(sdk.last?.path, '/v3/payments/paymentmethods?applePayEnabled=1');
      assert.deepEqual(all.groups, ['BLIK', 'PBL', 'CARD']);
      const eur = await sdk.getPaymentMethods('EUR', 5000);
      assert.deepEqual(eur.groups, ['CARD']);
    });

    test('authorize: vector (f), a json_encoded body with \\u00f3 and unescaped slashes, is accepted and answered as Authorize', async () => {
      const before = await countRows(shop.s, 'payments');
      const a = await sdk.authorize(VECTOR_F_DATA, 'test-key');
      assert.equal(sdk.last?.body, VECTOR_F_BODY);
      assert.equal(sdk.signatureSent(), 'tsmhLd3MZ/EAmIDhIFyermwzshQ5w0V1KwS68b+MI+E=');
      assert.deepEqual(sentHeaderNames(), ['Api-Key', 'Signature', 'Idempotency-Key', 'Accept', 'User-Agent', 'Content-Type']);
      assert.match(a.paymentId, /^[A-Z0-9]{4}(-[A-Z0-9]{3}){3}$/);
      assert.equal(a.status, 'NEW');
      assert.match(a.redirectUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\//);
      const row = await storedPayment(shop.s, a.paymentId);
      assert.equal(row?.description, 'Zamówienie /1');
      assert.equal(row?.reference, '234567898654');
      assert.equal(Number(row?.amount_minor), 45671);
      assert.equal(row?.currency, 'PLN');
      assert.equal(row?.return_url, 'https://shop.example/return');
      assert.equal(row?.mode, 'test');
      assert.equal(await countRows(shop.s, 'payments'), before + 1);
      // The redirectUrl opens the paywall: it leads to the hosted checkout.
      const paywall = await fetch(a.redirectUrl ?? '', { redirect: 'manual' });
      assert.equal(paywall.status, 302);
      assert.match(paywall.headers.get('location') ?? '', /\/pay\/pay_[0-9a-z]{21}\?t=[0-9a-f]{32}$/);
    });

    test('authorize with its default key md5(externalId): the same order twice gives the first payment back', async () => {
      const data = { amount: '100', currency: 'PLN', externalId: 'wc-order-1297', description: 'Zamówienie nr 1297', buyer: { email: 'klient@sklep.pl', firstName: 'Jan', lastName: 'Kowalski', locale: 'pl-PL' } };
      const before = await countRows(shop.s, 'payments');
      const first = await sdk.authorize(data);
      assert.equal(sdk.last?.headers.find(([k]) => k === 'Idempotency-Key')?.[1], md5('wc-order-1297'));
      const again = await sdk.authorize(data);
      assert.deepEqual(again, first);
      assert.equal(await countRows(shop.s, 'payments'), before + 1);
    });

    test('White Label BLIK, then status polls that all carry md5(paymentId): PENDING, then CONFIRMED (never a cached answer)', async () => {
      const a = await sdk.authorize({ amount: 4599, externalId: 'wl-1', description: 'BLIK', buyer: { email: 'klient@sklep.pl' }, paymentMethodId: 2007, authorizationCode: '111111' });
      assert.equal(a.status, 'PENDING');
      assert.equal(a.redirectUrl, null);
      assert.deepEqual(await sdk.status(a.paymentId), { paymentId: a.paymentId, status: 'PENDING' });
      assert.equal(sdk.last?.headers.find(([k]) => k === 'Idempotency-Key')?.[1], md5(a.paymentId));
      assert.equal(sdk.last?.headers.some(([k]) => k === 'Content-Type'), false);
      await advance(shop.s, 600);
      assert.deepEqual(await sdk.status(a.paymentId), { paymentId: a.paymentId, status: 'CONFIRMED' });
      assert.deepEqual(await sdk.status(a.paymentId), { paymentId: a.paymentId, status: 'CONFIRMED' });
    });

    test('refunds: {"amount":…,"reason":null}, and refund status polls with md5(refundId): NEW, PENDING, SUCCESSFUL', async () => {
      const a = await sdk.authorize({ amount: 5000, externalId: 'wl-refund', description: 'BLIK', buyer: { email: 'klient@sklep.pl' }, paymentMethodId: 2007, authorizationCode: '111111' });
      await advance(shop.s, 600);
      const refund = await sdk.refund(a.paymentId, md5(`refund-${a.paymentId}`), 1500);
      assert.equal(sdk.last?.body, '{"amount":1500,"reason":null}');
      assert.match(refund.refundId, /^[A-Z0-9]{4}(-[A-Z0-9]{3}){3}$/);
      assert.equal(refund.status, 'NEW');
      assert.deepEqual(await sdk.refundStatus(refund.refundId), { refundId: refund.refundId, status: 'NEW' });
      assert.equal(sdk.last?.headers.find(([k]) => k === 'Idempotency-Key')?.[1], md5(refund.refundId));
      await advance(shop.s, 1_000);
      assert.deepEqual(await sdk.refundStatus(refund.refundId), { refundId: refund.refundId, status: 'PENDING' });
      await advance(shop.s, 2_000);
      assert.deepEqual(await sdk.refundStatus(refund.refundId), { refundId: refund.refundId, status: 'SUCCESSFUL' });
      const second = await sdk.refund(a.paymentId, 'uniqid-5f3a', 500, 'RMA');
      assert.equal(sdk.last?.body, '{"amount":500,"reason":"RMA"}');
      assert.equal(second.status, 'NEW');
      // The payment itself stays CONFIRMED.
      assert.equal((await sdk.status(a.paymentId)).status, 'CONFIRMED');
    });

    test('data processing notices per locale, with the default key md5(locale_apiKey) reused', async () => {
      const pl = await sdk.getNotices('pl-PL');
      assert.equal(sdk.last?.path, '/v3/payments/dataprocessing/notices?locale=pl-PL');
      assert.equal(sdk.last?.headers.find(([k]) => k === 'Idempotency-Key')?.[1], md5(`pl-PL_${PUBLIC_STANDARD.apiKey}`));
      assert.equal(pl.length, 1);
      assert.equal(pl[0]?.locale, 'pl-PL');
      assert.ok((pl[0]?.title.length ?? 0) > 0 && (pl[0]?.content.length ?? 0) > 0);
      assert.deepEqual(await sdk.getNotices('pl-PL'), pl);
      assert.equal((await sdk.getNotices('en-GB'))[0]?.locale, 'en-GB');
      assert.equal((await sdk.getNotices('uk-UA'))[0]?.locale, 'uk-UA');
      assert.equal((await sdk.getNotices('de-DE'))[0]?.locale, 'en-GB');
    });

    test('errors reach the SDK as PaynowException(HTTP status, [errorType, message])', async () => {
      await assert.rejects(sdk.status('PBYV-3AZ-UPW-DPC'), (e: PaynowException) => {
        assert.equal(e.code, 404);
        assert.deepEqual(e.errors, [{ errorType: 'NOT_FOUND', message: 'Could not find status for payment {paymentId=PBYV-3AZ-UPW-DPC}' }]);
        return true;
      });
      await assert.rejects(sdk.refundStatus('R3FU-UND-D8K-WZD'), (e: PaynowException) => {
        assert.equal(e.code, 404);
        assert.deepEqual(e.errors, [{ errorType: 'NOT_FOUND', message: 'Could not find status for refund {refundId=R3FU-UND-D8K-WZD}' }]);
        return true;
      });
      await assert.rejects(sdk.authorize({ amount: 1000, externalId: 'wl-bad', description: 'BLIK', buyer: { email: 'klient@sklep.pl' }, paymentMethodId: 2007, authorizationCode: '333333' }), (e: PaynowException) => {
        assert.equal(e.code, 400);
        assert.equal(e.errors[0]?.errorType, 'AUTHORIZATION_CODE_INVALID');
        return true;
      });
      const wrongKey = new PhpSdk(shop.s.url, PUBLIC_STANDARD.apiKey, 'not-the-signature-key');
      await assert.rejects(wrongKey.getPaymentMethods('PLN', 1000), (e: PaynowException) => e.code === 401 && e.errors[0]?.errorType === 'VERIFICATION_FAILED');
    });

    test('a plugin that names itself in the User-Agent is served the same', async () => {
      const woo = new PhpSdk(shop.s.url, PUBLIC_STANDARD.apiKey, PUBLIC_STANDARD.signatureKey, 'Wordpress-6.5.3/WooCommerce-8.9.1/Plugin-2.5.9');
      const a = await woo.authorize({ amount: 2500, externalId: `woo-${Date.now()}`, description: 'Zamówienie', buyer: { email: 'klient@sklep.pl' }, continueUrl: 'https://sklep.example/zamowienie?id=5&key=wc_order_x' });
      assert.equal(woo.last?.headers.find(([k]) => k === 'User-Agent')?.[1], 'Wordpress-6.5.3/WooCommerce-8.9.1/Plugin-2.5.9 (paynow-php-sdk)');
      assert.equal(a.status, 'NEW');
      assert.equal((await woo.status(a.paymentId)).status, 'NEW');
      assert.equal((await storedPayment(shop.s, a.paymentId))?.return_url, 'https://sklep.example/zamowienie?id=5&key=wc_order_x');
    });

    test('changeUrls and plugin status share md5(apiKey) with different bodies: every call works', async () => {
      const first = await sdk.changeUrls('https://sklep.example/return', 'https://sklep.example/notify');
      assert.equal(sdk.last?.body, '{"continueUrl":"https://sklep.example/return","notificationUrl":"https://sklep.example/notify"}');
      assert.equal(sdk.last?.headers.find(([k]) => k === 'Idempotency-Key')?.[1], md5(PUBLIC_STANDARD.apiKey));
      assert.equal(first.status, 204);
      assert.equal(first.text, '');
      const second = await sdk.changeUrls('https://sklep.example/powrot', 'https://sklep.example/powiadomienia');
      assert.equal(second.status, 204);
      assert.equal(second.text, '');
      const row = await shop.s.store.db.selectFrom('integrations').selectAll().where('id', '=', shop.integrationId).executeTakeFirstOrThrow();
      assert.equal(row.return_url, 'https://sklep.example/powrot');
      assert.equal(row.notification_url, 'https://sklep.example/powiadomienia');
      // POST plugin status with the very same key, twice with different bodies (the SDK ignores the answer's body).
      const enabled = await sdk.pluginStatus([{ status: 'ENABLED', timestamp: '2025-05-14T10:00:00.000Z' }]);
      assert.equal(sdk.last?.body, '[{"status":"ENABLED","timestamp":"2025-05-14T10:00:00.000Z"}]');
      assert.equal(enabled.status, 204);
      const updated = await sdk.pluginStatus([{ status: 'UPDATED', timestamp: '2025-05-15T08:30:00.000Z' }]);
      assert.equal(updated.status, 204);
      // A third shop-URL change after the plugin status, same key again.
      assert.equal((await sdk.changeUrls('https://sklep.example/return', 'https://sklep.example/notify')).status, 204);
    });
  });
}
