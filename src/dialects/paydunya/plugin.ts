import type { FastifyInstance, FastifyReply } from 'fastify';
import { throttledPages } from '../../http/page-throttle.js';
import { rawWire } from '../../http/wire-plugin.js';
import type { ServiceDeps } from '../../services/deps.js';
import { CODES, PdError } from './errors.js';
import { pdRoutes } from './routes.js';

/** HTTP 200 and a response_code: 4000 for what the client sent, PayDunya's unknown-error words for ours. */
export function pdRefuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  const e = status >= 500 ? new PdError(CODES.funds, 'An Unknown PAYDUNYA Server Error Occured.') : new PdError(CODES.invalid, message);
  return reply.code(200).type('application/json').send(JSON.stringify(e.body()));
}

/**
 * PayDunya's paths: /sandbox-api/v1 acts in test mode, /api/v1 and /api/v2/disburse in live mode.
 * Encapsulated: any body is read as text and parsed as JSON by the routes (the PHP SDK labels JSON
 * as form data), and every API answer is HTTP 200 application/json.
 */
export async function paydunyaPlugin(app: FastifyInstance, opts: { deps: ServiceDeps }): Promise<void> {
  const r = pdRoutes(opts.deps);
  rawWire(app, opts.deps, 256 * 1024, pdRefuse);
  for (const [base, mode] of [
    ['/sandbox-api/v1', 'test'],
    ['/api/v1', 'live'],
  ] as const) {
    app.post(`${base}/checkout-invoice/create`, r.createInvoice(mode));
    app.route({ method: ['GET', 'POST'], url: `${base}/checkout-invoice/confirm/:token`, handler: r.confirm(mode) });
    app.post(`${base}/opr/create`, r.oprCreate(mode));
    app.post(`${base}/opr/charge`, r.oprCharge(mode));
    app.post(`${base}/direct-pay/credit-account`, r.directPay(mode));
    app.post(`${base}/disburse/get-invoice`, r.getDisburseInvoice(mode));
    app.post(`${base}/disburse/submit-invoice`, r.submitDisburse(mode));
    app.post(`${base}/disburse/check-status`, r.checkDisburse(mode));
    app.post(`${base}/softpay/:operator`, r.softpay(mode));
  }
  app.post('/api/v2/disburse/get-invoice', r.getDisburseInvoice('live'));
  app.post('/api/v2/disburse/submit-invoice', r.submitDisburse('live'));
  app.post('/api/v2/disburse/check-status', r.checkDisburse('live'));
  await throttledPages(app, (pages) => {
    pages.get('/sandbox-checkout/invoice/:token', r.invoicePage);
    pages.get('/checkout/invoice/:token', r.invoicePage);
    pages.get('/sandbox-checkout/receipt/pdf/:file', r.receipt);
    pages.get('/checkout/receipt/pdf/:file', r.receipt);
  });
}
