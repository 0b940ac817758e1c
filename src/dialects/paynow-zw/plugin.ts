import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServiceDeps } from '../../services/deps.js';
import { throttledPages } from '../../http/page-throttle.js';
import { rawWire } from '../../http/wire-plugin.js';
import { encodeForm } from './wire.js';
import { zwRoutes } from './routes.js';

/** Every refusal is HTTP 200 `status=Error&error=…`, whatever the framework's status was. */
export function zwRefuse(reply: FastifyReply, _status: number, message: string): FastifyReply {
  return reply.code(200).type('text/html; charset=utf-8').send(encodeForm([['status', 'Error'], ['error', message]]));
}

/**
 * Paynow Zimbabwe's paths. Encapsulated: every body is read as raw text (parsed as a form whatever its
 * Content-Type says), and every answer, even a refusal, is HTTP 200 in the wire's own format.
 * Paths match case-insensitively with or without a trailing slash (the router's options in app.ts).
 */
export async function paynowZwPlugin(app: FastifyInstance, opts: { deps: ServiceDeps }): Promise<void> {
  const r = zwRoutes(opts.deps);
  rawWire(app, opts.deps, 64 * 1024, zwRefuse);
  app.post('/interface/initiatetransaction', r.initiate('web'));
  app.post('/interface/remotetransaction', r.initiate('express'));
  app.post('/interface/initiatetickettransaction', r.initiate('ticket'));
  app.post('/interface/trace', r.trace);
  app.route({ method: ['GET', 'POST'], url: '/interface/checkpayment', handler: r.poll });
  await throttledPages(app, (pages) => {
    pages.get('/payment/confirmpayment/:ref', r.confirm);
    pages.get('/payment/confirmpayment/:ref/*', r.confirm);
  });
}
