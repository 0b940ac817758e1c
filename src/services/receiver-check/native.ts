import { standardWebhookSignature } from '../notify/native.js';
import type { ReceiverWire } from './battery.js';

/** Tollgate's own webhook (Standard Webhooks) for the receiver check, signed with the `whsec_` secret. */
export function nativeReceiverWire(secret: string): ReceiverWire {
  const bytes = (s: string) => Buffer.from(s.replace(/^whsec_/, ''), 'base64');
  let n = 0;
  return {
    dialect: 'native',
    signsTime: true,
    build(spec) {
      const id = `msg_check_${spec.reference}_${spec.state}`;
      n += 1;
      const body = JSON.stringify({
        type: `payment.${spec.state}`,
        id,
        payment: { id: spec.reference, state: spec.state, version: spec.state === 'paid' ? 3 : 2, amount: { minor: spec.amountMinor, currency: 'USD', decimal: (spec.amountMinor / 100).toFixed(2) }, reference: spec.reference, mode: 'test', changedAt: new Date(spec.at).toISOString() },
      });
      const timestamp = Math.floor(spec.at / 1000).toString();
      const key = spec.badSignature ? Buffer.from(`wrong key ${n}`) : bytes(secret);
      return { headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${standardWebhookSignature(key, id, timestamp, body)}` }, body };
    },
  };
}
