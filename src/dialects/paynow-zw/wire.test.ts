import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAgain, encodeEachCharacter, encodeValue, newPaynowReference } from './wire.js';

test('decodeAgain: Python quote_plus and Node encodeURI values decoded; plain, stray-% and non-UTF-8 values kept', () => {
  assert.equal(decodeAgain('you%40shop.test'), 'you@shop.test');
  assert.equal(decodeAgain('Order+%23100'), 'Order #100');
  assert.equal(decodeAgain('Bananas%2C+Apples%2C+'), 'Bananas, Apples, ');
  assert.equal(decodeAgain('Bananas,%20Apples+Pears'), 'Bananas, Apples+Pears');
  assert.equal(decodeAgain('Order+1'), 'Order+1');
  assert.equal(decodeAgain('100% sure %41'), '100% sure %41');
  assert.equal(decodeAgain('bad%FF%FEbytes'), 'bad%FF%FEbytes');
  assert.equal(decodeAgain('you@shop.test'), 'you@shop.test');
});

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
