import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canTransition, PAYMENT_STATES, type PaymentState } from './payment-state.js';

// The table the issue gives, written out pair by pair so the code's table is checked, not re-read.
const ALLOWED = new Set<string>([
  'created>pending', 'created>paid', 'created>failed', 'created>cancelled', 'created>expired',
  'pending>paid', 'pending>failed', 'pending>cancelled', 'pending>expired',
  'paid>awaiting_delivery', 'awaiting_delivery>delivered',
  'paid>partially_refunded', 'paid>refunded', 'partially_refunded>refunded',
  'delivered>partially_refunded', 'delivered>refunded',
  'paid>disputed', 'awaiting_delivery>disputed', 'delivered>disputed', 'partially_refunded>disputed',
]);

test('every pair of states is allowed or refused exactly as the table says', () => {
  let allowed = 0;
  for (const from of PAYMENT_STATES) {
    for (const to of PAYMENT_STATES) {
      const expected = ALLOWED.has(`${from}>${to}`);
      assert.equal(canTransition(from, to), expected, `${from} -> ${to}`);
      if (expected) allowed++;
    }
  }
  assert.equal(allowed, ALLOWED.size);
  assert.equal(PAYMENT_STATES.length ** 2 - allowed, 121 - 20);
});

test('no state moves to itself and final states move nowhere', () => {
  for (const s of PAYMENT_STATES) assert.equal(canTransition(s, s), false, s);
  for (const s of ['failed', 'cancelled', 'expired', 'refunded', 'disputed'] as PaymentState[]) {
    for (const to of PAYMENT_STATES) assert.equal(canTransition(s, to), false, `${s} -> ${to}`);
  }
});
