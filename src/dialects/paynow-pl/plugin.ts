import type { FastifyInstance, FastifyReply } from 'fastify';
import { throttledPages } from '../../http/page-throttle.js';
import { rawWire } from '../../http/wire-plugin.js';
import type { ServiceDeps } from '../../services/deps.js';
import { PlError } from './errors.js';
import { plRoutes } from './routes.js';

/** `{"statusCode","errors":[…]}`: 404 NOT_FOUND, 500 INTERNAL_SERVER_ERROR, any other refusal 400 VALIDATION_ERROR. */
export function plRefuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  const e = status === 404 ? new PlError(404, 'NOT_FOUND', message) : status >= 500 ? new PlError(500, 'INTERNAL_SERVER_ERROR', message) : new PlError(400, 'VALIDATION_ERROR', message);
  return reply.code(e.statusCode).type('application/json').send(e.body());
}

/**
 * Paynow.pl's paths, v3 and the v1/v2 ones older plugin installs still call. Encapsulated: bodies are
 * kept as raw text (signatures cover the exact bytes) and parsed as JSON by the routes themselves.
 */
export async function paynowPlPlugin(app: FastifyInstance, opts: { deps: ServiceDeps }): Promise<void> {
  const r = plRoutes(opts.deps);
  rawWire(app, opts.deps, 256 * 1024, plRefuse);

  app.post('/v3/payments', r.createPaymentRoute('v3'));
  app.get('/v3/payments/:paymentId/status', r.paymentStatus('v3'));
  app.get('/v3/payments/paymentmethods', r.paymentMethods('v3'));
  app.delete('/v3/payments/paymentmethods/saved', r.removeSaved);
  app.get('/v3/payments/dataprocessing/notices', r.notices('v3'));
  app.post('/v3/payments/:paymentId/refunds', r.createRefundRoute('v3'));
  app.get('/v3/refunds/:refundId/status', r.refundStatus('v3'));
  app.post('/v3/refunds/:refundId/cancel', r.cancelRefundRoute);
  app.patch('/v3/configuration/shop/urls', r.shopUrls('v3'));
  app.post('/v3/configuration/shop/plugin/status', r.pluginStatus);

  app.post('/v1/payments', r.createPaymentRoute('v1'));
  app.get('/v1/payments/:paymentId/status', r.paymentStatus('v1'));
  app.get('/v1/payments/paymentmethods', r.paymentMethods('v1'));
  app.get('/v2/payments/paymentmethods', r.paymentMethods('v1'));
  app.get('/v1/payments/dataprocessing/notices', r.notices('v1'));
  app.post('/v1/payments/:paymentId/refunds', r.createRefundRoute('v1'));
  app.get('/v1/refunds/:refundId/status', r.refundStatus('v1'));
  app.patch('/v1/configuration/shop/urls', r.shopUrls('v1'));

  await throttledPages(app, (pages) => pages.get('/paywall/:paymentId', r.paywall));
  app.get('/paynow-pl/icons/:id', r.icon);
}
