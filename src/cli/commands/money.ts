import type { Command } from 'commander';
import { TollgateError } from '../../core/errors.js';
import { integrationBalances } from '../../services/money/balances.js';
import { exportPayouts, runPayouts } from '../../services/money/payout-run.js';
import { allPayouts, markPayout } from '../../services/money/reports.js';
import { verifyLedger } from '../../services/money/verify.js';
import type { PayoutStatus } from '../../services/money/reports.js';
import { type CliIo, globalOptions, print, withServices } from '../context.js';

export function registerMoneyCommands(program: Command, io: CliIo): void {
  program
    .command('balance')
    .description("an integration's balances per mode and currency (available, pending, in transit, fees)")
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .action(async (o: { integration: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const balances = await withServices(io, opts, (deps) => integrationBalances(deps, o.integration));
      print(io, opts, { integrationId: o.integration, balances }, () =>
        balances.length === 0
          ? ['no money has moved on this integration']
          : balances.map((b) => `${b.mode} ${b.currency}: available ${b.availableMinor}, pending ${b.pendingMinor}, in transit ${b.inTransitMinor}, fees ${b.feesMinor}`),
      );
    });

  const ledger = program.command('ledger').description('the double-entry ledger');
  ledger
    .command('verify')
    .description('replay every entry against every balance; exits non-zero on any mismatch')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const report = await withServices(io, opts, (deps) => verifyLedger(deps));
      const problems = report.mismatches.length + report.unbalancedTransactions.length + report.unbalancedCurrencies.length;
      print(io, opts, report, () => [
        `${report.accountsChecked} accounts checked, ${report.mismatches.length} mismatches`,
        ...report.mismatches.map((m) => `mismatch ${m.accountId}: balance ${m.balanceMinor ?? 'missing'}, entries ${m.replayedMinor}`),
        ...report.unbalancedTransactions.map((t) => `transaction ${t} does not sum to zero`),
        ...report.unbalancedCurrencies.map((c) => `${c.currency} sums to ${c.totalMinor} across all accounts`),
      ]);
      if (problems > 0) throw new TollgateError('internal', `ledger verify found ${problems} problem(s)`);
    });
}

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
      const list = await withServices(io, opts, (deps) => allPayouts(deps, { ...(o.status && { status: o.status as PayoutStatus }), ...(o.integration && { integrationId: o.integration }) }));
      print(io, opts, { payouts: list }, () => (list.length === 0 ? ['no payouts'] : list.map((p) => `${p.id}  ${p.integrationId}  ${p.mode}  ${p.amountMinor} ${p.currency}  ${p.status}`)));
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
      const p = await withServices(io, opts, (deps) => markPayout(deps, o.payout, o.status as 'paid' | 'failed'));
      print(io, opts, { payout: p }, () => [`${p.id} ${p.status}`]);
    });
}
