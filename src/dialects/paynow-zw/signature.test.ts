import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHash, hashValues, signPairs, valuesToHash } from './signature.js';
import { encodeForm, type Pair, parseForm } from './wire.js';

// Every vector of spec paynow-zw.md §4.2, verified there with Python hashlib and Node crypto.
const DOCS_KEY = '3e9fed89-60e1-4ce5-ab6e-6b1eb2d4f977';

test('(a) the official outbound example', () => {
  const values = ['1201', 'TEST REF', '99.99', 'A test ticket transaction', 'http://www.google.com/search?q=returnurl', 'http://www.google.com/search?q=resulturl', 'Message'];
  assert.equal(hashValues(values, DOCS_KEY), '2A033FC38798D913D42ECB786B9B19645ADEDBDE788862032F1BD82CF3B92DEF84F316385D5B40DBB35F1A4FD7D5BFE73835174136463CDD48C9366B0749C689');
});

test('(b) the official inbound example verifies over the decoded pairs in received order', () => {
  const body =
    'status=Ok&browserurl=https%3a%2f%2fstaging.paynow.co.zw%2fPayment%2fConfirmPayment%2f9510&pollurl=https%3a%2f%2fstaging.paynow.co.zw%2fInterface%2fCheckPayment%2f%3fguid%3dc7ed41da-0159-46da-b428-69549f770413&paynowreference=9510&hash=750DD0B0DF374678707BB5AF915AF81C228B9058AD57BB7120569EC68BBB9C2EFC1B26C6375D2BC562AC909B3CD6B2AF1D42E1A5E479FFAC8F4FB3FDCE71DF4D';
  assert.equal(checkHash(parseForm(body), [DOCS_KEY]).ok, true);
  // and our own encoder reproduces the body byte for byte from the pairs
  assert.equal(encodeForm(parseForm(body)), body);
});

test('(c) the Java SDK test vectors, key 0123456789', () => {
  const bodies = [
    'reference=Invoice+32&paynowreference=1234567&amount=3.50&status=Created&pollurl=https%3a%2f%2fwww.paynow.co.zw%2fInterface%2fCheckPayment%2f%3fguid%3d06f656ab-ed60-4a03-8373-a3321b4b3e68&hash=DD982F5F279A97BE50E0156742804CAFA5E658E58AC0DB4B7D91C1B45E95A3B42475F91A249DDBEB1FF2FB69D80D3FAE3DC2289649B03ADEDEDB9624D444485E',
    'status=Ok&browserurl=https%3a%2f%2fwww.paynow.co.zw%2fPayment%2fConfirmPayment%2f2638504%2ftmoyo%40yahoo.com%2f%2f&pollurl=https%3a%2f%2fwww.paynow.co.zw%2fInterface%2fCheckPayment%2f%3fguid%3d09471727-37a6-4a0c-a7f3-c1ac48f79431&hash=CDC4027ED4E94CEF5B95DCC3A86A2BC071E0BDFD6C8B8E5323B8F93DD260CC0EC4195815985FCB767DDD2384E7F1AA331159E137928005A372B97D5CFA4562C7',
    'status=Ok&paynowreference=0123456&instructions=Some_random_instructions&pollurl=https%3a%2f%2fwww.paynow.co.zw%2fInterface%2fCheckPayment%2f%3fguid%3d09471727-37a6-4a0c-a7f3-c1ac48f79431&hash=DB191C4CDE56138E11A398CA6AB1E1FC5DEEA870FFDDE4557F2A8994EFF8BA284C5318BC2213AA65449B5565AC6FC6A164554E5463EDF0164D149A0E0D24AB8E',
  ];
  for (const b of bodies) {
    assert.equal(checkHash(parseForm(b), ['0123456789']).ok, true, b.slice(0, 40));
    assert.equal(encodeForm(parseForm(b)), b);
  }
  assert.equal(hashValues([], '0123456789').slice(0, 8), 'BB96C2FC');
  assert.equal(hashValues(['value2', 'value1', 'value3'], '0123456789').slice(0, 8), 'D7B2E3E6');
});

const pairs = (o: Array<[string, string]>): Pair[] => o;
const E1: Pair[] = pairs([
  ['id', '1201'],
  ['reference', 'INV-0001'],
  ['amount', '10.50'],
  ['additionalinfo', 'Bananas, Apples'],
  ['returnurl', 'http://127.0.0.1:5000/return?ref=INV-0001'],
  ['resulturl', 'http://127.0.0.1:5000/result?ref=INV-0001'],
  ['authemail', 'merchant@example.com'],
  ['status', 'Message'],
]);

test('(d) the new vectors: E1, E2, responses, status update, trace, UTF-8 and leading zeros', () => {
  const hash = (p: Pair[]) => hashValues(valuesToHash(p), DOCS_KEY);
  assert.equal(hash(E1), '8C4874A078F722FC9B368B081DED48E3B096063DE6F1DFC0C7AE7F84F7822517AE26F8A618BFE07DED70FFB179718C15AAA7EF44A4032FB737235ED4D6892C03');
  const e1Body = 'id=1201&reference=INV-0001&amount=10.50&additionalinfo=Bananas%2C+Apples&returnurl=http%3A%2F%2F127.0.0.1%3A5000%2Freturn%3Fref%3DINV-0001&resulturl=http%3A%2F%2F127.0.0.1%3A5000%2Fresult%3Fref%3DINV-0001&authemail=merchant%40example.com&status=Message&hash=8C4874A078F722FC9B368B081DED48E3B096063DE6F1DFC0C7AE7F84F7822517AE26F8A618BFE07DED70FFB179718C15AAA7EF44A4032FB737235ED4D6892C03';
  assert.equal(checkHash(parseForm(e1Body), [DOCS_KEY]).ok, true);
  const e2 = [...E1.slice(0, 7), ['phone', '0771111111'], ['method', 'ecocash'], E1[7]] as Pair[];
  assert.equal(hash(e2), '2F9ED2FF39A062C5F1B9F415828E42D3F82A88718A54C8FBA389A495E2338B2776412E073A7E5821A8CCE353CBB3FC3AB611AB7EA73BB1AD5C66A4CFE581A576');
  const poll = 'http://127.0.0.1:5000/Interface/CheckPayment/?guid=5b1c4a39-8f0e-4d7e-9a4c-2f9f0d6c1a11';
  const e1Response = signPairs([['status', 'Ok'], ['browserurl', 'http://127.0.0.1:5000/Payment/ConfirmPayment/1001/merchant@example.com//'], ['pollurl', poll], ['paynowreference', '1001']], DOCS_KEY);
  assert.equal(e1Response.at(-1)?.[1], '011A501260BE7E2455EC540BA081ED9A9BE28E0C12B8C5B1001503C53117872CBCC9F22CD4CF4EA44547B48981E1671C0A6D804B5E5CAE9237E205B6AE03DF47');
  assert.equal(hash([['reference', 'INV-0001'], ['paynowreference', '1001'], ['amount', '10.50'], ['status', 'Paid'], ['pollurl', poll]]), 'E1F0AFA29F7DA295DCDE6EEF89E856899F4953476472146E1DAE582DAAB0B75D5D4E745FCC52445FF16870EE4B9DDB0CA1444D4B4984BBBAFF0C0A53A36CA3BB');
  assert.equal(hash([['id', '1201'], ['merchanttrace', 'TRACE-0001'], ['status', 'Message']]), 'BC93A4427946EAB96C6B845DC222FB9B1DCF30A9B6EE57C5499DB070674A6D710270E7173A8439C1676DD1159DC90D5B4D624D75F11A6094DFCCCF59BBAC0EE3');
  assert.equal(hashValues(['1201', 'Café', '1.00', 'Message'], DOCS_KEY), '805E42051BC47945EFB1BE23E2B544436AEF720E2483CCD63C25EF00019B98ED437CF4B4F6C20DF5DC4752190C06258E9E83ABBD449FF9317C2F4F66BC6F9297');
  const lz = hash([['id', '1201'], ['reference', 'LZ-9'], ['amount', '1.00'], ['status', 'Message']]);
  assert.equal(lz, '0C933EA154331B4FC08012AEAB3B3C745BED63B5CCAA6B13EF404B2869D843DDADCAE9C689CE4FD47BF153153D8C2974E54E3B5607E288B953C1CD26A53207ED');
  assert.equal(lz.length, 128);
});

test('hash is excluded wherever it stands; trimmed values and lower-case hashes are accepted; anything else is not', () => {
  const signed = signPairs(E1, DOCS_KEY);
  const h = signed.at(-1) as Pair;
  const javaOrder = [...E1.slice(0, 7), h, E1[7]] as Pair[];
  assert.equal(checkHash(javaOrder, [DOCS_KEY]).ok, true, 'hash before status (Java)');
  assert.equal(checkHash([...E1, ['hash', h[1].toLowerCase()]], [DOCS_KEY]).ok, true, 'lower-case hash');
  const padded = E1.map(([k, v]) => [k, k === 'reference' ? ` ${v} ` : v]) as Pair[];
  assert.equal(checkHash([...padded, ['hash', h[1]]], [DOCS_KEY]).ok, true, 'trimmed concatenation');
  assert.equal(checkHash([...E1, ['hash', h[1]]], ['00000000-0000-0000-0000-000000000000', DOCS_KEY]).ok, true, 'second key in a grace period');
  assert.equal(checkHash([...E1.slice(1), ['hash', h[1]]], [DOCS_KEY]).ok, false, 'a missing pair');
  assert.equal(checkHash([...E1], [DOCS_KEY]).ok, false, 'no hash');
  assert.equal(checkHash([...E1, ['hash', `${h[1]}00`]], [DOCS_KEY]).ok, false, 'too long');
  assert.equal(checkHash([...E1, ['hash', h[1]]], [DOCS_KEY.toUpperCase()]).ok, true, 'the key is used lower-case');
});
