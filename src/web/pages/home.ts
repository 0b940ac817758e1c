import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/deps.js';
import { escapeHtml, page } from '../../core/html.js';
import { PAGE_CSP } from './html.js';

/** The front door: where the dashboard will live, and the links a developer needs meanwhile. */
export function registerHomePage(app: FastifyInstance, deps: ServiceDeps): void {
  app.get('/', async (_request, reply) => {
    reply.header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8');
    const base = escapeHtml(deps.publicUrl);
    return page(
      'Tollgate',
      `<h1>Tollgate</h1><p>A self-hostable payment gateway speaking Paynow Zimbabwe, Paynow.pl and PayDunya.</p>` +
        `<ul><li><a href="/docs">Management API documentation</a> (${base}/docs)</li><li><a href="/readyz">Readiness</a></li><li><a href="/metrics">Metrics</a></li></ul>`,
    );
  });
}
