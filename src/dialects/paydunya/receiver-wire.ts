import type { ReceiverWire } from '../../services/receiver-check/battery.js';
import { masterKeyHash } from './notify.js';
import { buildQuery } from './wire.js';

/** PayDunya's IPN (spec §3.6) for the receiver check: `data[hash]` is the SHA-512 of the master key `key`. */
export function pdReceiverWire(key: string): ReceiverWire {
  return {
    dialect: 'paydunya',
    signsTime: false,
    build(n) {
      const data = {
        response_code: '00',
        response_text: 'Transaction Found',
        hash: masterKeyHash(n.badSignature ? `not-${key}` : key),
        invoice: { token: `test_${n.reference}`, total_amount: n.amountMinor, description: 'Receiver check' },
        custom_data: { reference: n.reference },
        mode: 'test',
        status: n.state === 'paid' ? 'completed' : 'pending',
        fail_reason: '',
        customer: {},
      };
      return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: buildQuery({ data }) };
    },
  };
}
