import { asId } from '../../core/ids.js';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TollgateError } from '../../core/errors.js';
import { CURRENCIES, type Currency } from '../../core/money.js';
import { createFictitiousCustomer, fictitiousCustomers, reloadFictitiousCustomer } from '../../services/sandbox/controls.js';
import { exportFixture } from '../../services/sandbox/export.js';
import { loadFixture } from '../../services/sandbox/fixtures.js';
import { type CliIo, globalOptions, merchantIdByEmail, print, withServices } from '../context.js';

function wholeNumber(value: string, name: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new TollgateError('validation', `${name} must be a whole number of minor units`);
  return Number(value);
}

export function registerSandboxCommands(program: Command, io: CliIo): void {
  const sandbox = program.command('sandbox').description('test-mode data');
  sandbox
    .command('load')
    .argument('<file>', 'a JSON fixture file')
    .description('import merchants, integrations with chosen credentials, fictitious customers and payments; loading twice changes nothing')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new TollgateError('validation', `cannot read ${file}: ${(err as Error).message}`);
      }
      const report = await withServices(io, opts, (deps) => loadFixture(deps, raw));
      print(io, opts, report, () => [
        `loaded ${file}: ${report.merchants} merchants, ${report.integrations} integrations, ${report.customers} customers, ${report.payments} payments; ${report.unchanged} already there`,
      ]);
    });

  sandbox
    .command('export')
    .argument('<file>', 'where to write the JSON fixture')
    .description('write every merchant, test integration (with its credentials), fictitious customer and test payment as a fixture that sandbox load accepts')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const fixture = await withServices(io, opts, (deps) => exportFixture(deps));
      // It holds keys: readable by its owner only.
      writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`, { mode: 0o600 });
      const integrations = fixture.merchants.flatMap((m) => m.integrations ?? []);
      const report = { file, merchants: fixture.merchants.length, integrations: integrations.length, customers: integrations.reduce((n, i) => n + (i.customers?.length ?? 0), 0), payments: integrations.reduce((n, i) => n + (i.payments?.length ?? 0), 0) };
      print(io, opts, report, () => [`exported to ${file}: ${report.merchants} merchants, ${report.integrations} integrations, ${report.customers} customers, ${report.payments} payments`]);
    });

  const customer = program.command('customer').description("an integration's fictitious customers (test mode)");
  customer
    .command('create')
    .requiredOption('--merchant <email>', "the owner's login email")
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .requiredOption('--name <name>', 'name')
    .requiredOption('--email <email>', 'email')
    .requiredOption('--phone <phone>', 'phone number')
    .requiredOption('--balance <minor>', 'starting balance in minor units')
    .option('--currency <code>', 'currency', 'XOF')
    .action(async (o: { merchant: string; integration: string; name: string; email: string; phone: string; balance: string; currency: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      if (!(o.currency in CURRENCIES)) throw new TollgateError('validation', `unknown currency ${o.currency}`);
      const balance = wholeNumber(o.balance, '--balance');
      const c = await withServices(io, opts, async (deps) =>
        createFictitiousCustomer(deps, await merchantIdByEmail(deps, o.merchant), asId('integration', o.integration), { name: o.name, email: o.email, phone: o.phone, balanceMinor: balance, currency: o.currency as Currency }),
      );
      print(io, opts, { customer: c }, () => [`created ${c.id} ${c.name} <${c.email}> ${c.phone}: balance ${c.balanceMinor} ${c.currency}`]);
    });
  customer
    .command('reload')
    .requiredOption('--merchant <email>', "the owner's login email")
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .requiredOption('--customer <id>', 'customer id (cus_…)')
    .requiredOption('--amount <minor>', 'amount to add, in minor units')
    .action(async (o: { merchant: string; integration: string; customer: string; amount: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const amount = wholeNumber(o.amount, '--amount');
      if (amount <= 0) throw new TollgateError('validation', '--amount must be positive');
      const c = await withServices(io, opts, async (deps) => reloadFictitiousCustomer(deps, await merchantIdByEmail(deps, o.merchant), asId('integration', o.integration), asId('customer', o.customer), amount));
      print(io, opts, { customer: c }, () => [`${c.id} ${c.name}: balance ${c.balanceMinor} ${c.currency}`]);
    });
  customer
    .command('list')
    .requiredOption('--merchant <email>', "the owner's login email")
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .action(async (o: { merchant: string; integration: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const list = await withServices(io, opts, async (deps) => fictitiousCustomers(deps, await merchantIdByEmail(deps, o.merchant), asId('integration', o.integration)));
      print(io, opts, { customers: list }, () => (list.length === 0 ? ['no fictitious customers'] : list.map((c) => `${c.id}  ${c.name} <${c.email}> ${c.phone}  ${c.balanceMinor} ${c.currency}`)));
    });
}
