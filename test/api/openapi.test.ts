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

export function undocumented(doc: Doc): string[] {
  const faults: string[] = [];
  for (const [path, item] of Object.entries<Doc>(doc.paths)) {
    for (const [method, op] of Object.entries<Doc>(item)) {
      const name = `${method} ${path}`;
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

    test('the money routes answer named resources in the one shape: minor units beside currency, ISO instants, pages', () => {
      const s = doc.components.schemas;
      for (const [name, field] of [['Balance', 'available'], ['LedgerEntry', 'amount'], ['Payout', 'amount'], ['SettledPayment', 'amount']] as const) {
        assert.ok(s[name], `${name} is a named component`);
        assert.match(s[name].properties[field].description, /minor units/, `${name}.${field}`);
        assert.ok(s[name].properties[field].example !== undefined, `${name}.${field} has an example`);
        assert.ok(s[name].properties.currency, `${name} has its currency`);
        assert.equal(JSON.stringify(s[name]).includes('Minor"'), false, `${name} has no *Minor field`);
      }
      assert.equal(s.Payout.properties.createdAt.format, 'date-time');
      const listOf = (path: string) => doc.paths[path].get.responses['200'].content['application/json'].schema;
      for (const path of ['/api/integrations/{id}/ledger', '/api/integrations/{id}/payouts', '/api/operator/payouts']) assert.deepEqual(Object.keys(listOf(path).properties).sort(), ['data', 'nextCursor'], path);
      assert.ok(doc.paths['/api/operator/payouts'].get.parameters.some((p: Doc) => p.name === 'status'), 'operator payouts filter by status');
    });
  });
}
