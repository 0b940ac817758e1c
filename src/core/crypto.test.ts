import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { constantTimeEqual, createKeyring, parseMasterKey } from './crypto.js';

test('a secret encrypted under the master key decrypts to itself, and each encryption differs', () => {
  const k = createKeyring(randomBytes(32));
  const a = k.encrypt('fa4117fd-2be7-4a45-9951-962db2950e3f');
  const b = k.encrypt('fa4117fd-2be7-4a45-9951-962db2950e3f');
  assert.notEqual(a, b);
  assert.ok(!a.includes('fa4117fd'));
  assert.equal(k.decrypt(a), 'fa4117fd-2be7-4a45-9951-962db2950e3f');
});

test('a tampered ciphertext or another master key does not decrypt', () => {
  const k = createKeyring(randomBytes(32));
  const c = k.encrypt('secret');
  const parts = c.split('.');
  const body = Buffer.from(parts[2] as string, 'base64url');
  body[0] = (body[0] as number) ^ 1;
  parts[2] = body.toString('base64url');
  assert.throws(() => k.decrypt(parts.join('.')));
  assert.throws(() => createKeyring(randomBytes(32)).decrypt(c));
});

test('lookup hashes are stable per key and purpose, and differ across keys and purposes', () => {
  const master = randomBytes(32);
  const k1 = createKeyring(master);
  const k2 = createKeyring(Buffer.from(master));
  assert.equal(k1.lookupHash('a', 'v'), k2.lookupHash('a', 'v'));
  assert.notEqual(k1.lookupHash('a', 'v'), k1.lookupHash('b', 'v'));
  assert.notEqual(k1.lookupHash('a', 'v'), createKeyring(randomBytes(32)).lookupHash('a', 'v'));
  assert.match(k1.lookupHash('a', 'v'), /^[0-9a-f]{64}$/);
});

test('constant-time comparison answers like ===', () => {
  assert.equal(constantTimeEqual('abc', 'abc'), true);
  assert.equal(constantTimeEqual('abc', 'abd'), false);
  assert.equal(constantTimeEqual('abc', 'abcd'), false);
  assert.equal(constantTimeEqual('', ''), true);
});

test('the master key is read as 64 hex characters or base64 of 32 bytes, and nothing else', () => {
  const raw = randomBytes(32);
  assert.deepEqual(parseMasterKey(raw.toString('hex')), raw);
  assert.deepEqual(parseMasterKey(`${raw.toString('base64')}\n`), raw);
  assert.throws(() => parseMasterKey('abcd'), /32 bytes/);
  assert.throws(() => parseMasterKey(randomBytes(16).toString('hex')), /32 bytes/);
  assert.throws(() => createKeyring(randomBytes(16)), /32 bytes/);
});
