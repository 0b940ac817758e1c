import type { Command } from 'commander';
import { TollgateError } from '../../core/errors.js';
import { integrationBalances } from '../../services/money/balances.js';
import { verifyLedger } from '../../services/money/verify.js';
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
