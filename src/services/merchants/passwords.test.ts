import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTollgateError } from '../../core/errors.js';
import { checkPasswordPolicy, generatePassword } from './passwords.js';

const EMAIL = 'dora.smith@example.com';

function refusal(password: string, email = EMAIL, field?: string): string {
  try {
    checkPasswordPolicy(password, email, field);
  } catch (err) {
    assert.ok(isTollgateError(err) && err.code === 'validation', String(err));
    assert.equal(err.issues[0]?.path, field ?? 'password');
    return err.detail;
  }
  assert.fail(`"${password}" was accepted`);
}

test('a password of twelve characters or more that is none of the below is accepted', () => {
  for (const ok of ['lantern orchard 4821', 'correct horse battery staple', 'Zimbabwe-Harare-2026!', 'dora smith 9'.padEnd(14, 'x')]) {
    assert.doesNotThrow(() => checkPasswordPolicy(ok, EMAIL), ok);
  }
});

test('length: at least 12 and at most 256 characters', () => {
  assert.match(refusal('short-pass1'), /at least 12/);
  assert.match(refusal('p'.repeat(100) + 'q'.repeat(157)), /at most 256/);
});

test('one character repeated is refused, whatever the character', () => {
  for (const p of ['aaaaaaaaaaaa', '111111111111111', '............', 'ééééééééééééé']) assert.match(refusal(p), /one character repeated/);
});

test('the bundled common passwords are refused, compared lower-cased', () => {
  for (const p of ['password1234', 'PASSWORD1234', 'qwertyuiop12', 'Administrator', '1q2w3e4r5t6y', 'iloveyou1234']) assert.match(refusal(p), /too common/);
});

test('a password containing the email address or its local part is refused, in any case', () => {
  assert.match(refusal('my Dora.Smith password'), /email address/);
  assert.match(refusal('x dora.smith@example.com x'), /email address/);
  // A local part of one or two characters is too short to mean anything; the whole address still counts.
  assert.doesNotThrow(() => checkPasswordPolicy('a perfectly fine passphrase', 'ab@example.com'));
  assert.match(refusal('ab@example.com is me', 'ab@example.com'), /email address/);
});

test('the refusal names the field it was given', () => {
  assert.match(refusal('aaaaaaaaaaaa', EMAIL, 'newPassword'), /one character/);
});

test('generated passwords (CLI, demo) are 20 letters and digits that the policy accepts', () => {
  for (let i = 0; i < 200; i++) {
    const p = generatePassword('abc@example.com');
    assert.match(p, /^[A-Za-z0-9]{20}$/);
    assert.doesNotThrow(() => checkPasswordPolicy(p, 'abc@example.com'));
  }
});
