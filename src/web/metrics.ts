import type { FastifyInstance } from 'fastify';
import { constantTimeEqual, sha256Hex } from '../core/crypto.js';
import type { ServiceDeps } from '../services/deps.js';
import { paymentStateCounts } from '../services/payments/queries.js';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One registry per app (never prom-client's global one), so two apps in one test process do not
 * share counters. Later parts register their own series on `registry`.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly paymentsByState: Gauge<'state'>;
  readonly deliveries: Counter<'outcome'>;
  readonly jobQueueDepth: Gauge<'kind'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tollgate_process_' });
  return {
    registry,
    httpRequests: new Counter({ name: 'tollgate_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    httpDuration: new Histogram({
      name: 'tollgate_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    paymentsByState: new Gauge({ name: 'tollgate_payments', help: 'Payments by canonical state', labelNames: ['state'], registers: [registry] }),
    deliveries: new Counter({ name: 'tollgate_deliveries_total', help: 'Notification delivery attempts by outcome', labelNames: ['outcome'], registers: [registry] }),
    jobQueueDepth: new Gauge({ name: 'tollgate_jobs_due', help: 'Jobs waiting to run, by kind', labelNames: ['kind'], registers: [registry] }),
  };
}

/**
 * Metrics name routes, volumes and the process's memory: closed unless the operator set a token, then
 * only for `Authorization: Bearer <token>`. Hashes are compared, so neither content nor length leaks.
 */
function metricsRefusal(token: string | undefined, authorization: string | undefined): { status: 401 | 403; text: string } | undefined {
  if (token === undefined) return { status: 403, text: '/metrics is closed: set TOLLGATE_METRICS_TOKEN and scrape with that bearer token' };
  const given = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (given !== undefined && constantTimeEqual(sha256Hex(given), sha256Hex(token))) return undefined;
  return { status: 401, text: '/metrics needs the bearer token set in TOLLGATE_METRICS_TOKEN' };
}

/**
 * Counts every response by its route pattern (not its URL, so ids do not explode the label space), and
 * into the request rates by channel: `channelOf` names the wire or the management API a URL belongs to.
 */
export function registerMetricsRoutes(app: FastifyInstance, metrics: Metrics, deps: ServiceDeps, token: string | undefined, channelOf: (url: string) => string | undefined): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    const channel = channelOf(request.url);
    if (channel !== undefined) deps.requestRates?.count(channel, reply.statusCode);
    done();
  });
  app.get('/metrics', async (request, reply) => {
    const refusal = metricsRefusal(token, request.headers.authorization);
    if (refusal) {
      if (refusal.status === 401) reply.header('www-authenticate', 'Bearer realm="metrics"');
      return reply.code(refusal.status).type('text/plain; charset=utf-8').send(`${refusal.text}\n`);
    }
    metrics.paymentsByState.reset();
    for (const { state, n } of await paymentStateCounts(deps)) metrics.paymentsByState.set({ state }, n);
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
