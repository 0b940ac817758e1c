/** Starts a real `tollgate serve` process for a benchmark, with an integration created through the CLI. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../test/helpers/postgres.js';
import { tempDir } from '../test/helpers/dbs.js';

const root = resolve(import.meta.dirname, '..');
const bin = resolve(root, 'bin/tollgate.js');

export interface BenchServer {
  url: string;
  credentials: {
    paynowZw: { integrationId: number; integrationKey: string };
    paynowPl: { sandbox: { apiKey: string; signatureKey: string } };
    paydunya: { masterKey: string; test: { privateKey: string; publicKey: string; token: string } };
  };
  email: string;
  stop(): Promise<void>;
}

export async function startBenchServer(databaseUrl: string | undefined): Promise<BenchServer> {
  const dataDir = tempDir('tollgate-bench-srv-');
  const common = ['--data-dir', dataDir, ...(databaseUrl ? ['--database-url', databaseUrl] : [])];
  const email = 'bench@shop.com';
  const env = { ...process.env, TOLLGATE_LOG_LEVEL: 'silent' };
  execFileSync(process.execPath, [bin, ...common, 'merchant', 'create', '--email', email, '--company', 'Bench', '--verified', '--json'], { env, stdio: 'pipe' });
  const created = JSON.parse(execFileSync(process.execPath, [bin, ...common, '--json', 'integration', 'create', '--merchant', email, '--name', 'bench'], { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString());
  const port = await freePort();
  // BENCH_CPU_PROF=DIR writes a V8 CPU profile of the server into DIR when it stops.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // One serving process: on this 2-core box, shared with PostgreSQL and the load, a second one measured slower (BENCH_PROCESSES=2).
  const processes = process.env.BENCH_PROCESSES ?? '1';
  const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const server = await spawnUntilListening([...extra, ...prof, bin, ...common, 'serve', '--port', String(port), '--no-demo', '--processes', processes], env);
  return { url: `http://127.0.0.1:${port}`, credentials: created.credentials, email, stop: server.stop };
}

/** A Node process started with `args`, once it printed "listening"; stop() ends it with SIGTERM. */
async function spawnUntilListening(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('the server did not start')), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) {
        clearTimeout(timer);
        ok();
      }
    });
    child.once('exit', (code) => fail(new Error(`the server exited ${code}`)));
  });
  return {
    stop: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The same run's yardstick for the wire benchmarks: a bare Node HTTP server in its own process,
 * answering every request with a short constant. What the load generator gets from it on this box at
 * the moment of the run tells a slow phase of the machine from a slower build.
 */
export async function startBareServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const source = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('status=Ok')); }).listen(${port}, '127.0.0.1', () => console.log('listening'));`;
  const server = await spawnUntilListening(['-e', source]);
  return { url: `http://127.0.0.1:${port}`, stop: server.stop };
}
