import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFeeRule, computeFee } from './fees.js';

test('basis points round half up; the fixed part is added', () => {
  assert.equal(computeFee(10_000, { percentBps: 250, fixedMinor: 0 }), 250);
  assert.equal(computeFee(20, { percentBps: 250, fixedMinor: 0 }), 1, '0.5 rounds up');
  assert.equal(computeFee(19, { percentBps: 250, fixedMinor: 0 }), 0, '0.475 rounds down');
  assert.equal(computeFee(1_000, { percentBps: 150, fixedMinor: 30 }), 45);
});

test('zero: no amount, no rule', () => {
  assert.equal(computeFee(0, { percentBps: 250, fixedMinor: 0 }), 0);
  assert.equal(computeFee(12_345, { percentBps: 0, fixedMinor: 0 }), 0);
});

test('minimum and maximum hold the fee; it never passes the amount', () => {
  assert.equal(computeFee(100, { percentBps: 250, fixedMinor: 0, minMinor: 10 }), 10);
  assert.equal(computeFee(1_000_000, { percentBps: 250, fixedMinor: 0, maxMinor: 500 }), 500);
  assert.equal(computeFee(5, { percentBps: 0, fixedMinor: 30, minMinor: 10 }), 5, 'a fee larger than the payment is capped at it');
});

test('large amounts stay exact past 2^53 in the product', () => {
  const max = Number.MAX_SAFE_INTEGER;
  // max × 10000 bps = max; max × 250 bps passes 2^53 before the division.
  assert.equal(computeFee(max, { percentBps: 10_000, fixedMinor: 0 }), max);
  assert.equal(computeFee(max, { percentBps: 250, fixedMinor: 0 }), Number((BigInt(max) * 250n + 5_000n) / 10_000n));
  assert.throws(() => computeFee(max + 1, { percentBps: 250, fixedMinor: 0 }), /fee on/);
  assert.throws(() => computeFee(1.5, { percentBps: 250, fixedMinor: 0 }), /fee on/);
});

test('an operator rule is checked', () => {
  assert.equal(checkFeeRule({ percentBps: 250, fixedMinor: 0, minMinor: 1, maxMinor: 5 }), undefined);
  assert.match(checkFeeRule({ percentBps: 10_001, fixedMinor: 0 }) ?? '', /100 %/);
  assert.match(checkFeeRule({ percentBps: 1.5, fixedMinor: 0 }) ?? '', /whole/);
  assert.match(checkFeeRule({ percentBps: 0, fixedMinor: -1 }) ?? '', /whole/);
  assert.match(checkFeeRule({ percentBps: 0, fixedMinor: 0, minMinor: 9, maxMinor: 5 }) ?? '', /minimum/);
});
