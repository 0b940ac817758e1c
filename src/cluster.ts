import cluster, { type Worker } from 'node:cluster';
import { announceListening, openRuntime } from './bootstrap.js';
import { type Config, withListeningPort } from './config.js';
import type { AuthCache } from './services/merchants/auth-cache.js';

/** The one message the serving processes exchange: "merchant, integration or credential data changed". */
const AUTH_CHANGED = 'tollgate:auth-changed';

/** A process that stops after it served is replaced after this pause (not at once: a crash loop must not spin). */
const RESTART_DELAY_MS = 1000;

/** The longest pause between attempts to replace a process that keeps failing. */
const MAX_RESTART_DELAY_MS = 30_000;

/** How long SIGTERM waits for the processes to finish their requests before it kills them. */
const STOP_TIMEOUT_MS = 20_000;

/** True in a serving process that `tollgate serve --processes N` started. */
export function isServingProcess(): boolean {
  return cluster.isWorker;
}

/**
 * In a serving process: tells the others when this one changed what wire authentication caches, and
 * drops this one's copies when another did; and ends with its supervisor (`shutdown` finishes the
 * requests in flight and exits).
 */
export function joinSupervisor(shutdown: () => void, authCache: AuthCache): void {
  // The callback swallows a send on a channel that has just closed (the supervisor is going away).
  authCache.onChange(() => {
    if (process.connected) process.send?.(AUTH_CHANGED, undefined, undefined, () => {});
  });
  process.on('message', (message) => {
    if (message === AUTH_CHANGED) authCache.dropAll();
  });
  // A supervisor that died (kill -9) must not leave its processes holding the port. Node would exit
  // the process at once on disconnect; marked as expected, it finishes its requests first.
  if (cluster.worker) cluster.worker.exitedAfterDisconnect = true;
  process.once('disconnect', shutdown);
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
  const store = { kind: runtime.store.kind, location: runtime.store.location };
  await runtime.store.close();

  let stopping = false;
  let announced = false;
  let restartDelay = RESTART_DELAY_MS;
  let listening = 0;
  const workers = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  // Node drops a process from cluster.workers at whichever of 'exit' and 'disconnect' comes last, so
  // on 'exit' the one that ended may still be listed: count only those whose process still runs.
  const running = (): Worker[] => workers().filter((w) => !w.isDead());

  cluster.on('message', (from, message) => {
    // Only to connected processes, with a callback: a send racing a process's exit must not crash the supervisor.
    if (message === AUTH_CHANGED) for (const w of workers()) if (w !== from && w.isConnected()) w.send(AUTH_CHANGED, undefined, () => {});
  });
  cluster.on('listening', (_worker, address) => {
    restartDelay = RESTART_DELAY_MS;
    listening += 1;
    if (announced || listening < config.processes) return;
    announced = true;
    announceListening(say, withListeningPort(config, address.port).publicUrl, store, config.processes);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (code !== 0 && signal === null) process.exitCode = 1;
      if (running().length === 0) process.exit();
      return;
    }
    if (!announced) {
      // A process failed to start (it printed why): the others would fail the same way.
      stopping = true;
      process.exitCode = 1;
      for (const w of running()) w.process.kill('SIGTERM');
      if (running().length === 0) process.exit();
      return;
    }
    // After the start, a process that ends is replaced, however often it takes (a database that is
    // down for a while must not bring the healthy processes down with it), waiting longer each time.
    say(`serving process ${worker.process.pid} ended (${signal ?? `exit code ${code}`}); starting another in ${restartDelay / 1000} s`);
    setTimeout(() => {
      if (!stopping) cluster.fork();
    }, restartDelay);
    restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
  });
  const onSignal = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    say(`${signal} received: finishing in-flight requests`);
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    for (const w of running()) w.process.kill('SIGTERM');
    if (running().length === 0) process.exit(0);
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));

  for (let i = 0; i < config.processes; i++) cluster.fork();
}
