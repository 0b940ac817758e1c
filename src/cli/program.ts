import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { isTollgateError } from '../core/errors.js';
import { StartupError } from '../bootstrap.js';
import { registerAccountCommands } from './commands/accounts.js';
import { registerCheckReceiverCommand } from './commands/check-receiver.js';
import { registerFaultCommands } from './commands/faults.js';
import { registerIntegrationCommands } from './commands/integrations.js';
import { registerMoneyCommands, registerPayoutCommands } from './commands/money.js';
import { registerOperationCommands } from './commands/operations.js';
import { registerRemoteCommands } from './commands/remote.js';
import { registerSandboxCommands } from './commands/sandbox.js';
import { registerStreamCommands } from './commands/streams.js';
import { registerTriggerCommand } from './commands/trigger.js';
import { registerServeCommand } from './commands/serve.js';
import type { CliIo } from './context.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('tollgate')
    .description('Tollgate: a self-hostable payment gateway speaking Paynow Zimbabwe, Paynow.pl and PayDunya')
    .option('--data-dir <dir>', 'data directory (env TOLLGATE_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL; default: SQLite in the data directory)')
    .option('--json', 'print machine-readable JSON')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  registerServeCommand(program, io);
  registerAccountCommands(program, io);
  registerIntegrationCommands(program, io);
  registerOperationCommands(program, io);
  registerSandboxCommands(program, io);
  registerMoneyCommands(program, io);
  registerPayoutCommands(program, io);
  registerRemoteCommands(program, io);
  registerStreamCommands(program, io);
  registerTriggerCommand(program, io);
  registerCheckReceiverCommand(program, io);
  registerFaultCommands(program, io);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI; returns the exit code. Every failure is one clear line on stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigError || err instanceof StartupError) {
      io.err(`tollgate: ${err.message}`);
      return 1;
    }
    if (isTollgateError(err)) {
      io.err(`tollgate: ${err.detail}`);
      return 1;
    }
    io.err(`tollgate: ${(err as Error).message}`);
    return 1;
  }
}
