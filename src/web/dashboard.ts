import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { escapeHtml, page } from '../core/html.js';

/**
 * The merchant and operator dashboard (dashboard/, a Vite + React app): its built files under /ui/, and
 * index.html for each of its paths, so a reload or a shared link lands on the page. Only these paths: a
 * catch-all would answer unknown paths under a gateway wire's prefix, which must answer in the wire's format.
 */
export const DASHBOARD_DIST = resolve(import.meta.dirname, '../../dashboard/dist');

/** The app's routes (dashboard/src/router.tsx); a `*` stands for an id. */
export const DASHBOARD_PATHS = ['/', '/login', '/signup', '/forgot-password', '/integrations', '/integrations/*', '/payments', '/payments/*', '/developers', '/money', '/settings', '/operators'] as const;

/**
 * The checkout's rules plus what a script-driven app needs: its own scripts and API calls. No inline
 * script or style: React sets style props through the CSSOM, which style-src does not govern.
 */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function notBuilt(reply: FastifyReply, dist: string): FastifyReply {
  return reply
    .code(503)
    .header('content-security-policy', DASHBOARD_CSP)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      page(
        'Tollgate — dashboard not built',
        `<h1>The dashboard is not built</h1><p>This gateway is running, but the dashboard's files are missing from <code>${escapeHtml(dist)}</code>.</p>` +
          `<p>Build them with <code>npm run build:dashboard</code> (<code>npm install</code> does it too), then reload this page.</p>` +
          `<p>Meanwhile the <a href="/docs">API docs</a> describe the management API, and <a href="/readyz">readiness</a> says whether the database answers.</p>`,
      ),
    );
}

/** index.html as last read, kept while its file is unchanged (a rebuild is picked up without a restart). */
function indexReader(dist: string): () => string | undefined {
  let cached: { mtime: number; html: string } | undefined;
  const file = join(dist, 'index.html');
  return () => {
    let mtime: number;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      cached = undefined;
      return undefined;
    }
    if (cached?.mtime !== mtime) cached = { mtime, html: readFileSync(file, 'utf8') };
    return cached.html;
  };
}

export async function registerDashboard(app: FastifyInstance, dist = DASHBOARD_DIST): Promise<void> {
  const readIndex = indexReader(dist);
  const assets = join(dist, 'ui');
  // Hashed file names: a build never changes a file under an existing name, so they may be kept a year.
  await app.register(fastifyStatic, {
    root: existsSync(assets) ? assets : dist,
    prefix: '/ui/',
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: '365d',
    setHeaders: (res) => res.setHeader('content-security-policy', DASHBOARD_CSP),
  });
  for (const path of DASHBOARD_PATHS) {
    app.get(path, async (_request, reply) => {
      const html = readIndex();
      if (html === undefined) return notBuilt(reply, dist);
      return reply.header('content-security-policy', DASHBOARD_CSP).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').type('text/html; charset=utf-8').send(html);
    });
  }
}
