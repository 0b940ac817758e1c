import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { type Clock, systemClock } from './core/clock.js';
import type { Keyring } from './core/crypto.js';
import type { Diagnosis } from './core/diagnosis.js';
import { type IdGenerator, type IntegrationId, randomIds } from './core/ids.js';
import type { ServiceDeps } from './services/deps.js';
import type { Formatters } from './services/notify/formatter.js';
import { nativeFormatter } from './services/notify/native.js';
import { type Dialect, dialectOfPath } from './dialects/dialect.js';
import { errorStatus, frameworkMessage } from './http/wire-plugin.js';
import { paydunya } from './dialects/paydunya/index.js';
import { paynowPl } from './dialects/paynow-pl/index.js';
import { paynowZw } from './dialects/paynow-zw/index.js';
import { smtpTransport } from './services/mail/sender.js';
import { AuthCache } from './services/merchants/auth-cache.js';
import { RequestRates } from './services/request-rates.js';
import type { Principal } from './services/merchants/sessions.js';
import type { Store } from './store/database.js';
import { API_BODY_LIMIT, managementApi } from './web/api/plugin.js';
import { registerAssets } from './web/assets.js';
import { registerCheckoutPages } from './web/checkout/plugin.js';
import { registerHealthRoutes } from './web/health.js';
import { createLoginThrottle } from './web/login-throttle.js';
import { createMetrics, type Metrics, registerMetricsRoutes } from './web/metrics.js';
import { registerHomePage } from './web/pages/home.js';
import { registerResetPasswordPages } from './web/pages/reset-password.js';
import { registerVerifyEmailPage } from './web/pages/verify-email.js';
import { createHttpSender, type HttpSender } from './worker/http-sender.js';
import { createWorker, type Worker } from './worker/worker.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request, filled by the auth hook of the plugin that serves it. */
    auth: Principal | null;
    /** Set when the request acts for an integration in test mode: it goes into the request log. */
    testLog: { integrationId: IntegrationId; dialect: string; signature: string | null; failed?: boolean; diagnosis?: () => Promise<Diagnosis | undefined> } | null;
    /** The body exactly as received, for wires that sign or hash it. */
    rawBody?: string;
  }
}

export interface AppOptions {
  config: Config;
  store: Store;
  keyring: Keyring;
  log: Logger;
  clock?: Clock;
  ids?: IdGenerator;
  http?: HttpSender;
}

export interface App {
  server: FastifyInstance;
  worker: Worker;
  deps: ServiceDeps;
  metrics: Metrics;
  /** Once listening on port 0, the real base URL for links the services build. */
  setPublicUrl(url: string): void;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Each wire's notification formatter, by name: how the worker reaches the dialects without importing them. */
export function wireFormatters(): Formatters {
  return { tollgate: nativeFormatter, paynow_zw: paynowZw.formatter, paynow_pl: paynowPl.formatter, paydunya: paydunya.formatter };
}

/** The gateway dialects served, each an encapsulated plugin at its real paths. */
const DIALECTS: readonly Dialect[] = [paynowZw, paynowPl, paydunya];

/** Builds every part of one gateway. No module-level state: two apps can live in one process. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config, store, keyring, log } = options;
  const clock = options.clock ?? systemClock;
  const requestRates = new RequestRates(store, clock, log);
  const deps: { -readonly [K in keyof ServiceDeps]: ServiceDeps[K] } = {
    store,
    keyring,
    authCache: new AuthCache(clock),
    log,
    clock,
    ids: options.ids ?? randomIds,
    publicUrl: config.publicUrl,
    formatters: wireFormatters(),
    requestLog: {
      maxEntries: config.requestLogMaxEntries,
      maxAgeMs: config.requestLogMaxAgeHours * 3_600_000,
      failedBodyBytes: config.requestLogFailedBodyBytes,
      failedPerMinute: config.requestLogFailedPerMinute,
    },
    settlementDelayMs: config.settlementDelaySeconds * 1000,
    requestRates,
  };
  const metrics = createMetrics();
  requestRates.start();

  let seq = 0;
  // Several processes (serve --processes N) may number their requests in the same millisecond.
  const instance = process.pid.toString(36);
  const server: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: API_BODY_LIMIT,
    // A caller's X-Request-Id is kept when it is sane, so logs join across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      if (typeof given === 'string' && REQUEST_ID.test(given)) return given;
      seq += 1;
      return `req-${Date.now().toString(36)}-${instance}-${seq.toString(36)}`;
    },
    // On close, idle keep-alive connections are dropped at once; requests in flight finish.
    forceCloseConnections: 'idle',
    // A per-request child logger only carries bindings into lines; when nothing is logged it is pure cost.
    childLoggerFactory: (logger, bindings, opts) => (logger.level === 'silent' ? logger : logger.child(bindings, opts)),
    return503OnClosing: true,
    // Paynow Zimbabwe clients post to /Interface/InitiateTransaction and /interface/initiatetransaction alike.
    // Long ids reach the wires, which answer them in their own words (a 414 would break their clients).
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2048 },
    // Raised before routing (a bad URL, a parameter past maxParamLength): a wire's prefix answers in its format.
    frameworkErrors: (err, request, reply) => {
      const status = errorStatus(err);
      const dialect = dialectOfPath(DIALECTS, request.url);
      if (dialect) return dialect.refuse(reply as FastifyReply, status, frameworkMessage(status));
      return (reply as FastifyReply).code(status).send(err);
    },
  });
  server.decorateRequest('auth', null);
  server.decorateRequest('testLog', null);
  let closing = false;
  // Callback hooks where nothing is awaited: every request would otherwise pay for a promise per hook.
  server.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    // A request that was in flight when shutdown began ends its keep-alive connection with its answer.
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  const loginThrottle = await createLoginThrottle(server, config.loginThrottle);
  // A wire's prefix first: PayDunya's /api/v1/ sits under the management API's /api/.
  const channelOf = (url: string): string | undefined => dialectOfPath(DIALECTS, url)?.name ?? (url.toLowerCase().startsWith('/api/') ? 'management' : undefined);
  registerMetricsRoutes(server, metrics, deps, config.metricsToken, channelOf);
  registerHealthRoutes(server, store);
  registerAssets(server);
  await registerVerifyEmailPage(server, deps, loginThrottle);
  await registerResetPasswordPages(server, deps, loginThrottle);
  await registerCheckoutPages(server, deps, loginThrottle);
  registerHomePage(server, deps);
  // Unknown paths under a wire's prefix answer in that wire's format.
  const wires = {
    owns: (url: string) => dialectOfPath(DIALECTS, url) !== undefined,
    refuse: (url: string, reply: FastifyReply, status: number) => (dialectOfPath(DIALECTS, url) as Dialect).refuse(reply, status, frameworkMessage(status)),
  };
  await server.register(managementApi, { deps, drain: () => worker.drain(), loginThrottle, wires });
  for (const dialect of DIALECTS) await server.register(dialect.plugin, { deps });

  const http = options.http ?? createHttpSender({ allowPrivate: config.allowPrivateCallbacks });
  const worker = createWorker({
    deps,
    http,
    log: log.child({ part: 'worker' }),
    mailTransport: config.smtpUrl ? smtpTransport(config.smtpUrl, 'Tollgate <no-reply@tollgate.local>') : undefined,
    metrics: {
      deliveryOutcome: (o) => metrics.deliveries.inc({ outcome: o }),
      queueDepth: (depths) => {
        metrics.jobQueueDepth.reset();
        for (const d of depths) metrics.jobQueueDepth.set({ kind: d.kind }, d.n);
      },
    },
  });

  return {
    server,
    worker,
    deps,
    metrics,
    setPublicUrl(url) {
      deps.publicUrl = url;
    },
    async close() {
      closing = true;
      await server.close();
      await worker.stop();
      await http.close();
      await requestRates.close();
    },
  };
}
