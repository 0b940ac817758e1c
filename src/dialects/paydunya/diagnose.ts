import type { CredentialSet } from '../../core/credentials.js';
import { type Diagnosis, diagnose, type Hypothesis, maskSecret, type Mistake } from '../../core/diagnosis.js';

/**
 * The usual mistakes behind refused PayDunya keys (spec §2): the master key named the application,
 * but the private key and token were not the pair of the base path's mode. PayDunya signs nothing, so
 * what is compared is the pair itself, `PRIVATE-KEY\nTOKEN`; every value is shown masked.
 */
export interface PdReceived {
  privateKey: string;
  token: string;
  /** The mode the base path selects: /sandbox-api is test, /api live. */
  mode: 'test' | 'live';
}

const pairOf = (privateKey: string, token: string) => `${privateKey}\n${token}`;

function* hypotheses(r: PdReceived, own: CredentialSet, others: readonly CredentialSet[]): Generator<Hypothesis> {
  const mine = own.paydunya[r.mode];
  const other = r.mode === 'test' ? 'live' : 'test';
  const h = (mistake: Mistake, explanation: string, privateKey: string, token: string): Hypothesis => ({
    mistake,
    explanation,
    parts: ['PAYDUNYA-PRIVATE-KEY: ', { secret: privateKey }, '\nPAYDUNYA-TOKEN: ', { secret: token }],
    signature: pairOf(privateKey, token),
  });
  const path = r.mode === 'test' ? '/sandbox-api/v1' : '/api/v1';
  yield h('other-environment', `The ${other} private key and token were sent to the ${r.mode} base path ${path}: use the ${r.mode} keys there, or the other base path.`, own.paydunya[other].privateKey, own.paydunya[other].token);
  yield h('values-reordered', 'The private key and the token were swapped: PAYDUNYA-PRIVATE-KEY takes the private key, PAYDUNYA-TOKEN the token.', mine.token, mine.privateKey);
  yield h('wrong-key', 'The public key was sent as PAYDUNYA-PRIVATE-KEY: the public key is for the browser, the private key for the API.', mine.publicKey, mine.token);
  for (const o of others) {
    for (const env of ['test', 'live'] as const) {
      yield h('other-integration', `The ${env} private key and token of your other application (master key …${o.paydunya.masterKey.slice(-4)}) were sent with this application's master key: use one application's keys together.`, o.paydunya[env].privateKey, o.paydunya[env].token);
    }
  }
  for (const q of ['"', "'"]) {
    yield h('trimming', 'The keys were sent with the quotes around them (copied from an .env file): send the bare key.', `${q}${mine.privateKey}${q}`, `${q}${mine.token}${q}`);
  }
  yield h('encoded-twice', 'The keys were sent Base64-encoded: send them as they were given.', Buffer.from(mine.privateKey).toString('base64'), Buffer.from(mine.token).toString('base64'));
}

/** Why the keys of a PayDunya request were refused, every key shown masked. */
export function diagnosePdKeys(r: PdReceived, own: CredentialSet, others: readonly CredentialSet[]): Diagnosis {
  const mine = own.paydunya[r.mode];
  const d = diagnose(
    { parts: ['PAYDUNYA-PRIVATE-KEY: ', { secret: mine.privateKey }, '\nPAYDUNYA-TOKEN: ', { secret: mine.token }], signature: pairOf(mine.privateKey, mine.token) },
    pairOf(r.privateKey, r.token),
    hypotheses(r, own, others),
    `No usual mistake explains these keys: the private key or token is not this application's current ${r.mode} key (an old key after "Generate New Key", or a mistyped one).`,
  );
  const masked = (pair: string) => pair.split('\n').map(maskSecret).join(' / ');
  return {
    ...d,
    ourSignature: masked(d.ourSignature),
    theirSignature: masked(d.theirSignature),
    firstDifference: d.confirmed ? d.firstDifference : d.firstDifference && { offset: d.firstDifference.offset, ours: '**', theirs: '**' },
  };
}
