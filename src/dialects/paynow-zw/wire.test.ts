import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeEachCharacter, encodeValue, newPaynowReference } from './wire.js';

test('newPaynowReference: 100,000 draws, every one 9 digits without a leading zero', () => {
  for (let i = 0; i < 100_000; i += 1) {
    const ref = newPaynowReference();
    if (!/^[1-9]\d{8}$/.test(ref)) assert.fail(`not 9 digits: ${ref}`);
  }
});

test('encodeValue agrees with the character-by-character definition on every kind of character', () => {
  const samples = [
    '',
    'Ok',
    'Invoice 32',
    "it's ~ 100% (sure)! *_-.",
    'https://www.paynow.co.zw/Interface/CheckPayment/?guid=06f656ab-ed60-4a03-8373-a3321b4b3e68',
    'tmoyo@yahoo.com&x=1+2',
    'Zażółć gęślą jaźń — € 5',
    'emoji 😀 and tab\t and newline\n',
    'lone \ud800 surrogate',
    'trailing \udc00',
  ];
  for (let c = 0; c < 0x3000; c++) samples.push(`a${String.fromCharCode(c)}z`);
  for (const s of samples) assert.equal(encodeValue(s), encodeEachCharacter(s), JSON.stringify(s));
});

test('encodeValue writes what ASP.NET HttpUtility.UrlEncode writes', () => {
  assert.equal(encodeValue("a b~'c"), 'a+b%7e%27c');
  assert.equal(encodeValue('https://x/?a=1'), 'https%3a%2f%2fx%2f%3fa%3d1');
  assert.equal(encodeValue('ł'), '%c5%82');
  assert.equal(encodeValue('\ud800'), '%ef%bf%bd');
});
