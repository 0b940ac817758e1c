/**
 * The signature debugger (issue 21): a failed Paynow Zimbabwe hash, Paynow.pl signature or PayDunya
 * key check in test mode gets a diagnosis in the request log naming the most likely mistake. One
 * request per hypothesis per dialect, made from the specs' rules, through real HTTP.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createIntegration } from '../../src/services/merchants/integrations.js';
import type { ApiClient } from '../helpers/client.js';
import { testDatabases } from '../helpers/dbs.js';
import { type AnyShop, merchantApi, openAnyShop, type Pairs, zwForm } from '../dialects/shared/shop.js';

interface Diagnosis {
  mistake: string;
  confirmed: boolean;
  explanation: string;
  oursHashed: string;
  theirsHashed: string | null;
  ourSignature: string;
  theirSignature: string;
  firstDifference: { offset: number; ours: string | null; theirs: string | null } | null;
}

const sha512 = (text: string) => createHash('sha512').update(text, 'utf8').digest('hex').toUpperCase();
const hmac = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

for (const kind of testDatabases()) {
  describe(`the signature debugger on ${kind}`, () => {
    let shop: AnyShop;
    let api: ApiClient;
    let other: { zwKey: string; plKey: string; pd: { privateKey: string; token: string } };
    let own: { plProduction: string; pdLive: { privateKey: string; token: string }; pdPublic: string };
    before(async () => {
      shop = await openAnyShop(kind);
      api = await merchantApi(shop);
      const { credentials: c } = await createIntegration(shop.s.app.deps, shop.merchantId, { name: 'Other' }, { kind: 'system', id: null });
      other = { zwKey: c.paynowZw.integrationKey, plKey: c.paynowPl.sandbox.signatureKey, pd: c.paydunya.test };
      const mine = await import('../../src/services/merchants/credentials.js');
      const { findIntegrationAnyMerchant } = await import('../../src/store/repos/integrations.js');
      const integration = await findIntegrationAnyMerchant(shop.s.store.db, shop.integrationId);
      assert.ok(integration);
      const set = await mine.currentCredentialSet(shop.s.store.db, shop.s.app.deps.keyring, integration, Date.now());
      own = { plProduction: set.paynowPl.production.signatureKey, pdLive: set.paydunya.live, pdPublic: set.paydunya.test.publicKey };
    });
    after(() => shop?.stop());

    /** The newest entry of the request log: written before the answer left. */
    async function lastDiagnosis(): Promise<Diagnosis | null> {
      const r = await api.get(`/api/integrations/${shop.integrationId}/request-log?limit=1`);
      assert.equal(r.status, 200, r.text);
      return (r.body as { data: Array<{ diagnosis: Diagnosis | null }> }).data[0]?.diagnosis ?? null;
    }

    function assertDiagnosis(d: Diagnosis | null, mistake: string, secrets: string[]): Diagnosis {
      assert.ok(d, 'the failed request has a diagnosis');
      assert.equal(d.mistake, mistake, d.explanation);
      const shownText = JSON.stringify(d);
      for (const s of secrets) assert.ok(!shownText.includes(s), 'no key is shown in clear');
      assert.ok(d.firstDifference, 'the first differing byte is shown');
      return d;
    }

    // ---- Paynow Zimbabwe: SHA-512 over the values in message order, then the key (spec §4.1).
    const zwPairs = (): Pairs => [['id', shop.zw.id], ['reference', 'DBG 1'], ['amount', '10.50'], ['additionalinfo', 'A&B'], ['returnurl', 'http://127.0.0.1:9/r'], ['resulturl', 'http://127.0.0.1:9/s'], ['status', 'Message']];
    async function zwSend(body: string): Promise<string> {
      const r = await fetch(`${shop.s.url}/interface/initiatetransaction`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      return r.text();
    }
    const zwHashed = (values: string[], key: string) => sha512(values.join('') + key);

    test('Paynow Zimbabwe: a correct hash has no diagnosis', async () => {
      const p = zwPairs();
      assert.match(await zwSend(zwForm([...p, ['hash', zwHashed(p.map(([, v]) => v), shop.zw.key)]])), /status=Ok/);
      assert.equal(await lastDiagnosis(), null);
    });

    const zwCases: Array<[string, () => string]> = [
      ['other-integration', () => { const p = zwPairs(); return zwForm([...p, ['hash', zwHashed(p.map(([, v]) => v), other.zwKey)]]); }],
      ['key-case', () => { const p = zwPairs(); return zwForm([...p, ['hash', zwHashed(p.map(([, v]) => v), shop.zw.key.toUpperCase())]]); }],
      ['trimming', () => { const p = zwPairs(); return zwForm([...p, ['hash', zwHashed(p.map(([, v]) => v), `${shop.zw.key}\n`)]]); }],
      ['encoded-twice', () => {
        const p = zwPairs();
        const hash = zwHashed(p.map(([, v]) => v), shop.zw.key);
        // additionalinfo goes out encoded twice: after one decode the gateway reads "A%26B".
        return p.map(([k, v]) => `${k}=${k === 'additionalinfo' ? encodeURIComponent(encodeURIComponent(v)) : encodeURIComponent(v)}`).join('&') + `&hash=${hash}`;
      }],
      ['values-reordered', () => { const p = zwPairs(); const sorted = [...p].sort(([a], [b]) => (a < b ? -1 : 1)); return zwForm([...p, ['hash', zwHashed(sorted.map(([, v]) => v), shop.zw.key)]]); }],
      ['wrong-key', () => { const p = zwPairs(); return zwForm([...p, ['hash', zwHashed(p.map(([, v]) => v), randomUUID())]]); }],
    ];
    for (const [mistake, body] of zwCases) {
      test(`Paynow Zimbabwe: ${mistake} is named`, async () => {
        assert.match(await zwSend(body()), /status=Error/);
        const d = assertDiagnosis(await lastDiagnosis(), mistake, [shop.zw.key, other.zwKey]);
        assert.equal(d.confirmed, mistake !== 'wrong-key');
        // The exact string we hashed: the values as received after one decode, then the key, masked.
        assert.ok(d.oursHashed.startsWith(`${shop.zw.id}DBG 110.50${mistake === 'encoded-twice' ? 'A%26B' : 'A&B'}`), d.oursHashed);
        assert.match(d.oursHashed, /\{key …[0-9a-f]{4}\}$/);
        if (mistake === 'encoded-twice') assert.deepEqual(d.firstDifference, { offset: `${shop.zw.id}DBG 110.50A`.length, ours: '25', theirs: '26' });
      });
    }

    // ---- Paynow.pl: v3, HMAC-SHA256 over {"headers","parameters","body"} in Base64 (spec §5.2).
    const plBody = { amount: 1000, externalId: 'dbg-1', description: 'Debugger', buyer: { email: 'a@b.pl' } };
    const plPayload = (body: string, idem: string, headers?: Record<string, string>) => JSON.stringify({ headers: headers ?? { 'Api-Key': shop.pl.apiKey, 'Idempotency-Key': idem }, parameters: {}, body });
    async function plSend(body: string, idem: string, signature: string): Promise<number> {
      const r = await fetch(`${shop.s.url}/v3/payments`, { method: 'POST', headers: { 'Api-Key': shop.pl.apiKey, 'Idempotency-Key': idem, Signature: signature, 'Content-Type': 'application/json' }, body });
      await r.arrayBuffer();
      return r.status;
    }

    test('Paynow.pl: a correct signature has no diagnosis', async () => {
      const body = JSON.stringify(plBody);
      assert.equal(await plSend(body, 'ok-1', hmac(shop.pl.signatureKey, plPayload(body, 'ok-1')).toString('base64')), 201);
      assert.equal(await lastDiagnosis(), null);
    });

    const compact = JSON.stringify(plBody);
    const plCases: Array<[string, string, (idem: string) => string]> = [
      ['other-environment', compact, (i) => hmac(own.plProduction, plPayload(compact, i)).toString('base64')],
      ['other-integration', compact, (i) => hmac(other.plKey, plPayload(compact, i)).toString('base64')],
      ['signature-encoding', compact, (i) => hmac(shop.pl.signatureKey, plPayload(compact, i)).toString('hex')],
      ['encoded-twice', compact, (i) => Buffer.from(hmac(shop.pl.signatureKey, plPayload(compact, i)).toString('base64')).toString('base64')],
      ['values-reordered', compact, (i) => hmac(shop.pl.signatureKey, plPayload(compact, i, { 'Idempotency-Key': i, 'Api-Key': shop.pl.apiKey })).toString('base64')],
      // Sent pretty-printed, signed compact: what a client that re-serialises its object does.
      ['reserialised', JSON.stringify(plBody, null, 2), (i) => hmac(shop.pl.signatureKey, plPayload(compact, i)).toString('base64')],
      ['trimming', compact, (i) => hmac(shop.pl.signatureKey, plPayload(`${compact}\n`, i)).toString('base64')],
      ['wrong-key', compact, (i) => hmac('not the key', plPayload(compact, i)).toString('base64')],
    ];
    for (const [mistake, body, sign] of plCases) {
      test(`Paynow.pl: ${mistake} is named`, async () => {
        const idem = `dbg-${mistake}`;
        assert.equal(await plSend(body, idem, sign(idem)), 401);
        const d = assertDiagnosis(await lastDiagnosis(), mistake, [shop.pl.signatureKey, own.plProduction, other.plKey]);
        assert.equal(d.confirmed, mistake !== 'wrong-key');
        assert.equal(d.oursHashed, plPayload(body, idem));
        if (mistake === 'reserialised') {
          // Ours has the pretty body's escaped newline where theirs has the compact body's escaped quote.
          const offset = Buffer.byteLength(`${plPayload('', idem).slice(0, -2)}{\\`);
          assert.deepEqual(d.firstDifference, { offset, ours: '6e', theirs: '22' });
        }
      });
    }

    test('Paynow.pl: a long request keeps a diagnosis as small as its body, cut around the difference', async () => {
      const long = { ...plBody, description: 'x'.repeat(8000), tail: 'end' };
      const pretty = JSON.stringify(long, null, 2);
      const idem = 'dbg-long';
      assert.equal(await plSend(pretty, idem, hmac(shop.pl.signatureKey, plPayload(JSON.stringify(long), idem)).toString('base64')), 401);
      const d = assertDiagnosis(await lastDiagnosis(), 'reserialised', [shop.pl.signatureKey]) as Diagnosis & { shownFrom?: number };
      assert.ok(Buffer.byteLength(d.oursHashed) <= 2048 && Buffer.byteLength(d.theirsHashed ?? '') <= 2048, 'kept within the failed-body bound');
      assert.equal(typeof d.shownFrom, 'number');
      assert.ok(d.oursHashed.startsWith(plPayload('', idem).slice(0, 20)), 'the window holds the first difference, near the start');
    });

    // ---- PayDunya: the master key names the application; private key and token must be the mode's (spec §2).
    async function pdSend(privateKey: string, token: string): Promise<string> {
      const r = await fetch(`${shop.s.url}/sandbox-api/v1/checkout-invoice/create`, {
        method: 'POST',
        headers: { 'PAYDUNYA-MASTER-KEY': shop.pd.masterKey, 'PAYDUNYA-PRIVATE-KEY': privateKey, 'PAYDUNYA-TOKEN': token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ invoice: { total_amount: 1000 }, store: { name: 'Magasin' } }),
      });
      return ((await r.json()) as { response_code: string }).response_code;
    }

    test('PayDunya: correct keys have no diagnosis', async () => {
      assert.equal(await pdSend(shop.pd.privateKey, shop.pd.token), '00');
      assert.equal(await lastDiagnosis(), null);
    });

    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const pdCases: Array<[string, () => [string, string], boolean]> = [
      ['other-environment', () => [own.pdLive.privateKey, own.pdLive.token], true],
      ['values-reordered', () => [shop.pd.token, shop.pd.privateKey], true],
      ['wrong-key', () => [own.pdPublic, shop.pd.token], true],
      ['other-integration', () => [other.pd.privateKey, other.pd.token], true],
      ['trimming', () => [`"${shop.pd.privateKey}"`, `"${shop.pd.token}"`], true],
      ['encoded-twice', () => [b64(shop.pd.privateKey), b64(shop.pd.token)], true],
      ['wrong-key', () => ['test_private_nothing_like_it', shop.pd.token], false],
    ];
    for (const [mistake, keys, confirmed] of pdCases) {
      test(`PayDunya: ${mistake}${confirmed ? '' : ' (by elimination)'} is named`, async () => {
        const [privateKey, token] = keys();
        assert.notEqual(await pdSend(privateKey, token), '00');
        const d = assertDiagnosis(await lastDiagnosis(), mistake, [shop.pd.privateKey, shop.pd.token, own.pdLive.privateKey, own.pdLive.token, other.pd.privateKey, own.pdPublic]);
        assert.equal(d.confirmed, confirmed);
      });
    }
  });
}
