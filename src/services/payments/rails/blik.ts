import { own } from '../../../core/lookup.js';
import { type Rail, type RailOutcome, refuse } from './rail.js';

/**
 * Seed 001's BLIK codes, exactly: 111111 succeeds; 222222 stays PENDING; 333333/333334/333335 fail
 * authorization (wrong, expired, already used code); 333336 fails for another reason; 444444 stays NEW
 * for 20 s, then becomes ERROR. Decision (spec UNCERTAIN): 333333-333335 refuse at once (the
 * AUTHORIZATION_CODE_* errors), 333336 is accepted and then rejected; other codes are "wrong code".
 */
export const BLIK_CODES: Record<string, RailOutcome> = {
  '111111': { kind: 'accepted', now: 'pending', timers: [{ afterMs: 500, to: 'paid' }] },
  '222222': { kind: 'accepted', now: 'pending', timers: [] },
  '333333': refuse('authorization_code_invalid', 'the BLIK code is wrong'),
  '333334': refuse('authorization_code_expired', 'the BLIK code has expired'),
  '333335': refuse('authorization_code_used', 'the BLIK code was already used'),
  '333336': { kind: 'accepted', now: 'pending', timers: [{ afterMs: 500, to: 'failed', failureCode: 'rejected', failureMessage: 'The BLIK payment was rejected' }] },
  '444444': { kind: 'accepted', now: 'created', timers: [{ afterMs: 20_000, to: 'failed', failureCode: 'error', failureMessage: 'The BLIK payment timed out' }] },
};

export const blikRail: Rail = {
  test({ input }) {
    const code = (input.code ?? '').trim();
    if (!/^\d{6}$/.test(code)) return refuse('authorization_code_invalid', 'a BLIK code has 6 digits');
    return own(BLIK_CODES, code) ?? refuse('authorization_code_invalid', 'the BLIK code is wrong (test mode: use 111111, 222222, 333333-333336 or 444444)');
  },
};
