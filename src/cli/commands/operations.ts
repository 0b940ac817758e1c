import { asId } from '../../core/ids.js';
import type { Command } from 'commander';
import { TollgateError } from '../../core/errors.js';
import { listOutbox } from '../../services/mail/outbox.js';
import { CLI_ACTOR } from '../../services/merchants/audit.js';
import { decideGoLive, pendingGoLiveRequests } from '../../services/merchants/golive.js';
import { type CliIo, globalOptions, print, withServices } from '../context.js';

export function registerOperationCommands(program: Command, io: CliIo): void {
  const golive = program.command('golive').description('go-live requests');
  golive
    .command('list')
    .description('requests waiting for review')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const list = await withServices(io, opts, (deps) => pendingGoLiveRequests(deps));
      print(io, opts, { integrations: list }, () => (list.length === 0 ? ['no requests waiting'] : list.map((i) => `${i.id}  ${i.name}  requested ${i.goLive.requestedAt}`)));
    });
  golive
    .command('approve')
    .description('set the integration live; fresh live keys are emailed to the merchant')
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .action(async (o: { integration: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const i = await withServices(io, opts, (deps) => decideGoLive(deps, asId('integration', o.integration), { approve: true }, CLI_ACTOR));
      print(io, opts, { integration: i }, () => [`${i.id} "${i.name}" is live`]);
    });
  golive
    .command('reject')
    .description('decline the request with a reason the merchant will read')
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .requiredOption('--reason <text>', 'why')
    .action(async (o: { integration: string; reason: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      if (o.reason.trim() === '') throw new TollgateError('validation', '--reason must not be empty');
      const i = await withServices(io, opts, (deps) => decideGoLive(deps, asId('integration', o.integration), { approve: false, reason: o.reason.trim() }, CLI_ACTOR));
      print(io, opts, { integration: i }, () => [`${i.id} "${i.name}": request rejected`]);
    });

  const mail = program.command('mail').description('the mail outbox');
  mail
    .command('list')
    .description('mails Tollgate has queued or sent, newest first')
    .option('--to <email>', 'only mails to this address')
    .option('--limit <n>', 'how many', '20')
    .action(async (o: { to?: string; limit: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new TollgateError('validation', '--limit must be between 1 and 1000');
      const mails = await withServices(io, opts, (deps) => listOutbox(deps.store.db, deps.keyring, { to: o.to, limit }));
      print(io, opts, { mails }, () =>
        mails.length === 0
          ? ['the outbox is empty']
          : mails.flatMap((m) => [`--- ${m.createdAt}  to ${m.to}  ${m.sentAt ? `sent ${m.sentAt}` : 'not sent'}`, `Subject: ${m.subject}`, '', m.body]),
      );
    });

  program
    .command('migrate')
    .description('bring the database schema up to date (serve does this too)')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      await withServices(io, opts, async () => {});
      print(io, opts, { migrated: true }, () => ['the database schema is current']);
    });
}
