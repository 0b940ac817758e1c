import type { MerchantId } from '../core/ids.js';
import type { Command } from 'commander';
import pino from 'pino';
import { wireFormatters } from '../app.js';
import { openRuntime, type Runtime } from '../bootstrap.js';
import { type Config, loadConfig } from '../config.js';
import { randomIds } from '../core/ids.js';
import { systemClock } from '../core/clock.js';
import { TollgateError } from '../core/errors.js';
import type { ServiceDeps } from '../services/deps.js';
import { AuthCache } from '../services/merchants/auth-cache.js';
import { findMerchantByEmail } from '../store/repos/merchants.js';

/** Options every command shares with `serve`. */
export interface GlobalOptions {
  dataDir?: string;
  databaseUrl?: string;
  json?: boolean;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function configFrom(io: CliIo, opts: GlobalOptions, extra: Parameters<typeof loadConfig>[1] = {}): Config {
  return loadConfig(io.env, { dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, ...extra });
}

/**
 * Opens the database (migrating it) and the secrets, runs the command with service deps, and closes.
 * Progress goes to stderr so that --json output on stdout stays parseable.
 */
export async function withServices<T>(io: CliIo, opts: GlobalOptions, fn: (deps: ServiceDeps, runtime: Runtime, config: Config) => Promise<T>): Promise<T> {
  const config = configFrom(io, opts);
  const runtime = await openRuntime(config, (line) => io.err(line));
  const deps: ServiceDeps = {
    store: runtime.store,
    keyring: runtime.keyring,
    authCache: new AuthCache(systemClock),
    clock: systemClock,
    ids: randomIds,
    log: pino({ level: 'silent' }),
    publicUrl: config.publicUrl,
    formatters: wireFormatters(),
    settlementDelayMs: config.settlementDelaySeconds * 1000,
  };
  try {
    return await fn(deps, runtime, config);
  } finally {
    await runtime.store.close();
  }
}

export async function merchantIdByEmail(deps: ServiceDeps, email: string): Promise<MerchantId> {
  const m = await findMerchantByEmail(deps.store.db, email);
  if (!m) throw new TollgateError('not_found', `no merchant with the email address ${email}`);
  return m.id;
}

export function print(io: CliIo, opts: GlobalOptions, value: unknown, human: () => string[]): void {
  if (opts.json) io.out(JSON.stringify(value, null, 2));
  else for (const line of human()) io.out(line);
}

/** Reads a password from stdin (first line), for --password-stdin. */
export async function passwordFromStdin(io: CliIo): Promise<string> {
  const text = await io.readStdin();
  return text.split(/\r?\n/)[0] ?? '';
}
