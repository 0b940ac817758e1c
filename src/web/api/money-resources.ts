import { z } from 'zod';
import { ACCOUNT_KINDS, TRANSACTION_KINDS } from '../../core/ledger.js';
import type { Balance } from '../../services/money/balances.js';
import type { FeeScheduleEntry } from '../../services/money/fees.js';
import type { PayoutSchedule } from '../../services/money/payout-schedule.js';
import type { Payout } from '../../services/money/reports.js';
import type { VerifyReport } from '../../services/money/verify.js';
import type { LedgerEntry } from '../../store/repos/ledger.js';
import { currency, id, instant, instantOrNull, minor } from './shapes.js';

/**
 * The money resources of the management API, each a schema and the mapping from the services' record
 * to it. The routes answer them and the CLI's --json prints them (through `serialize`), so both agree.
 */

const mode = z.enum(['test', 'live']);
export const PAYOUT_STATUSES = ['pending', 'in_transit', 'paid', 'failed'] as const;

export const balance = z
  .object({
    mode,
    currency,
    available: minor('Can be paid out or refunded now', 9000),
    pending: minor('Received, waiting for the settlement delay or an escrow release', 0),
    inTransit: minor('On its way to the payout account', 0),
    fees: minor('Fees taken so far', 250),
  })
  .meta({ id: 'Balance', description: "An integration's money in one mode and currency" });
export const balanceList = z.object({ data: z.array(balance) });
export const balanceView = (b: Balance) => ({ mode: b.mode, currency: b.currency, available: b.availableMinor, pending: b.pendingMinor, inTransit: b.inTransitMinor, fees: b.feesMinor });

export const ledgerEntry = z
  .object({
    transactionId: z.string().meta({ description: 'The ledger transaction; its postings sum to zero', example: 'ltx_0mi8z1k2a3b4c5d6e7f8g9h' }),
    seq: z.number().int().meta({ description: 'The posting’s place in its transaction', example: 1 }),
    kind: z.enum(TRANSACTION_KINDS).meta({ description: 'What moved the money', example: 'payment' }),
    refId: z.string().meta({ description: 'What it is about: the payment, refund or payout id', example: 'pay_0mi8z1k2a3b4c5d6e7f8g9h' }),
    account: z.enum(ACCOUNT_KINDS).meta({ description: 'Which balance it moved', example: 'available' }),
    accountId: z.string().meta({ description: 'The full account id (integration, mode, currency, kind)' }),
    mode,
    currency,
    amount: minor('Signed: positive adds to the account, negative takes from it', 10_000),
    createdAt: instant('When it was posted'),
  })
  .meta({ id: 'LedgerEntry' });
export const entryView = (e: LedgerEntry) => ({
  transactionId: e.transactionId,
  seq: e.seq,
  kind: e.kind as (typeof TRANSACTION_KINDS)[number],
  refId: e.refId,
  account: e.accountId.split(':')[4] as (typeof ACCOUNT_KINDS)[number],
  accountId: e.accountId,
  mode: e.mode,
  currency: e.currency,
  amount: e.amountMinor,
  createdAt: e.createdAt,
});

export const payout = z
  .object({
    id: id('po', 'Payout'),
    integrationId: id('int', 'Integration'),
    mode,
    status: z.enum(PAYOUT_STATUSES).meta({ description: 'pending → in_transit → paid, or failed (its money returns to available)', example: 'paid' }),
    amount: minor('Paid out', 9000),
    currency,
    destination: z.string().nullable().meta({ description: 'The payout account, masked; null when no schedule named one', example: 'bank ****6789' }),
    createdAt: instant('When the payout was started'),
    updatedAt: instantOrNull('When its status last changed'),
  })
  .meta({ id: 'Payout' });
export const payoutView = (p: Payout) => ({ id: p.id, integrationId: p.integrationId, mode: p.mode, status: p.status, amount: p.amountMinor, currency: p.currency, destination: p.destination, createdAt: p.createdAt, updatedAt: p.updatedAt });
/** The answer of marking a payout paid or failed. */
export const markedPayout = z.object({ payout });

const settled = z
  .object({
    paymentId: id('pay', 'Payment'),
    amount: minor('What it brought to the available balance', 5750),
    currency,
    released: z.boolean().meta({ description: 'The payout failed: the next payout settles this payment' }),
  })
  .meta({ id: 'SettledPayment' });
export const payoutDetailView = payout.extend({ payments: z.array(settled).meta({ description: 'The payments this payout settles' }) }).meta({ id: 'PayoutDetail' });

const ruleAmount = (what: string, example: number) =>
  z.number().int().meta({ description: `${what}, in minor units of the rule's currency; for currency *, of the payment's currency`, example });
export const feeRule = z
  .object({
    method: z.string().meta({ description: 'The payment method', example: 'card' }),
    currency: z.string().meta({ description: 'A currency code, or * for any currency the method is paid in', example: '*' }),
    percentBps: z.number().int().meta({ description: 'Basis points of the amount (100 = 1 %), rounded half up', example: 250 }),
    fixed: ruleAmount('Added to the percentage', 30),
    minimum: ruleAmount('The smallest fee', 50).nullable().meta({ description: "The smallest fee, or null for none; in minor units of the rule's currency (for *, of the payment's currency)", example: 50 }),
    maximum: ruleAmount('The largest fee', 5000).nullable().meta({ description: "The largest fee, or null for none; in minor units of the rule's currency (for *, of the payment's currency)", example: null }),
  })
  .meta({
    id: 'FeeRule',
    description: "A method's fee in a currency: percentBps of the amount plus fixed, within minimum and maximum. A rule for * applies in every currency without its own rule, its amounts then in that payment's minor units (e.g. fixed 30 is 0.30 USD on a USD payment, 30 XOF on an XOF one).",
    example: { method: 'card', currency: '*', percentBps: 250, fixed: 30, minimum: 50, maximum: null },
  });
export const feeRuleList = z.object({ data: z.array(feeRule) });
/** The CLI's `fees show`: the rule each method takes, set by the operator or the documented default. */
export const effectiveFeeList = z.object({ data: z.array(feeRule.extend({ source: z.enum(['operator', 'default']) })) });
export const feeRuleView = <T extends FeeScheduleEntry>({ fixedMinor, minMinor, maxMinor, ...rest }: T) => ({ ...rest, fixed: fixedMinor, minimum: minMinor ?? null, maximum: maxMinor ?? null });

const line = (max: number) => z.string().min(1).max(max);

/** Where payouts go: as the merchant sets it, and as the schedule shows it. */
export const payoutAccount = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('bank'),
      bankName: line(100),
      accountName: line(100),
      accountNumber: line(42).describe('an IBAN (its check digits are verified) or 6 to 34 letters and digits; spaces are ignored'),
      swift: z.string().max(11).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('mobile_money'),
      provider: line(50).describe('the mobile-money operator, lower case (ecocash, orange-money-senegal, …)'),
      phone: line(20).describe('international format: + then 8 to 15 digits'),
      accountName: line(100),
    })
    .strict(),
]);

/** A minimum payout in one currency. */
export const payoutMinimum = z.object({ currency: z.string().describe('three-letter currency code'), amount: z.number().int().describe('in minor units') }).strict();

export const payoutSettings = z
  .object({
    frequency: z.enum(['immediate', 'daily']),
    minimums: z.array(payoutMinimum).describe('per currency: a balance below its minimum waits (100 minor units where none is set)'),
    account: payoutAccount,
    nextRunAt: z.string().nullable().describe("a daily schedule's next run (00:00 UTC, ISO 8601); null for immediate"),
    updatedAt: z.string().describe('when the schedule was last set (ISO 8601)'),
  })
  .meta({ id: 'PayoutSettings', description: 'The payout schedule: how often, from what amount per currency, to which account' });
export const payoutSettingsView = (s: PayoutSchedule) => ({
  frequency: s.frequency,
  minimums: s.minimums.map((m) => ({ currency: m.currency, amount: m.amountMinor })),
  account: s.account,
  nextRunAt: s.nextRunAt === null ? null : new Date(s.nextRunAt).toISOString(),
  updatedAt: new Date(s.updatedAt).toISOString(),
});

/** `tollgate ledger verify --json` (no route answers it): the report in the API's money shape. */
export const verifyReport = z.object({
  accountsChecked: z.number().int(),
  mismatches: z.array(z.object({ accountId: z.string(), currency, balance: minor('The running total kept', 5).nullable(), replayed: minor('The sum of its postings', 0) })),
  unbalancedTransactions: z.array(z.string()),
  unbalancedCurrencies: z.array(z.object({ currency, total: minor('The sum across all accounts', 5) })),
  ok: z.boolean(),
});
export const verifyReportView = (r: VerifyReport) => ({
  accountsChecked: r.accountsChecked,
  mismatches: r.mismatches.map((m) => ({ accountId: m.accountId, currency: m.accountId.split(':')[3] ?? '', balance: m.balanceMinor, replayed: m.replayedMinor })),
  unbalancedTransactions: r.unbalancedTransactions,
  unbalancedCurrencies: r.unbalancedCurrencies.map((c) => ({ currency: c.currency, total: c.totalMinor })),
  ok: r.ok,
});
