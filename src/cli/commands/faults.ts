import type { Command } from 'commander';
import { TollgateError } from '../../core/errors.js';
import { FAULTS, type Fault } from '../../services/notify/faults.js';
import type { NotificationFaults } from '../../services/sandbox/notification-faults.js';
import { type CliIo, print } from '../context.js';
import { remoteClient, remoteCommand, remoteOptions } from '../remote.js';

/** The CLI flag of each fault: --wrong-signature for wrongSignature. */
const flag = (f: Fault) => f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function lines(f: NotificationFaults): string[] {
  return [...FAULTS.map((name) => `${flag(name).padEnd(16)} ${f.rates[name]} %`), `delay-ms         ${f.delayMs}`, `seed             ${f.seed ?? '(random)'}`];
}

function percent(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 100) throw new TollgateError('validation', `--${name} must be a whole percentage from 0 to 100`);
  return n;
}

/**
 * `tollgate faults show|set`: adversarial notifications of a test integration, through the management
 * API (--url/--token, the environment or a profile), like the other remote commands.
 */
export function registerFaultCommands(program: Command, io: CliIo): void {
  const faults = program.command('faults').description("adversarial notifications: faults injected into a test integration's deliveries (remote)");
  remoteCommand(faults.command('show').description('the rate of each fault'))
    .option('--integration <id>', "integration id (int_…); default: the profile's, or the only one")
    .action(async (o: { integration?: string }, cmd: Command) => {
      const opts = remoteOptions(cmd);
      const client = remoteClient(io, opts);
      const id = await client.integrationId(o.integration, io.env);
      const f = await client.get<NotificationFaults>(`/api/integrations/${encodeURIComponent(id)}/notification-faults`);
      print(io, opts, f, () => lines(f));
    });
  const set = remoteCommand(faults.command('set').description('set the rates given, in percent (the others keep theirs); refused for a live integration'))
    .option('--integration <id>', "integration id (int_…); default: the profile's, or the only one")
    .option('--delay-ms <ms>', 'how long a delayed attempt waits')
    .option('--seed <text>', 'the same deliveries get the same faults on every run ("" for random)');
  for (const f of FAULTS) set.option(`--${flag(f)} <percent>`, `percent of attempts: ${f}`);
  set.action(async (o: Record<string, string | undefined> & { integration?: string }, cmd: Command) => {
    const opts = remoteOptions(cmd);
    const rates: Partial<Record<Fault, number>> = {};
    for (const f of FAULTS) {
      const v = o[f];
      if (v !== undefined) rates[f] = percent(flag(f), v);
    }
    if (o.delayMs !== undefined && !/^\d+$/.test(o.delayMs)) throw new TollgateError('validation', '--delay-ms must be a whole number of milliseconds');
    const body = { rates, ...(o.delayMs !== undefined && { delayMs: Number(o.delayMs) }), ...(o.seed !== undefined && { seed: o.seed === '' ? null : o.seed }) };
    const client = remoteClient(io, opts);
    const id = await client.integrationId(o.integration, io.env);
    const f = await client.request<NotificationFaults>('PUT', `/api/integrations/${encodeURIComponent(id)}/notification-faults`, body);
    print(io, opts, f, () => lines(f));
  });
}
