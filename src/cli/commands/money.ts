import { asId, isId } from '../../core/ids.js';
import type { Command } from 'commander';
import { TollgateError } from '../../core/errors.js';
import { integrationBalances } from '../../services/money/balances.js';
import { ANY_CURRENCY, effectiveFees, type FeeScheduleEntry, setFeeRule } from '../../services/money/fees.js';
import type { PaymentMethod } from '../../core/payment-methods.js';
import { exportPayouts, runPayouts } from '../../services/money/payout-run.js';
import { allPayouts, markPayout } from '../../services/money/reports.js';
import { verifyLedger } from '../../services/money/verify.js';
import type { PayoutStatus } from '../../services/money/reports.js';
import { type CliIo, globalOptions, merchantIdByEmail, print, withServices } from '../context.js';
import { balanceList, balanceView, effectiveFeeList, feeRuleList, feeRuleView, markedPayout, payout, payoutSettings, payoutSettingsView, payoutView, verifyReport, verifyReportView } from '../../web/api/money-resources.js';
import { page, serialize } from '../../web/api/shapes.js';
import { getPayoutSchedule, type PayoutAccount, type PayoutSchedule, removePayoutSchedule, setPayoutSchedule } from '../../services/money/payout-schedule.js';

export function registerMoneyCommands(program: Command, io: CliIo): void {
  program
    .command('balance')
    .description("an integration's balances per mode and currency (available, pending, in transit, fees)")
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .action(async (o: { integration: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      // Text that is no integration id has moved no money, as an unknown id has not.
      const balances = await withServices(io, opts, async (deps) => (isId('integration', o.integration) ? integrationBalances(deps, o.integration) : []));
      print(io, opts, serialize(balanceList, { data: balances.map(balanceView) }), () =>
        balances.length === 0
          ? ['no money has moved on this integration']
          : balances.map((b) => `${b.mode} ${b.currency}: available ${b.availableMinor}, pending ${b.pendingMinor}, in transit ${b.inTransitMinor}, fees ${b.feesMinor}`),
      );
    });

  const fees = program.command('fees').description("the operator's fee schedule, per payment method and currency");
  fees
    .command('show')
    .description('the fee each payment method takes, set by the operator or the documented default')
    .option('--currency <code>', 'the rules that apply in this currency (default: the rules for any currency)')
    .action(async (o: { currency?: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const list = await withServices(io, opts, (deps) => effectiveFees(deps.store.db, o.currency ?? ANY_CURRENCY));
      print(io, opts, serialize(effectiveFeeList, { data: list.map(feeRuleView) }), () => list.map((f) => `${f.method.padEnd(13)} ${f.currency.padEnd(3)} ${describeFee(f)}  (${f.source})`));
    });
  fees
    .command('set')
    .description("set a method's fee in a currency (or * for any): basis points of the amount, rounded half up, plus a fixed part, within an optional minimum and maximum")
    .requiredOption('--method <m>', 'payment method (card, ecocash, blik, …)')
    .requiredOption('--currency <code>', 'currency code, or * for any currency')
    .requiredOption('--percent-bps <n>', 'hundredths of a percent: 250 is 2.5 %')
    .option('--fixed <minor>', 'a fixed part in minor units', '0')
    .option('--min <minor>', 'the smallest fee, in minor units')
    .option('--max <minor>', 'the largest fee, in minor units')
    .action(async (o: { method: string; currency: string; percentBps: string; fixed: string; min?: string; max?: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const n = (flag: string, v: string) => {
        if (!/^\d+$/.test(v)) throw new TollgateError('validation', `${flag} must be a whole, non-negative number`);
        return Number(v);
      };
      const entry: FeeScheduleEntry = {
        method: o.method as PaymentMethod,
        currency: o.currency,
        percentBps: n('--percent-bps', o.percentBps),
        fixedMinor: n('--fixed', o.fixed),
        minMinor: o.min === undefined ? null : n('--min', o.min),
        maxMinor: o.max === undefined ? null : n('--max', o.max),
      };
      const schedule = await withServices(io, opts, (deps) => setFeeRule(deps.store.db, entry));
      print(io, opts, serialize(feeRuleList, { data: schedule.map(feeRuleView) }), () => [`${entry.method} ${entry.currency}: ${describeFee(entry)}`]);
    });

  const ledger = program.command('ledger').description('the double-entry ledger');
  ledger
    .command('verify')
    .description('replay every entry against every balance; exits non-zero on any mismatch')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const report = await withServices(io, opts, (deps) => verifyLedger(deps));
      const problems = report.mismatches.length + report.unbalancedTransactions.length + report.unbalancedCurrencies.length;
      print(io, opts, serialize(verifyReport, verifyReportView(report)), () => [
        `${report.accountsChecked} accounts checked, ${report.mismatches.length} mismatches`,
        ...report.mismatches.map((m) => `mismatch ${m.accountId}: balance ${m.balanceMinor ?? 'missing'}, entries ${m.replayedMinor}`),
        ...report.unbalancedTransactions.map((t) => `transaction ${t} does not sum to zero`),
        ...report.unbalancedCurrencies.map((c) => `${c.currency} sums to ${c.totalMinor} across all accounts`),
      ]);
      if (problems > 0) throw new TollgateError('internal', `ledger verify found ${problems} problem(s)`);
    });
}

/** `payouts list` prints every payout as the API's one page: the same shape, no next page. */
const payoutPage = page(payout, 'Payouts');

export function registerPayoutCommands(program: Command, io: CliIo): void {
  const payouts = program.command('payouts').description('payouts to merchants');
  payouts
    .command('list')
    .description('payouts, oldest first')
    .option('--status <s>', 'pending, in_transit, paid or failed')
    .option('--integration <id>', 'only this integration')
    .action(async (o: { status?: string; integration?: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      if (o.status && !['pending', 'in_transit', 'paid', 'failed'].includes(o.status)) throw new TollgateError('validation', '--status must be pending, in_transit, paid or failed');
      const only = o.integration || undefined;
      // Text that is no integration id matches no payout, as an unknown id does.
      const list = await withServices(io, opts, async (deps) => (only !== undefined && !isId('integration', only) ? [] : allPayouts(deps, { ...(o.status && { status: o.status as PayoutStatus }), ...(only && { integrationId: only }) })));
      print(io, opts, serialize(payoutPage, { data: list.map(payoutView), nextCursor: null }), () => (list.length === 0 ? ['no payouts'] : list.map((p) => `${p.id}  ${p.integrationId}  ${p.mode}  ${p.amountMinor} ${p.currency}  ${p.status}`)));
    });
  payouts
    .command('schedule')
    .description("show or set a merchant's payout schedule: immediately or daily, minimums per currency, the payout account")
    .requiredOption('--merchant <email>', "the merchant's login email")
    .option('--frequency <f>', 'immediate or daily (00:00 UTC)')
    .option('--minimum <CUR=minor>', 'a minimum per currency in minor units, e.g. XOF=5000 (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--bank-name <name>', 'payout to a bank account: the bank')
    .option('--account-number <n>', 'the bank account number or IBAN')
    .option('--swift <bic>', 'the bank SWIFT/BIC code')
    .option('--mobile-provider <p>', 'payout to mobile money: the operator (ecocash, orange-money-senegal, …)')
    .option('--phone <e164>', 'the mobile-money number, +… international format')
    .option('--account-name <name>', 'whose account it is')
    .option('--remove', 'remove the schedule (balances then wait for `payouts run`)')
    .action(async (o: ScheduleOptions, cmd: Command) => {
      const opts = globalOptions(cmd);
      const s = await withServices(io, opts, async (deps) => {
        const merchantId = await merchantIdByEmail(deps, o.merchant);
        if (o.remove) return removePayoutSchedule(deps, merchantId).then(() => null);
        if (!o.frequency) return getPayoutSchedule(deps, merchantId);
        return setPayoutSchedule(deps, merchantId, scheduleInput(o));
      });
      print(io, opts, s && serialize(payoutSettings, payoutSettingsView(s)), () => (s ? describeSchedule(s) : [o.remove ? 'payout schedule removed' : 'no payout schedule: balances wait for `payouts run`']));
    });
  payouts
    .command('run')
    .description('pay out every available balance (test payouts complete at once; live ones wait for export)')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const r = await withServices(io, opts, (deps) => runPayouts(deps));
      print(io, opts, r, () => [`${r.started} payouts started, ${r.skipped} balances left for the next run`]);
    });
  payouts
    .command('export')
    .description("write the live payouts waiting for the bank as CSV (one line per payout, totals per currency); they become in transit")
    .action(async (_o: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const r = await withServices(io, opts, (deps) => exportPayouts(deps));
      if (opts.json) print(io, opts, r, () => []);
      else io.out(r.csv.trimEnd());
    });
  payouts
    .command('mark')
    .description('mark a payout paid or failed (a failed payout returns its money to available)')
    .requiredOption('--payout <id>', 'payout id (po_…)')
    .requiredOption('--status <s>', 'paid or failed')
    .action(async (o: { payout: string; status: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      if (o.status !== 'paid' && o.status !== 'failed') throw new TollgateError('validation', '--status must be paid or failed');
      const p = await withServices(io, opts, (deps) => markPayout(deps, asId('payout', o.payout), o.status as 'paid' | 'failed'));
      print(io, opts, serialize(markedPayout, { payout: payoutView(p) }), () => [`${p.id} ${p.status}`]);
    });
}

interface ScheduleOptions {
  merchant: string;
  frequency?: string;
  minimum: string[];
  bankName?: string;
  accountNumber?: string;
  swift?: string;
  mobileProvider?: string;
  phone?: string;
  accountName?: string;
  remove?: boolean;
}

function scheduleInput(o: ScheduleOptions) {
  if (o.frequency !== 'immediate' && o.frequency !== 'daily') throw new TollgateError('validation', '--frequency must be immediate or daily');
  const minimums = o.minimum.map((m) => {
    const [currency, amount] = m.split('=');
    if (!currency || !amount || !/^\d+$/.test(amount)) throw new TollgateError('validation', `--minimum ${m}: write CUR=minor units, e.g. XOF=5000`);
    return { currency, amountMinor: Number(amount) };
  });
  const accountName = o.accountName ?? '';
  let account: PayoutAccount;
  if (o.mobileProvider !== undefined || o.phone !== undefined) account = { type: 'mobile_money', provider: o.mobileProvider ?? '', phone: o.phone ?? '', accountName };
  else if (o.accountNumber !== undefined) account = { type: 'bank', bankName: o.bankName ?? '', accountName, accountNumber: o.accountNumber, ...(o.swift && { swift: o.swift }) };
  else throw new TollgateError('validation', 'a payout account is needed: --account-number with --bank-name, or --phone with --mobile-provider; and --account-name');
  return { frequency: o.frequency, minimums, account } as const;
}

function describeSchedule(s: PayoutSchedule): string[] {
  const a = s.account;
  return [
    `${s.frequency === 'daily' ? 'daily at 00:00 UTC' : 'immediately'}${s.nextRunAt ? `, next ${new Date(s.nextRunAt).toISOString()}` : ''}`,
    `minimums: ${s.minimums.length === 0 ? 'default (100 minor units)' : s.minimums.map((m) => `${m.currency} ${m.amountMinor}`).join(', ')}`,
    a.type === 'bank' ? `to bank ${a.bankName}, ${a.accountName}, ${a.accountNumber}${a.swift ? ` (${a.swift})` : ''}` : `to mobile money ${a.provider}, ${a.accountName}, ${a.phone}`,
  ];
}

function describeFee(f: Pick<FeeScheduleEntry, 'percentBps' | 'fixedMinor' | 'minMinor' | 'maxMinor'>): string {
  const pct = `${Math.floor(f.percentBps / 100)}.${String(f.percentBps % 100).padStart(2, '0')} %`;
  return [`${pct} + ${f.fixedMinor}`, f.minMinor != null ? `min ${f.minMinor}` : '', f.maxMinor != null ? `max ${f.maxMinor}` : ''].filter(Boolean).join(', ');
}
