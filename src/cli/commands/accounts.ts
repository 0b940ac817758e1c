import type { Command } from 'commander';
import { createOperator, registerMerchant } from '../../services/merchants/accounts.js';
import { setPasswordByAdmin } from '../../services/merchants/password-changes.js';
import { generatePassword } from '../../services/merchants/passwords.js';
import { type CliIo, globalOptions, passwordFromStdin, print, withServices } from '../context.js';

/** A password from the first line of stdin (--password-stdin), or a generated one the command prints. */
async function newPassword(io: CliIo, fromStdin: boolean | undefined, email: string): Promise<{ password: string; generated: boolean }> {
  return fromStdin ? { password: await passwordFromStdin(io), generated: false } : { password: generatePassword(email), generated: true };
}

export function registerAccountCommands(program: Command, io: CliIo): void {
  const merchant = program.command('merchant').description('merchant accounts');
  merchant
    .command('create')
    .description('create a merchant account (a password is generated and printed unless --password-stdin)')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--company <name>', 'company name')
    .option('--company-email <email>', 'where keys are emailed (default: the login email)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option('--verified', 'mark the email address as verified (no verification mail)')
    .action(async (o: { email: string; company: string; companyEmail?: string; passwordStdin?: boolean; verified?: boolean }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { password, generated } = await newPassword(io, o.passwordStdin, o.email);
      const result = await withServices(io, opts, (deps) =>
        registerMerchant(deps, { email: o.email, password, companyName: o.company, companyEmail: o.companyEmail }, { verified: o.verified === true }),
      );
      print(io, opts, { merchant: result.merchant, ...(generated && { password }) }, () => [
        `created merchant ${result.merchant.id} <${result.merchant.email}>`,
        ...(generated ? [`password: ${password}`] : []),
        result.merchant.emailVerified ? 'email verified' : 'a verification mail is in the outbox (tollgate mail list)',
      ]);
    });

  merchant
    .command('set-password')
    .description('set a merchant\'s password and end every session (a password is generated and printed unless --password-stdin)')
    .requiredOption('--email <email>', 'the merchant\'s login email')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(async (o: { email: string; passwordStdin?: boolean }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { password, generated } = await newPassword(io, o.passwordStdin, o.email);
      const m = await withServices(io, opts, (deps) => setPasswordByAdmin(deps, o.email, password));
      print(io, opts, { merchant: m, ...(generated && { password }) }, () => [
        `password set for ${m.id} <${m.email}>; every session ended`,
        ...(generated ? [`password: ${password}`] : []),
      ]);
    });

  const operator = program.command('operator').description("the gateway's own staff");
  operator
    .command('create')
    .description('create an operator, who reviews go-live requests and sees every merchant')
    .requiredOption('--email <email>', 'login email')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(async (o: { email: string; passwordStdin?: boolean }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { password, generated } = await newPassword(io, o.passwordStdin, o.email);
      const op = await withServices(io, opts, (deps) => createOperator(deps, o.email, password));
      print(io, opts, { operator: { id: op.id, email: op.email }, ...(generated && { password }) }, () => [
        `created operator ${op.id} <${op.email}>`,
        ...(generated ? [`password: ${password}`] : []),
      ]);
    });
}
