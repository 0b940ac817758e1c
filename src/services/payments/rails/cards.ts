import { type Rail, type RailTimer, refuse } from './rail.js';

const ids = (d: string) => `${d.repeat(8)}-${d.repeat(4)}-${d.repeat(4)}-${d.repeat(4)}-${d.repeat(12)}`;

type TokenBehaviour = RailTimer | 'insufficient';
const BY_DIGIT: Record<string, TokenBehaviour> = {
  '1': { afterMs: 5_000, to: 'paid' },
  '2': { afterMs: 30_000, to: 'paid' },
  '3': { afterMs: 30_000, to: 'failed', failureCode: 'declined', failureMessage: 'The card payment failed' },
  '4': 'insufficient',
};

/**
 * Paynow Zimbabwe's saved-card test tokens (spec paynow-zw §7): vmc {11111111-1111-…} with or without
 * braces, zimswitch 32 × '1'; 1 paid after 5 s, 2 paid after 30 s, 3 failed after 30 s, 4 insufficient balance.
 */
export function testTokenBehaviour(method: 'card' | 'zimswitch', token: string): TokenBehaviour | undefined {
  const t = token.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
  for (const [digit, behaviour] of Object.entries(BY_DIGIT)) {
    if (method === 'card' && t === ids(digit)) return behaviour;
    if (method === 'zimswitch' && t === digit.repeat(32)) return behaviour;
  }
  return undefined;
}

/** Seed 001: card 4444 4444 4444 4000 succeeds. */
export const SUCCESS_CARD = '4444444444444000';

/** Card payments: a saved-card token (express) or a card number typed on the checkout page. */
export const cardRail: Rail = {
  test({ method, input }) {
    const m = method === 'zimswitch' ? 'zimswitch' : 'card';
    if (input.token !== undefined && input.token !== '') {
      const b = testTokenBehaviour(m, input.token);
      if (b === undefined) return refuse('not_a_test_value', `test mode: use a test token for ${m === 'card' ? 'vmc' : 'zimswitch'}`);
      if (b === 'insufficient') return refuse('insufficient_balance', 'Insufficient balance');
      return { kind: 'accepted', now: 'pending', timers: [b] };
    }
    const number = (input.cardNumber ?? '').replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(number)) return refuse('card_declined', 'enter a card number');
    if (number !== SUCCESS_CARD) return refuse('card_declined', 'the card was declined (test mode: use 4444 4444 4444 4000)');
    return { kind: 'accepted', now: 'paid', timers: [] };
  },
};
