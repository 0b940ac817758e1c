import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asId, asOptionalId, type IntegrationId, isId, MIXED_ALPHABET, type PaymentId, randomAlphanumeric, randomBytesPooled, randomIds, type RefundId } from './ids.js';
import { TollgateError } from './errors.js';

test('random text has the asked length, only alphabet characters, and never repeats across pool refills', () => {
  const seen = new Set<string>();
  // 5,000 × 12 characters draws far more than one 4 KiB pool: refills happen in the middle.
  for (let i = 0; i < 5000; i++) {
    const s = randomAlphanumeric(12);
    assert.match(s, /^[0-9a-z]{12}$/);
    seen.add(s);
  }
  assert.equal(seen.size, 5000);
  assert.match(randomAlphanumeric(40, MIXED_ALPHABET), /^[A-Za-z0-9]{40}$/);
});

test('every character of the alphabet comes up about equally often (no modulo bias)', () => {
  const counts = new Map<string, number>();
  const n = 62 * 2000;
  for (const ch of randomAlphanumeric(n, MIXED_ALPHABET)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  assert.equal(counts.size, 62);
  // Expected 2,000 each; a biased draw (256 % 62 = 8 favoured characters) would push some near 2,250.
  for (const [ch, c] of counts) assert.ok(c > 1750 && c < 2250, `${ch} came up ${c} times`);
});

test('ids carry their prefix, sort by creation time and pass isId', () => {
  const a = randomIds.next('payment');
  assert.ok(isId('payment', a));
  assert.equal(isId('merchant', a), false);
  assert.match(a, /^pay_[0-9a-z]{21}$/);
});

test('pooled random bytes: the length asked for, and a different draw each time', () => {
  const a = randomBytesPooled(24);
  const b = randomBytesPooled(24);
  assert.equal(a.length, 24);
  assert.notDeepEqual(a, b);
  // Across a pool refill (4 KiB): every length comes back whole.
  for (let i = 0; i < 400; i++) assert.equal(randomBytesPooled(37).length, 37);
  assert.match(randomBytesPooled(24).toString('base64url'), /^[A-Za-z0-9_-]{32}$/);
});

test('asId passes an id of its kind and refuses other text as the boundary would answer an unknown id', () => {
  const id = randomIds.next('integration');
  assert.equal(asId('integration', id), id);
  assert.throws(() => asId('integration', randomIds.next('merchant')), (e) => e instanceof TollgateError && e.code === 'not_found' && e.detail.startsWith('integration mer_'));
  assert.throws(() => asId('payment', 'pay_x', 'validation', 'bad id'), (e) => e instanceof TollgateError && e.code === 'validation' && e.detail === 'bad id');
});

test('isId takes exactly the shape randomIds makes; asOptionalId leaves an absent id absent', () => {
  assert.equal(isId('payment', 'pay_000000000000000000000'), true);
  assert.equal(isId('payment', 'pay_0000000000000000000000'), false, 'one character too many');
  assert.equal(isId('payment', 'pay_x_00000000000000000000'), false, 'an underscore in the tail');
  assert.equal(isId('payment', 'pay_00000000000000000000A'), false, 'upper case');
  assert.equal(asOptionalId('payment', undefined), undefined);
  assert.throws(() => asOptionalId('refund', 're_x'), (e) => e instanceof TollgateError && e.code === 'not_found' && e.detail === 'refund re_x not found');
});

// `npm run check` compiles this file: each @ts-expect-error fails the check if its line ever compiles.
test('the compiler keeps the kinds apart: another kind, or plain text, is refused where an id goes', () => {
  const takesIntegration = (id: IntegrationId) => id;
  const takesRefund = (id: RefundId) => id;
  const takesPayment = (id: PaymentId) => id;
  const merchant = randomIds.next('merchant');
  const payment = randomIds.next('payment');
  // @ts-expect-error a merchant id is no integration id
  takesIntegration(merchant);
  // @ts-expect-error a payment id is no refund id
  takesRefund(payment);
  // @ts-expect-error plain text is no payment id until asId (outside text) or storedId (our rows) says so
  takesPayment('pay_000000000000000000000');
  assert.equal(takesPayment(asId('payment', 'pay_000000000000000000000')), 'pay_000000000000000000000');
  assert.equal(takesIntegration(randomIds.next('integration')).startsWith('int_'), true);
});
