import type { ReceiverWire } from '../../services/receiver-check/battery.js';
import { signPairs } from './signature.js';
import { encodeForm } from './wire.js';

/** Paynow Zimbabwe's status update (spec §6.2) for the receiver check, hashed with `key`. */
export function zwReceiverWire(key: string, pollBase: string): ReceiverWire {
  return {
    dialect: 'paynow-zw',
    signsTime: false,
    build(n) {
      const pairs: Array<[string, string]> = [
        ['reference', n.reference],
        ['paynowreference', String(100000 + (n.reference.length * 7919) % 900000)],
        ['amount', (n.amountMinor / 100).toFixed(2)],
        ['status', n.state === 'paid' ? 'Paid' : 'Sent'],
        ['pollurl', `${pollBase}/interface/checkpayment/?guid=${encodeURIComponent(n.reference)}`],
      ];
      const signed = signPairs(pairs, n.badSignature ? '00000000-0000-0000-0000-000000000000' : key.toLowerCase());
      return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: encodeForm(signed) };
    },
  };
}
