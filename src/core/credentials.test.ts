import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CREDENTIAL_SLOTS, generateCredential, isValidCredential, LIVE_GROUPS, ROTATION_GROUPS } from './credentials.js';

// Formats from the specs: what each dialect's official clients require of a key.
const SPEC_FORMATS: Record<string, RegExp> = {
  // paynow-zw.md rule 4: lower-case hyphenated GUID (.NET Guid.Parse, Node/PHP/Python lower-case it)
  'paynow_zw.integration_key': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  // paynow-pl.md: Api-Key and Signature-Key are UUIDs in every example
  'paynow_pl.sandbox.api_key': /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  'paynow_pl.production.signature_key': /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  // paydunya.md §2.2
  'paydunya.master_key': /^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$/,
  'paydunya.test.private_key': /^test_private_[A-Za-z0-9]{27}$/,
  'paydunya.live.private_key': /^live_private_[A-Za-z0-9]{27}$/,
  'paydunya.test.public_key': /^test_public_[A-Za-z0-9]{27}$/,
  'paydunya.live.public_key': /^live_public_[A-Za-z0-9]{27}$/,
  'paydunya.test.token': /^[A-Za-z0-9]{20}$/,
};

test('every generated credential has the format its clients require, and values do not repeat', () => {
  for (const slot of CREDENTIAL_SLOTS) {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const v = generateCredential(slot);
      assert.ok(isValidCredential(slot, v), `${slot}: ${v}`);
      const spec = SPEC_FORMATS[slot];
      if (spec) assert.match(v, spec, slot);
      seen.add(v);
    }
    assert.equal(seen.size, 50, `${slot} repeated a value`);
  }
});

test('the documented example keys of each gateway are accepted as chosen values', () => {
  assert.ok(isValidCredential('paydunya.master_key', 'wQzk9ZwR-Qq9m-0hD0-zpud-je5coGC3FHKW'));
  assert.ok(isValidCredential('paydunya.master_key', '5b9f531a-fbb8-487a-8045-3b4c7ac5acee'));
  assert.ok(isValidCredential('paydunya.test.private_key', 'test_private_rMIdJM3PLLhLjyArx9tF3VURAF5'));
  assert.ok(isValidCredential('paydunya.test.public_key', 'test_public_kb9Wo0Qpn8vNWMvMZOwwpvuTUja-OSDNhUqKoaTI4wc'));
  assert.ok(isValidCredential('paydunya.test.token', 'IivOiOxGJuWhc5znlIiK'));
  assert.ok(isValidCredential('paynow_pl.sandbox.api_key', '97a55694-5478-43b5-b406-fb49ebfdd2b5'));
  assert.ok(!isValidCredential('paynow_zw.integration_key', 'FA4117FD-2BE7-4A45-9951-962DB2950E3F'));
  assert.ok(!isValidCredential('paydunya.test.private_key', 'live_private_rMIdJM3PLLhLjyArx9tF3VURAF5'));
});

test('rotation groups cover every slot exactly once, and going live renews every live-capable slot', () => {
  const grouped = Object.values(ROTATION_GROUPS).flat();
  assert.deepEqual([...grouped].sort(), [...CREDENTIAL_SLOTS].sort());
  const live = LIVE_GROUPS.flatMap((g) => ROTATION_GROUPS[g]);
  assert.deepEqual(
    [...live].sort(),
    ['paydunya.live.private_key', 'paydunya.live.public_key', 'paydunya.live.token', 'paynow_pl.production.api_key', 'paynow_pl.production.signature_key', 'paynow_zw.integration_key'].sort(),
  );
});
