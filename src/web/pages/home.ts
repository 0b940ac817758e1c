import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/deps.js';
import { escapeHtml, page } from '../../core/html.js';
import { PAGE_CSP } from './html.js';

/**
 * The start page: what the banner's "Start page" line points at. The merchant dashboard will live
 * here; until then it says so and links what a developer needs.
 */
export function registerHomePage(app: FastifyInstance, deps: ServiceDeps): void {
  app.get('/', async (_request, reply) => {
    reply.header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8');
    const base = escapeHtml(deps.publicUrl);
    return page(
      'Tollgate — start page',
      `<h1>Start page</h1><p>Tollgate is a self-hostable payment gateway speaking Paynow Zimbabwe, Paynow.pl and PayDunya.</p>` +
        `<p>The merchant dashboard is not built yet. Meanwhile:</p>` +
        `<ul><li><a href="/docs">API docs</a>: the management API (${base}/docs), for accounts, integrations, payments and the sandbox controls</li>` +
        `<li><a href="/readyz">Readiness</a></li>` +
        `<li>Prometheus metrics at ${base}/metrics, for a scraper sending the bearer token set in <code>TOLLGATE_METRICS_TOKEN</code></li></ul>`,
    );
  });
}
