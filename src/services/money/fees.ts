/**
 * The gateway's fees: the operator's schedule (a rule per payment method and currency, kept in meta
 * as JSON: no table for a handful of rows) over documented defaults, and the one function that
 * decides a payment's fee, `feeFor`, called when the customer chooses a method.
 */
import { TollgateError } from '../../core/errors.js';
import { checkFeeRule, computeFee, type FeeRule } from '../../core/fees.js';
import { isCurrency } from '../../core/money.js';
import { isPaymentMethod, PAYMENT_METHODS, type PaymentMethod } from '../../core/payment-methods.js';
import { getMeta, putMeta } from '../../store/repos/meta.js';
import type { Db } from '../../store/schema.js';

const KEY = 'fee_schedule';

/** Any currency: a rule for a method whatever the currency, unless one for the currency is set. */
export const ANY_CURRENCY = '*';

/**
 * Cards 2.5 %, every other method 1.5 %, in test mode as in live so the fee is seen before going live;
 * none on the sandbox's wallet, a move between balances the gateway itself keeps.
 */
export function defaultFeeRule(method: PaymentMethod): FeeRule {
  return { percentBps: method === 'card' ? 250 : method === 'wallet' ? 0 : 150, fixedMinor: 0 };
}

export interface FeeScheduleEntry extends FeeRule {
  method: PaymentMethod;
  currency: string;
}

export async function feeSchedule(db: Db): Promise<FeeScheduleEntry[]> {
  const raw = await getMeta(db, KEY);
  return raw ? (JSON.parse(raw) as FeeScheduleEntry[]) : [];
}

/** The operator sets (or replaces) the rule of a method and currency. */
export async function setFeeRule(db: Db, entry: FeeScheduleEntry): Promise<FeeScheduleEntry[]> {
  if (!isPaymentMethod(entry.method)) throw new TollgateError('validation', `no payment method ${entry.method}: one of ${PAYMENT_METHODS.join(', ')}`, [{ path: 'method', message: 'unknown payment method' }]);
  if (entry.currency !== ANY_CURRENCY && !isCurrency(entry.currency)) throw new TollgateError('validation', `no currency ${entry.currency}: a supported currency code, or * for any`, [{ path: 'currency', message: 'unknown currency' }]);
  const bad = checkFeeRule(entry);
  if (bad) throw new TollgateError('validation', bad);
  const rule: FeeScheduleEntry = { method: entry.method, currency: entry.currency, percentBps: entry.percentBps, fixedMinor: entry.fixedMinor, minMinor: entry.minMinor ?? null, maxMinor: entry.maxMinor ?? null };
  const rest = (await feeSchedule(db)).filter((e) => !(e.method === rule.method && e.currency === rule.currency));
  const next = [...rest, rule].sort((a, b) => (a.method + a.currency < b.method + b.currency ? -1 : 1));
  await putMeta(db, KEY, JSON.stringify(next));
  return next;
}

/** The rule for a method and currency: the operator's for that currency, else for any currency, else the default. */
export async function feeRuleFor(db: Db, method: PaymentMethod, currency: string): Promise<FeeRule> {
  const s = await feeSchedule(db);
  return s.find((e) => e.method === method && e.currency === currency) ?? s.find((e) => e.method === method && e.currency === ANY_CURRENCY) ?? defaultFeeRule(method);
}

export interface Fee {
  feeMinor: number;
  feePaidBy: 'merchant' | 'customer';
}

/** A payment's fee: by its method's rule on its amount; the merchant pays it when the integration absorbs fees. */
export async function feeFor(db: Db, integration: { absorbFees: boolean }, payment: { amountMinor: number; currency: string }, method: PaymentMethod): Promise<Fee> {
  return { feeMinor: computeFee(payment.amountMinor, await feeRuleFor(db, method, payment.currency)), feePaidBy: integration.absorbFees ? 'merchant' : 'customer' };
}

/** The rule each method takes in `currency` (or in any currency), and whether the operator set it or it is the default. */
export async function effectiveFees(db: Db, currency: string = ANY_CURRENCY): Promise<(FeeScheduleEntry & { source: 'operator' | 'default' })[]> {
  const s = await feeSchedule(db);
  return PAYMENT_METHODS.map((method) => {
    const set = (currency !== ANY_CURRENCY && s.find((e) => e.method === method && e.currency === currency)) || s.find((e) => e.method === method && e.currency === ANY_CURRENCY);
    return set ? { ...set, source: 'operator' as const } : { method, currency: ANY_CURRENCY, ...defaultFeeRule(method), minMinor: null, maxMinor: null, source: 'default' as const };
  });
}
