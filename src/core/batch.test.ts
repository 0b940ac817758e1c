import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBatcher, createLoader } from './batch.js';

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

test('a loader answers each key asked in one turn from one load, and undefined for keys not found', async () => {
  const loads: string[][] = [];
  const load = createLoader<string, number>(async (keys) => {
    loads.push(keys);
    return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length]));
  }, 10);
  const answers = await Promise.all(['a', 'bb', 'a', 'missing', 'ccc'].map((k) => load(k)));
  assert.deepEqual(answers, [1, 2, 1, undefined, 3]);
  assert.deepEqual(loads, [['a', 'bb', 'missing', 'ccc']], 'one load, each key once');
});

test('a failed load rejects the callers it held, and the next load runs', async () => {
  let fail = true;
  const load = createLoader<string, string>(async (keys) => {
    if (fail) throw new Error('down');
    return new Map(keys.map((k) => [k, k]));
  }, 10);
  await assert.rejects(Promise.all([load('x'), load('y')]), /down/);
  fail = false;
  assert.equal(await load('z'), 'z');
});

test('with a linger, items that trickle in within it share the first flush; a full batch flushes at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'setImmediate'] });
  const flushes: number[][] = [];
  const b = createBatcher<number>(async (items) => void flushes.push(items), 3, () => 20);
  const first = [b.add(1)];
  t.mock.timers.tick(10);
  first.push(b.add(2));
  t.mock.timers.tick(9);
  assert.deepEqual(flushes, [], 'nothing flushed before the linger ends');
  t.mock.timers.tick(1);
  await Promise.all(first);
  assert.deepEqual(flushes, [[1, 2]]);
  const full = [b.add(3), b.add(4), b.add(5)];
  t.mock.timers.tick(0);
  await Promise.all(full);
  assert.deepEqual(flushes, [[1, 2], [3, 4, 5]], 'the third item did not wait for the linger');
});
