import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nulPath } from './text.js';

test('nulPath names the first string or key holding a NUL, by its dotted path', () => {
  assert.equal(nulPath({ a: 'x', b: { c: ['ok', 'n\u0000'] } }), 'b.c.1');
  assert.equal(nulPath({ 'k\u0000': 1 }), 'k\u0000');
  assert.equal(nulPath('\u0000'), 'value');
  assert.equal(nulPath({ a: 'x', b: [1, null, true] }), undefined);
});
