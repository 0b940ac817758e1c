import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isServingProcess, superviseProcesses } from '../../cluster.js';
import { serve } from '../../main.js';
import { createDemoMerchant } from '../../services/demo.js';
import { createApiToken } from '../../services/merchants/sessions.js';
import { findMerchantByEmail } from '../../store/repos/merchants.js';
import { type CliIo, configFrom, globalOptions } from '../context.js';

interface ServeFlags {
  host?: string;
  port?: string;
  publicUrl?: string;
  demo: boolean;
  worker: boolean;
  processes?: string;
  ephemeral?: boolean;
}

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the gateway')
    .option('--host <host>', 'address to listen on (env TOLLGATE_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port (env TOLLGATE_PORT, default 8080)')
    .option('--public-url <url>', 'base URL put into poll, checkout and redirect URLs (env TOLLGATE_PUBLIC_URL)')
    .option('--no-demo', 'do not create the demo merchant on first start')
    .option('--no-worker', 'serve requests only; another process runs the background jobs')
    .option('--processes <n>', 'serving processes sharing the port, one per core you give it (env TOLLGATE_PROCESSES, default 1)')
    .option('--ephemeral', 'a throwaway sandbox: a fresh SQLite database in a temporary directory, removed on exit; prints one JSON line of credentials')
    .action(async (o: ServeFlags, cmd: Command) => {
      const opts = globalOptions(cmd);
      if (o.ephemeral) return serveEphemeral(io, o);
      const config = configFrom(io, opts, { host: o.host, port: o.port as unknown as number, publicUrl: o.publicUrl, demo: o.demo, worker: o.worker, processes: o.processes as unknown as number });
      if (config.processes > 1 && !isServingProcess()) await superviseProcesses(config, (line) => io.out(line));
      else await serve(config, (line) => io.out(line));
      // The server keeps the process alive; signals end it.
      await new Promise(() => {});
    });
}

/**
 * `serve --ephemeral`, for a CI job: its own database in a temporary directory (never the environment's
 * DATABASE_URL or data directory), a free port unless one is given, the banner on stderr and on stdout one
 * JSON line: the URL, an API token, the demo login and its integration's credentials. The directory goes
 * when the process exits.
 */
async function serveEphemeral(io: CliIo, o: ServeFlags): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-ephemeral-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const env = { ...io.env, DATABASE_URL: undefined, TOLLGATE_DATA_DIR: undefined };
  const config = configFrom({ ...io, env }, { dataDir: dir }, { host: o.host, port: (o.port ?? io.env.TOLLGATE_PORT ?? '0') as unknown as number, publicUrl: o.publicUrl, demo: false, worker: o.worker, processes: 1 as unknown as number });
  const running = await serve(config, (line) => io.err(line));
  const deps = running.app.deps;
  const demo = await createDemoMerchant(deps);
  const merchant = await findMerchantByEmail(deps.store.db, demo.email);
  const { token } = await createApiToken(deps, merchant!.id, 'ephemeral sandbox');
  io.out(JSON.stringify({ url: running.url, token, dataDir: dir, pid: process.pid, merchant: { email: demo.email, password: demo.password }, integration: { id: demo.integrationId }, credentials: demo.credentials }));
  await new Promise(() => {});
}
