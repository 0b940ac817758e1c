import type { Command } from 'commander';
import { TollgateError } from '../../core/errors.js';
import type { ServiceDeps } from '../../services/deps.js';
import { FAULTS, type Fault } from '../../services/notify/faults.js';
import { type NotificationFaults, notificationFaults, setNotificationFaults } from '../../services/sandbox/notification-faults.js';
import { findIntegrationAnyMerchant } from '../../store/repos/integrations.js';
import { type CliIo, globalOptions, print, withServices } from '../context.js';

/** The CLI flag of each fault: --wrong-signature for wrongSignature. */
const flag = (f: Fault) => f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The CLI acts as the local administrator: the integration's own merchant. */
async function merchantOf(deps: ServiceDeps, integrationId: string): Promise<string> {
  const i = await findIntegrationAnyMerchant(deps.store.db, integrationId);
  if (!i) throw new TollgateError('not_found', `integration ${integrationId} not found`);
  return i.merchantId;
}

function lines(f: NotificationFaults): string[] {
  return [...FAULTS.map((name) => `${flag(name).padEnd(16)} ${f.rates[name]} %`), `delay-ms         ${f.delayMs}`, `seed             ${f.seed ?? '(random)'}`];
}

function percent(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 100) throw new TollgateError('validation', `--${name} must be a whole percentage from 0 to 100`);
  return n;
}

/** `tollgate faults show|set --integration ID`: adversarial notifications of a test integration. */
export function registerFaultCommands(program: Command, io: CliIo): void {
  const faults = program.command('faults').description("adversarial notifications: faults injected into a test integration's deliveries");
  faults
    .command('show')
    .description('the rate of each fault')
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .action(async (o: { integration: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const f = await withServices(io, opts, async (deps) => notificationFaults(deps, await merchantOf(deps, o.integration), o.integration));
      print(io, opts, f, () => lines(f));
    });
  const set = faults
    .command('set')
    .description('set the rates given, in percent (the others keep theirs); refused for a live integration')
    .requiredOption('--integration <id>', 'integration id (int_…)')
    .option('--delay-ms <ms>', 'how long a delayed attempt waits')
    .option('--seed <text>', 'the same deliveries get the same faults on every run ("" for random)');
  for (const f of FAULTS) set.option(`--${flag(f)} <percent>`, `percent of attempts: ${f}`);
  set.action(async (o: Record<string, string | undefined> & { integration: string }, cmd: Command) => {
    const opts = globalOptions(cmd);
    const rates: Partial<Record<Fault, number>> = {};
    for (const f of FAULTS) {
      const v = o[f];
      if (v !== undefined) rates[f] = percent(flag(f), v);
    }
    const delayMs = o.delayMs === undefined ? undefined : Number(o.delayMs);
    const seed = o.seed === undefined ? undefined : o.seed === '' ? null : o.seed;
    const f = await withServices(io, opts, async (deps) => setNotificationFaults(deps, await merchantOf(deps, o.integration), o.integration, { rates, delayMs, seed }));
    print(io, opts, f, () => lines(f));
  });
}
