import cluster, { type Worker } from 'node:cluster';
import { openRuntime } from './bootstrap.js';
import { type Config, withListeningPort } from './config.js';
import { dropAuthCachesOfThisProcess, onAuthChange } from './services/merchants/auth-cache.js';

/** The one message the serving processes exchange: "merchant, integration or credential data changed". */
const AUTH_CHANGED = 'tollgate:auth-changed';

/** A process that stops after it served is replaced after this pause (not at once: a crash loop must not spin). */
const RESTART_DELAY_MS = 1000;

/** How long SIGTERM waits for the processes to finish their requests before it kills them. */
const STOP_TIMEOUT_MS = 20_000;

/** True in a serving process that `tollgate serve --processes N` started. */
export function isServingProcess(): boolean {
  return cluster.isWorker;
}

/**
 * In a serving process: tells the others when this one changed what wire authentication caches, and
 * drops this one's copies when another did; and ends with its supervisor.
 */
export function joinSupervisor(stop: () => Promise<void>): void {
  onAuthChange(() => process.send?.(AUTH_CHANGED));
  process.on('message', (message) => {
    if (message === AUTH_CHANGED) dropAuthCachesOfThisProcess();
  });
  // A supervisor that died (kill -9) must not leave its processes holding the port.
  process.once('disconnect', () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

/**
 * `tollgate serve --processes N`. Node runs JavaScript on one core per process, so a machine with
 * several cores serves with several processes sharing one port; this supervisor hands each new
 * connection to the next process, restarts one that dies, and on SIGTERM or SIGINT stops them all,
 * each finishing its requests. Everything the processes share lives in the database (jobs are
 * leased, idempotency keys are rows), so they coordinate on one thing only: a change to merchants,
 * integrations or credentials made through one process drops the others' cached copies at once.
 */
export async function superviseProcesses(config: Config, say: (line: string) => void): Promise<void> {
  // Reach the database and apply migrations once, before any process serves.
  const runtime = await openRuntime(config, say);
  const where = runtime.store.kind === 'sqlite' ? `SQLite at ${runtime.store.location}` : `PostgreSQL at ${runtime.store.location}`;
  await runtime.store.close();

  let stopping = false;
  let announced = false;
  const listening = new Set<number>();
  const workers = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);

  cluster.on('message', (from, message) => {
    if (message === AUTH_CHANGED) for (const w of workers()) if (w !== from) w.send(AUTH_CHANGED);
  });
  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    if (announced || listening.size < config.processes) return;
    announced = true;
    const url = withListeningPort(config, address.port).publicUrl;
    say(`Tollgate is listening on ${url} with ${config.processes} processes (${where})`);
    say(`  Dashboard ${url}/`);
    say(`  API docs  ${url}/docs`);
  });
  cluster.on('exit', (worker, code, signal) => {
    const served = listening.delete(worker.id);
    if (stopping) {
      if (workers().length === 0) process.exit();
      return;
    }
    if (!served) {
      // It failed to start (it printed why): the others would fail the same way.
      stopping = true;
      for (const w of workers()) w.process.kill('SIGTERM');
      process.exitCode = 1;
      if (workers().length === 0) process.exit();
      return;
    }
    say(`serving process ${worker.process.pid} ended (${signal ?? `exit code ${code}`}); starting another`);
    setTimeout(() => {
      if (!stopping) cluster.fork();
    }, RESTART_DELAY_MS);
  });

  const onSignal = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    say(`${signal} received: finishing in-flight requests`);
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    for (const w of workers()) w.process.kill('SIGTERM');
    if (workers().length === 0) process.exit(0);
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));

  for (let i = 0; i < config.processes; i++) cluster.fork();
}
