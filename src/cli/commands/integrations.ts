import { asId } from '../../core/ids.js';
import type { Command } from 'commander';
import { ROTATION_GROUP_NAMES, type RotationGroup } from '../../core/credentials.js';
import { TollgateError } from '../../core/errors.js';
import { describeCredentials } from '../../services/demo.js';
import { CLI_ACTOR } from '../../services/merchants/audit.js';
import { createIntegration, listMerchantIntegrations, revealCredentials, rotateIntegrationKeys } from '../../services/merchants/integrations.js';
import { type CliIo, globalOptions, merchantIdByEmail, print, withServices } from '../context.js';

function parseGroups(value: string): RotationGroup[] {
  const groups = value.split(',').map((g) => g.trim());
  for (const g of groups) {
    if (!(ROTATION_GROUP_NAMES as string[]).includes(g)) {
      throw new TollgateError('validation', `unknown key group "${g}"; choose from ${ROTATION_GROUP_NAMES.join(', ')}`);
    }
  }
  return groups as RotationGroup[];
}

export function registerIntegrationCommands(program: Command, io: CliIo): void {
  const integration = program.command('integration').description('integrations (Paynow Zimbabwe integrations, Paynow.pl shops, PayDunya applications)');

  integration
    .command('create')
    .description('create a test-mode integration and print its credentials')
    .requiredOption('--merchant <email>', "the owner's login email")
    .requiredOption('--name <name>', 'integration name')
    .option('--notification-email <email>', 'where transaction updates are mailed')
    .option('--notification-url <url>', 'default notification URL')
    .action(async (o: { merchant: string; name: string; notificationEmail?: string; notificationUrl?: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const result = await withServices(io, opts, async (deps) =>
        createIntegration(deps, await merchantIdByEmail(deps, o.merchant), { name: o.name, notificationEmail: o.notificationEmail, notificationUrl: o.notificationUrl }, CLI_ACTOR),
      );
      print(
        io,
        opts,
        { integration: { id: result.integration.id, name: result.integration.name, mode: result.integration.mode }, credentials: result.credentials },
        () => [`created integration ${result.integration.id} "${result.integration.name}" in test mode`, ...describeCredentials(result.credentials)],
      );
    });

  integration
    .command('list')
    .description("list a merchant's integrations")
    .requiredOption('--merchant <email>', "the owner's login email")
    .action(async (o: { merchant: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const list = await withServices(io, opts, async (deps) => listMerchantIntegrations(deps, await merchantIdByEmail(deps, o.merchant)));
      print(io, opts, { integrations: list }, () =>
        list.length === 0 ? ['no integrations'] : list.map((i) => `${i.id}  ${i.mode.padEnd(4)}  zw-id ${i.paynowZwIntegrationId}  ${i.disabled ? '(disabled) ' : ''}${i.name}`),
      );
    });

  integration
    .command('rotate-key')
    .description('Generate New Key: replace keys (all groups by default) and print the new ones')
    .requiredOption('--merchant <email>', "the owner's login email")
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .option('--groups <list>', `comma-separated: ${ROTATION_GROUP_NAMES.join(', ')}`)
    .option('--grace <seconds>', 'keep the old keys valid this long (0 to 604800)', '0')
    .action(async (o: { merchant: string; integration: string; groups?: string; grace: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const grace = Number(o.grace);
      if (!Number.isInteger(grace)) throw new TollgateError('validation', '--grace must be a whole number of seconds');
      const result = await withServices(io, opts, async (deps) =>
        rotateIntegrationKeys(deps, await merchantIdByEmail(deps, o.merchant), asId('integration', o.integration), { groups: o.groups ? parseGroups(o.groups) : undefined, graceSeconds: grace }, CLI_ACTOR),
      );
      print(io, opts, { integration: { id: result.integration.id, name: result.integration.name, mode: result.integration.mode }, rotated: result.groups, credentials: result.credentials }, () => [
        `rotated ${result.groups.join(', ')} of ${result.integration.id}${grace > 0 ? `; the old keys work for ${grace} s more` : ''}`,
        ...describeCredentials(result.credentials),
      ]);
    });

  integration
    .command('keys')
    .description("print an integration's current credentials (for the local administrator)")
    .requiredOption('--merchant <email>', "the owner's login email")
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .action(async (o: { merchant: string; integration: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const creds = await withServices(io, opts, async (deps) => revealCredentials(deps, await merchantIdByEmail(deps, o.merchant), asId('integration', o.integration)));
      print(io, opts, { credentials: creds }, () => describeCredentials(creds));
    });
}
