import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodySignature, signV3, v3Payload, verifyV3 } from './signature.js';

// Seed 001's vectors and spec paynow-pl.md §5.3, all verified there with node crypto and the PHP SDK.
const API = '97a55694-5478-43b5-b406-fb49ebfdd2b5';
const SIG = 'b305b996-bca5-4404-a0b7-2ccea3d2b64b';

test('(a) seed 001: the v3 payload for getting payment methods, compact', () => {
  const payload = v3Payload(API, 'd243fdb3-c287-484a-bb9c-58536f2794c1', [], '');
  assert.equal(payload, '{"headers":{"Api-Key":"97a55694-5478-43b5-b406-fb49ebfdd2b5","Idempotency-Key":"d243fdb3-c287-484a-bb9c-58536f2794c1"},"parameters":{},"body":""}');
  assert.equal(signV3(SIG, API, 'd243fdb3-c287-484a-bb9c-58536f2794c1', [], ''), 'fXwLZRwo0WiGll90PPl5oULX9VKA0gpFA/3+E+NRp5E=');
});

test('(b) seed 001: the notification vector, 4-space pretty JSON without a trailing newline', () => {
  const body = JSON.stringify({ paymentId: 'NOLV-8F9-08K-WGD', externalId: '9fea23c7-cd5c-4884-9842-6f8592be65df', status: 'CONFIRMED', modifiedAt: '2018-12-12T13:24:52' }, null, 4);
  assert.equal(bodySignature(SIG, body), 'F69sbjUxBX4eFjfUal/Y9XGREbfaRjh/zdq9j4MWeHM=');
});

test('(c) the PHP SDK notification test and (d) the v1 body signature', () => {
  assert.equal(bodySignature('s3ecret-k3y', '{\n  "paymentId": "NOLV-8F9-08K-WGD",\n  "status": "CONFIRMED",\n  "modifiedAt": "2018-12-12T13:24:52"\n}'), 'Aq/VmN15rtjVbuy9F7Yw+Ym76H+VZjVSuHGpg4dwitY=');
  assert.equal(bodySignature('a621a1fb-b4d8-48ba-a6a3-2a28ed61f605', '{"key1":"value1","key2":"value2"}'), 'rFAkhfbUFRn4bTR82qb742Mwy34g/CSi8frEHciZhCU=');
});

test('(e)-(i) computed vectors: query parameters, PHP-encoded and Postman-pretty bodies, parameter order, White Label keys', () => {
  assert.equal(signV3(SIG, API, 'test-key', [['amount', '1000'], ['applePayEnabled', '1'], ['currency', 'PLN']], ''), 'Av4jnBSivyVDJdEVc66B6PD7auQZTROKUkyyitBx9fI=');
  const phpBody = '{"amount":45671,"externalId":"234567898654","description":"Zam\\u00f3wienie /1","continueUrl":"https://shop.example/return","buyer":{"email":"jan.kowalski@melements.pl"}}';
  assert.equal(signV3(SIG, API, 'test-key', [], phpBody), 'tsmhLd3MZ/EAmIDhIFyermwzshQ5w0V1KwS68b+MI+E=');
  assert.equal(signV3(SIG, API, 'test-key', [], phpBody.replace('\\u00f3', 'ó')), 'zOOYQeMyld9MgiO9tctVtx6DPzDkVx+1hw3K4kE0nfE=');
  assert.equal(signV3(SIG, API, 'test-key', [['amount', '1000'], ['currency', 'PLN']], ''), 'bCG7Tr/4cq3ohjPegrGGmcBNMWEwGJIPPysVNV2u8XI=');
  const pretty = '{\n    "amount": "45671",\n    "externalId": "abc",\n    "description": "Payment description",\n    "buyer": {\n        "email": "jan.kowalski@melements.pl"\n    }\n}';
  assert.equal(signV3(SIG, API, 'test-key', [], pretty), 'e8GPPYMyoRWbr7I5oTqYT2X8QPN3+Hbjxh2JDYYAeEE=');
  assert.equal(signV3('7201572b-1234-4853-8437-dd038a28a31d', 'a5346108-639d-4a34-b408-afe86d89071f', 'd243fdb3-c287-484a-bb9c-58536f2794c1', [], ''), 'CDFHPwVthNLTtnd+1+UjSgeS4G5JKfdDT2NPnjz2yyA=');
});

test('verification accepts the sorted or the query order of parameters, and refuses anything else', () => {
  const inQueryOrder: Array<[string, string]> = [['currency', 'PLN'], ['amount', '1000']];
  assert.equal(verifyV3([SIG], API, 'test-key', inQueryOrder, '', 'bCG7Tr/4cq3ohjPegrGGmcBNMWEwGJIPPysVNV2u8XI=').ok, true, 'sorted');
  assert.equal(verifyV3([SIG], API, 'test-key', inQueryOrder, '', 'mHO3E3melwwDHTuuYosvaswRbDcdU4fT+DqvgFt8TOU=').ok, true, 'query order');
  assert.equal(verifyV3([SIG], API, 'other-key', inQueryOrder, '', 'bCG7Tr/4cq3ohjPegrGGmcBNMWEwGJIPPysVNV2u8XI=').ok, false, 'another idempotency key');
  assert.equal(verifyV3(['00000000-0000-0000-0000-000000000000', SIG], API, 'test-key', inQueryOrder, '', 'bCG7Tr/4cq3ohjPegrGGmcBNMWEwGJIPPysVNV2u8XI=').ok, true, 'second key in a grace period');
  assert.equal(verifyV3([SIG], API, 'test-key', inQueryOrder, ' ', 'bCG7Tr/4cq3ohjPegrGGmcBNMWEwGJIPPysVNV2u8XI=').ok, false, 'one byte more body');
});
