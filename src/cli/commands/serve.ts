import type { Command } from 'commander';
import { isServingProcess, superviseProcesses } from '../../cluster.js';
import { serve } from '../../main.js';
import { type CliIo, configFrom, globalOptions } from '../context.js';

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
    .action(async (o: { host?: string; port?: string; publicUrl?: string; demo: boolean; worker: boolean; processes?: string }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const config = configFrom(io, opts, { host: o.host, port: o.port as unknown as number, publicUrl: o.publicUrl, demo: o.demo, worker: o.worker, processes: o.processes as unknown as number });
      if (config.processes > 1 && !isServingProcess()) await superviseProcesses(config, (line) => io.out(line));
      else await serve(config, (line) => io.out(line));
      // The server keeps the process alive; signals end it.
      await new Promise(() => {});
    });
}
