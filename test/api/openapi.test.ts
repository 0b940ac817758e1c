/**
 * The OpenAPI document at /docs/json describes every operation: a summary and a description, a 2xx
 * answer with a schema (or a 204), and the problem+json errors it can return. Walking the generated
 * document finds any route added without them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/dbs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Doc = any;

/** h-ledger's money routes (src/web/api/money.ts) get their schemas on that branch; remove once merged. */
const OWNED_ELSEWHERE = new Set([
  'get /api/integrations/{id}/balances',
  'get /api/integrations/{id}/ledger',
  'get /api/integrations/{id}/ledger.csv',
  'get /api/integrations/{id}/payouts',
  'get /api/operator/payouts',
  'post /api/operator/payouts/{id}/mark',
]);

export function undocumented(doc: Doc): string[] {
  const faults: string[] = [];
  for (const [path, item] of Object.entries<Doc>(doc.paths)) {
    for (const [method, op] of Object.entries<Doc>(item)) {
      const name = `${method} ${path}`;
      if (OWNED_ELSEWHERE.has(name)) continue;
      if (!op.summary) faults.push(`${name}: no summary`);
      if (!op.description) faults.push(`${name}: no description`);
      const responses = Object.entries<Doc>(op.responses ?? {});
      const ok = responses.filter(([s]) => /^2\d\d$/.test(s));
      if (ok.length === 0) faults.push(`${name}: no 2xx response`);
      for (const [s, r] of ok) if (s !== '204' && !Object.values<Doc>(r.content ?? {}).some((m) => m.schema)) faults.push(`${name}: ${s} has no schema`);
      const errors = responses.filter(([s]) => /^[45]\d\d$/.test(s));
      if (errors.length === 0) faults.push(`${name}: no error response`);
      for (const [s, r] of errors) if (!r.content?.['application/problem+json']?.schema) faults.push(`${name}: ${s} is not problem+json`);
    }
  }
  return faults;
}

for (const kind of testDatabases().slice(0, 1)) {
  describe(`the OpenAPI document (${kind})`, () => {
    let s: TestServer;
    let doc: Doc;
    before(async () => {
      s = await startTestServer(kind);
      doc = await (await fetch(`${s.url}/docs/json`)).json();
    });
    after(() => s.stop());

    test('every operation has a summary, a description, a 2xx schema and its problem+json errors', () => {
      const faults = undocumented(doc);
      assert.deepEqual(faults, [], `${faults.length} faults:\n${faults.join('\n')}`);
    });

    test('the description states the conventions and how to authenticate, and no longer promises payments "later"', () => {
      const d: string = doc.info.description;
      assert.doesNotMatch(d, /\(later\)/);
      assert.match(d, /minor units/);
      assert.match(d, /nextCursor/);
      assert.match(d, /POST \/api\/tokens/);
    });

    test('response schemas say amounts are in minor units and instants are ISO 8601', () => {
      const p = doc.components.schemas.Payment;
      assert.ok(p, 'Payment is a named component');
      assert.match(p.properties.amount.description, /minor units/);
      assert.equal(p.properties.createdAt.format, 'date-time');
      assert.ok(p.properties.amount.example !== undefined, 'fields carry examples');
    });
  });
}
