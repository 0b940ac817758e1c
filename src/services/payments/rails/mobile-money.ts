import { randomInt } from 'node:crypto';
import { own } from '../../../core/lookup.js';
import { checkoutPath } from '../queries.js';
import { type Rail, type RailOutcome, type RailTimer, refuse } from './rail.js';

/**
 * Paynow Zimbabwe's test phones (spec paynow-zw §7): 0771111111 paid after 5 s, 0772222222 paid after
 * 30 s, 0773333333 failed after 30 s, 0774444444 refused at once with "Insufficient balance".
 */
export const TEST_PHONES: Record<string, RailTimer | 'insufficient'> = {
  '0771111111': { afterMs: 5_000, to: 'paid' },
  '0772222222': { afterMs: 30_000, to: 'paid' },
  '0773333333': { afterMs: 30_000, to: 'failed', failureCode: 'cancelled_by_customer', failureMessage: 'The customer cancelled the payment on their phone' },
  '0774444444': 'insufficient',
};

/** Local form 07XXXXXXXX from 07…, 7…, 2637… or +2637… (spaces and dashes ignored); undefined when it is not a Zimbabwean mobile number. */
export function normalisePhone(raw: string): string | undefined {
  const digits = raw.replace(/[\s-]/g, '');
  const m = /^(?:\+?263|0)?(7\d{8})$/.exec(digits);
  return m ? `0${m[1]}` : undefined;
}

function fromPhone(phone: string | undefined, method: string): RailOutcome | { timer: RailTimer | undefined } {
  const local = phone === undefined ? undefined : normalisePhone(phone);
  if (local === undefined) return refuse('not_a_test_value', `a valid mobile number is required for ${method}`);
  const behaviour = own(TEST_PHONES, local);
  if (behaviour === undefined) {
    return refuse('not_a_test_value', `test mode: use one of the test numbers 0771111111, 0772222222, 0773333333, 0774444444 (got ${local})`);
  }
  if (behaviour === 'insufficient') return refuse('insufficient_balance', 'Insufficient balance');
  return { timer: behaviour };
}

/**
 * West African mobile money pushed to a phone (PayDunya SOFTPAY and checkout channels). No test numbers
 * are documented; ours: any number pays after 5 s, one ending in 0000 has no account.
 */
export const xofPushRail: Rail = {
  test({ input }) {
    const digits = (input.phone ?? '').replace(/[\s-]/g, '');
    if (!/^\+?\d{8,15}$/.test(digits)) return refuse('not_a_test_value', 'a valid mobile number is required');
    if (digits.endsWith('0000')) return refuse('unknown_customer', "Le compte n'existe pas");
    return {
      kind: 'accepted',
      now: 'pending',
      timers: [{ afterMs: 5_000, to: 'paid' }],
      instructions: 'Confirm the payment on your phone (test mode: it is paid after 5 s).',
      payer: { name: input.payerName ?? '', email: input.payerEmail ?? '', phone: digits },
    };
  },
};

/** EcoCash and OneMoney: a USSD push to the phone; the test phones decide the outcome. */
export const pushRail: Rail = {
  test({ method, input }) {
    const r = fromPhone(input.phone, method);
    if ('kind' in r) return r;
    const dial = method === 'ecocash' ? '*151*2*4#' : '*111#';
    return {
      kind: 'accepted',
      now: 'pending',
      timers: r.timer ? [r.timer] : [],
      instructions: `Dial ${dial} and enter your PIN to approve the payment (test mode: nothing to do, the test number decides).`,
    };
  },
};

/**
 * InnBucks and O'mari answer with an authorization code the customer enters in their app. The specs
 * document no test values for them; a test phone, when given, decides like EcoCash's, otherwise the
 * payment waits for the sandbox controls or the checkout page.
 */
export const codeRail: Rail = {
  test({ method, input, now, payment }) {
    let timers: RailTimer[] = [];
    if (input.phone !== undefined && input.phone !== '') {
      const r = fromPhone(input.phone, method);
      if ('kind' in r) return r;
      timers = r.timer ? [r.timer] : [];
    }
    const code = randomInt(100_000_000, 999_999_999).toString();
    const expiresAt = now + 30 * 60_000;
    return {
      kind: 'accepted',
      now: 'pending',
      timers,
      // No QR image library here: the "QR" link opens the checkout's waiting page, which shows the code.
      authorization: { code, expiresAt, ...(method === 'omari' && { qrUrl: `${checkoutPath(payment, 'status')}&code=${code}` }) },
      instructions: `Enter the code ${code} in your ${method === 'innbucks' ? 'InnBucks' : "O'mari"} app to approve the payment.`,
    };
  },
};
