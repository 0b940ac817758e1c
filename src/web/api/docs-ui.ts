import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';

/**
 * The Swagger UI at /docs: its own files only (no inline script or style, the CSP says so), and a
 * request interceptor, written into the static swagger-initializer.js, that lets "Try it out" write
 * with the session cookie: before each write it reads the session's CSRF token from
 * GET /api/auth/session and sends it as X-CSRF-Token. A bearer token (Authorize) needs none.
 */
export const DOCS_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

// Browser code kept as text: the UI plugin writes a function's source into its initializer file, and
// source compiled here would carry the compiler's helpers with it.
const INTERCEPTOR_BODY = `
  var method = String(req.method || 'GET').toUpperCase();
  var names = Object.keys(req.headers || {}).map(function (k) { return k.toLowerCase(); });
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || names.indexOf('authorization') >= 0 || names.indexOf('x-csrf-token') >= 0) return req;
  return fetch(new URL('/api/auth/session', window.location.href), { credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (s) { if (s && s.csrfToken) req.headers['X-CSRF-Token'] = s.csrfToken; return req; })
    .catch(function () { return req; });
`;

type Interceptor = NonNullable<NonNullable<FastifySwaggerUiOptions['uiConfig']>['requestInterceptor']>;
export const csrfRequestInterceptor = new Function('req', INTERCEPTOR_BODY) as Interceptor;

export const swaggerUiOptions: FastifySwaggerUiOptions = {
  routePrefix: '/docs',
  staticCSP: DOCS_CSP,
  uiConfig: { requestInterceptor: csrfRequestInterceptor },
};
