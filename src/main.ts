import { type App, buildApp } from './app.js';
import type { Logger } from 'pino';
import type { Clock } from './core/clock.js';
import { announceListening, claimFirstStart, openRuntime } from './bootstrap.js';
import { isServingProcess, joinSupervisor } from './cluster.js';
import { type Config, withListeningPort } from './config.js';
import { createDemoMerchant, describeCredentials } from './services/demo.js';
import { createLogger } from './web/logger.js';

export interface RunningServer {
  url: string;
  app: App;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Tests handle their own lifecycle. */
  handleSignals?: boolean;
  /** Tests and sandboxes move time. */
  clock?: Clock;
  /** Tests capture log lines to prove no secret is ever written. */
  log?: Logger;
  /** Tests run every transaction's unit twice, so an effect outside the database shows (RerunnableUnit). */
  rerunUnits?: boolean;
}

/**
 * `tollgate serve`: the only place that listens. Prints what a newcomer needs, and on SIGTERM/SIGINT
 * stops accepting, lets in-flight requests finish, releases the database and exits 0.
 */
export async function serve(config: Config, say: (line: string) => void, options: ServeOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const runtime = await openRuntime(config, say, { rerunUnits: options.rerunUnits ?? false });
  let app: App;
  try {
    app = await buildApp({ config, store: runtime.store, keyring: runtime.keyring, log, ...(options.clock && { clock: options.clock }) });
    await app.server.listen({ host: config.host, port: config.port });
  } catch (err) {
    await runtime.store.close().catch(() => {});
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new Error(`cannot listen on ${config.host}:${config.port}: the port is in use`);
    if (e.code === 'EACCES') throw new Error(`cannot listen on ${config.host}:${config.port}: permission denied`);
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw new Error(`cannot listen on ${config.host}: no such local address`);
    throw err;
  }
  const address = app.server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const effective = withListeningPort(config, port);
  app.setPublicUrl(effective.publicUrl);

  if ((await claimFirstStart(runtime.store)) && config.demo) {
    try {
      const demo = await createDemoMerchant(app.deps);
      say('First start: created a demo merchant with one test-mode integration.');
      say(`  Login     ${demo.email} / ${demo.password}`);
      for (const line of describeCredentials(demo.credentials)) say(line);
    } catch (err) {
      // Listening already: stop serving before reporting, so a half-started process never lingers.
      await app.close().catch(() => {});
      await runtime.store.close().catch(() => {});
      throw err;
    }
  }
  // One of several processes (serve --processes N): the supervisor announces them all, once.
  const supervised = isServingProcess();
  if (!supervised) announceListening(say, effective.publicUrl, runtime.store);
  if (config.worker) app.worker.start();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await app.close();
      await runtime.store.close();
    })();
    return stopping;
  };
  /** Finishes the requests in flight and exits; after 15 s it exits anyway. */
  const shutdown = (): void => {
    setTimeout(() => process.exit(1), 15_000).unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  if (supervised) joinSupervisor(shutdown, app.deps.authCache);
  if (options.handleSignals !== false) {
    const onSignal = (signal: string) => {
      if (!supervised) say(`${signal} received: finishing in-flight requests`);
      shutdown();
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }
  return { url: effective.publicUrl, app, stop };
}
