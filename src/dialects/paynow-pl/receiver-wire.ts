import type { ReceiverWire } from '../../services/receiver-check/battery.js';
import { bodySignature } from './signature.js';
import { modifiedAt } from './wire.js';

/** Paynow.pl's notification (spec §7) for the receiver check, signed with the Signature-Key `key`. */
export function plReceiverWire(key: string): ReceiverWire {
  return {
    dialect: 'paynow-pl',
    signsTime: false,
    build(n) {
      const body = JSON.stringify({ paymentId: `CHK-${n.reference.slice(-8).toUpperCase()}`, externalId: n.reference, status: n.state === 'paid' ? 'CONFIRMED' : 'PENDING', modifiedAt: modifiedAt(n.at) });
      return { headers: { 'content-type': 'application/json', Signature: bodySignature(n.badSignature ? `not-${key}` : key, body) }, body };
    },
  };
}
