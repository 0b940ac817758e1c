import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBatcher } from './batch.js';

test('items added in one turn share one flush; later ones form the next batch', async () => {
  const flushes: number[][] = [];
  const b = createBatcher<number>(async (items) => {
    flushes.push(items);
    await new Promise((r) => setTimeout(r, 5));
  }, 3);
  const first = [1, 2, 3, 4].map((n) => b.add(n));
  await new Promise((r) => setImmediate(r));
  const late = b.add(5);
  await Promise.all([...first, late]);
  assert.deepEqual(flushes, [[1, 2, 3], [4, 5]]);
});

test('a failed flush rejects exactly the adds it held', async () => {
  const b = createBatcher<string>(async (items) => {
    if (items.includes('bad')) throw new Error('boom');
  }, 10);
  const bad = b.add('bad');
  const alsoInBatch = b.add('x');
  await assert.rejects(bad, /boom/);
  await assert.rejects(alsoInBatch, /boom/);
  await b.add('fine');
});
