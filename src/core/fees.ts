/**
 * A gateway fee, pure and in integers: basis points of the amount (rounded half up) plus a fixed
 * part, then held between an optional minimum and maximum, and never more than the amount itself.
 */
import { TollgateError } from './errors.js';

export interface FeeRule {
  /** Hundredths of a percent: 250 is 2.5 %. */
  percentBps: number;
  fixedMinor: number;
  minMinor?: number | null;
  maxMinor?: number | null;
}

export const NO_FEE: FeeRule = { percentBps: 0, fixedMinor: 0 };

/** The fee on `amountMinor` under `rule`. Half up: 0.5 of a minor unit or more rounds to the next unit. */
export function computeFee(amountMinor: number, rule: FeeRule): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new TollgateError('internal', `a fee on ${amountMinor} minor units`);
  const big = BigInt(amountMinor) * BigInt(rule.percentBps);
  // BigInt: amount × bps may pass 2^53 for a large amount; the quotient then fits again.
  const percent = Number((big + 5_000n) / 10_000n);
  let fee = percent + rule.fixedMinor;
  if (rule.minMinor != null && fee < rule.minMinor) fee = rule.minMinor;
  if (rule.maxMinor != null && fee > rule.maxMinor) fee = rule.maxMinor;
  return Math.min(fee, amountMinor);
}

/** An operator's rule is sane: whole non-negative numbers, at most 100 %, a minimum not above the maximum. */
export function checkFeeRule(rule: FeeRule): string | undefined {
  const parts = [rule.percentBps, rule.fixedMinor, rule.minMinor ?? 0, rule.maxMinor ?? 0];
  if (!parts.every((n) => Number.isSafeInteger(n) && n >= 0)) return 'fee parts are whole non-negative numbers of basis points or minor units';
  if (rule.percentBps > 10_000) return 'a percentage above 100 % (10000 basis points)';
  if (rule.minMinor != null && rule.maxMinor != null && rule.minMinor > rule.maxMinor) return 'the minimum is above the maximum';
  return undefined;
}

/** What the merchant receives and what the customer pays, given who pays the fee. */
export function feeSplit(amountMinor: number, feeMinor: number, paidBy: 'merchant' | 'customer'): { netMinor: number; grossMinor: number } {
  return paidBy === 'merchant' ? { netMinor: amountMinor - feeMinor, grossMinor: amountMinor } : { netMinor: amountMinor, grossMinor: amountMinor + feeMinor };
}
