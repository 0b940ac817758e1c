import type { FastifyInstance } from 'fastify';

/** The one stylesheet of the server-rendered pages: small, readable on a 360 px phone. */
const CSS = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}main{max-width:34rem;margin:0 auto;padding:1.25rem}h1{font-size:1.4rem}`;

export function registerAssets(app: FastifyInstance): void {
  app.get('/assets/tollgate.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS));
}
